"""Online backup and restore of a SQLite database file through SQLite's backup API.

A live database in WAL mode keeps recent commits in its -wal file, so copying the main file alone
can give an old or torn database. The backup API reads a consistent snapshot while the app keeps
writing, and writes a restore through SQLite itself, so the live file, -wal and -shm stay in step.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lms.ops.sqlite_files import (
    BackupError,
    DatabaseSummary,
    check_belongs_to_app,
    check_header,
    check_intact,
    connect,
    in_use_elsewhere,
    summarise,
)


@dataclass(frozen=True)
class RestoreResult:
    """The database as restored, the safety copy of what it replaced (if there was one), and the code's head."""

    restored: DatabaseSummary
    safety: DatabaseSummary | None
    head: str

    @property
    def needs_upgrade(self) -> bool:
        return self.restored.revision != self.head


def _temporary_beside(target: Path, label: str) -> Path:
    """An empty, private (0600) file in the target's folder, so the final rename never crosses disks."""
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.{label}-", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    return Path(name)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_database(source: sqlite3.Connection, destination: Path) -> None:
    """Copy in one step (one read snapshot of the source), then make the copy one self-contained file."""
    target = connect(destination)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def backup(database: Path, out: Path, *, overwrite: bool = False) -> DatabaseSummary:
    """Write a verified copy of DATABASE to OUT (via a temporary file renamed at the end); describe it."""
    check_header(database)
    if out.exists() and out.resolve() == database.resolve():
        raise BackupError(f"{out} is the database itself; choose another file.")
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    if out.exists() and not overwrite:
        raise BackupError(f"{out} already exists; choose a new name or pass --overwrite.")
    temporary = _temporary_beside(out, "backup")
    try:
        source = connect(database, read_only=True)  # a backup never writes to the live database
        try:
            _copy_database(source, temporary)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{database} could not be read ({exc}).") from None
        finally:
            source.close()
        check = connect(temporary, read_only=True)
        try:
            check_intact(check, database)
            summary = summarise(check, database)
        finally:
            check.close()
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, out)
        _sync_folder(out.parent)
    finally:
        temporary.unlink(missing_ok=True)
    return DatabaseSummary(path=out, size=out.stat().st_size, revision=summary.revision, tables=summary.tables)


def safety_path(database: Path, folder: Path | None = None) -> Path:
    """Where the database is saved before a restore: beside it, named with the time (UTC)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = database.suffix or ".sqlite3"
    return (folder or database.parent) / f"{database.stem}.before-restore-{stamp}{suffix}"


def _check_source(source: Path, database: Path) -> None:
    check_header(source)
    if database.exists() and source.resolve() == database.resolve():
        raise BackupError(f"{source} is the database itself.")
    wal = Path(f"{source}-wal")
    if wal.exists() and wal.stat().st_size:
        raise BackupError(f"{source} has a write-ahead log beside it ({wal.name}): it is a database in use, or a "
                          "copy of one without its latest changes. Restore a file written by `backup`.")


def _check_target(database: Path) -> None:
    if not database.parent.is_dir():
        raise BackupError(f"The folder {database.parent} does not exist.")
    if in_use_elsewhere(database):
        raise BackupError(f"{database} is open in another process: stop the application (every worker) and any "
                          "command using the database, then restore.")
    if not database.exists() and any(Path(f"{database}{end}").exists() for end in ("-wal", "-journal")):
        raise BackupError(f"{database} is missing but its -wal or -journal file is still there: move those aside too.")


def _matching_page_size(working: sqlite3.Connection, live: sqlite3.Connection) -> None:
    """A database in WAL mode cannot take pages of another size: rewrite the copy in the live page size."""
    wanted = live.execute("PRAGMA page_size").fetchone()[0]
    if working.execute("PRAGMA page_size").fetchone()[0] != wanted:
        working.execute("PRAGMA journal_mode=DELETE")  # the page size of a WAL database is fixed
        working.execute(f"PRAGMA page_size={int(wanted)}")
        working.execute("VACUUM")


def restore(source: Path, database: Path, *, revisions: list[str], head_tables: Iterable[str],
            safety_folder: Path | None = None) -> RestoreResult:
    """Replace DATABASE's content with the backup SOURCE, after saving DATABASE; the app must be stopped.

    `revisions` are the code's migrations from first to head. The backup is checked on a private
    copy (so SOURCE is never touched) before anything of DATABASE changes.
    """
    _check_source(source, database)
    _check_target(database)
    working_path = _temporary_beside(database, "restore")
    try:
        shutil.copyfile(source, working_path)
        working = connect(working_path)
        try:
            check_intact(working, source)
            incoming = summarise(working, source)
            check_belongs_to_app(incoming, revisions, head_tables)
            safety = None
            if database.exists():
                try:
                    safety = backup(database, safety_path(database, safety_folder))
                except BackupError as exc:
                    raise BackupError(f"The current database could not be saved first, so nothing was restored "
                                      f"({exc}) If it is damaged, move it and its -wal and -shm files aside, then "
                                      "restore again.") from None
            restored = _write_into(working, database)
        finally:
            working.close()
    finally:
        working_path.unlink(missing_ok=True)
    return RestoreResult(restored=restored, safety=safety, head=revisions[-1])


def _write_into(working: sqlite3.Connection, database: Path) -> DatabaseSummary:
    """Copy the checked backup into the live file through SQLite, leave it in WAL mode, and check it."""
    live = connect(database)
    try:
        _matching_page_size(working, live)
        try:
            working.backup(live)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{database} could not be written ({exc}); it is unchanged.") from None
        live.execute("PRAGMA journal_mode=WAL")
        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        check_intact(live, database)
        return summarise(live, database)
    finally:
        with contextlib.suppress(sqlite3.Error):
            live.close()
