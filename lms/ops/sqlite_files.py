"""Checks shared by backup and restore: is a file this app's SQLite database, intact, and in use?

Leaf module: the standard library's sqlite3 only, so it works on files the app's engine never opens.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # not a POSIX system: the in-use check cannot be made
    fcntl = None

SQLITE_MAGIC = b"SQLite format 3\x00"
# Every version of the schema has these (the first migration's tables, never dropped since).
CORE_TABLES = frozenset({"courses", "units", "users", "lessons", "questions", "clauses"})
# SQLite's unix VFS: every connection that has a WAL database open holds a shared lock on this byte
# of the -shm file (the "DMS" lock, https://sqlite.org/walformat.html), for as long as it stays open.
_SHM_DMS_BYTE = 128


class BackupError(RuntimeError):
    """A backup or restore that must not go ahead, with a message for the operator."""


@dataclass(frozen=True)
class DatabaseSummary:
    """What a database file holds: its size, its schema revision and the rows of each table."""

    path: Path
    size: int
    revision: str
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A plain connection (autocommit; the busy timeout the app uses)."""
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15, isolation_level=None)
    return sqlite3.connect(str(path), timeout=15, isolation_level=None)


def check_header(path: Path) -> None:
    """Refuse a file that is missing, not a regular file, or does not start as a SQLite database does."""
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database.")


def table_names(connection: sqlite3.Connection) -> list[str]:
    """The database's own tables (SQLite's internal ones, such as sqlite_stat1, left out)."""
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_intact(connection: sqlite3.Connection, path: Path) -> None:
    """SQLite's integrity check and foreign-key check must both come back clean."""
    try:
        problems = [" ".join(str(row[0]).split()) for row in connection.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise BackupError(f"{path} is damaged (SQLite's integrity check: {'; '.join(problems)}).")
        dangling = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged or not a SQLite database ({exc}).") from None
    if dangling:
        table, rowid, parent, _ = dangling[0]
        raise BackupError(f"{path} has {len(dangling)} row(s) referring to rows that do not exist "
                          f"(first: {table} row {rowid} refers to a missing {parent}).")


def summarise(connection: sqlite3.Connection, path: Path) -> DatabaseSummary:
    """Revision and row counts; refuses a database without exactly one Alembic revision."""
    try:
        names = table_names(connection)
        if "alembic_version" not in names:
            raise BackupError(f"{path} is not a database of this application: it has no alembic_version table "
                              "(was the schema ever created with `flask --app app db upgrade`?).")
        revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        if len(revisions) != 1:
            raise BackupError(f"{path} records {len(revisions)} schema revisions instead of one.")
        tables = {}
        for name in names:
            count = f"SELECT count(*) FROM {_quoted(name)}"  # nosec B608  # noqa: S608 - a name from sqlite_master
            tables[name] = connection.execute(count).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged or not a SQLite database ({exc}).") from None
    return DatabaseSummary(path=path, size=path.stat().st_size, revision=revisions[0], tables=tables)


def check_belongs_to_app(summary: DatabaseSummary, revisions: list[str], head_tables: Iterable[str]) -> None:
    """The schema must be one this code knows (not a newer version's, not another application's)."""
    if summary.revision not in revisions:
        raise BackupError(
            f"{summary.path} has schema revision {summary.revision}, which this code does not know (its "
            f"migrations are {revisions[0]}…{revisions[-1]}): it was made by a newer version of the application "
            "or by another application. Install the version that made it first.")
    expected = set(CORE_TABLES) | (set(head_tables) if summary.revision == revisions[-1] else set())
    missing = sorted(expected - set(summary.tables))
    if missing:
        raise BackupError(f"{summary.path} is not a database of this application: tables {', '.join(missing)} "
                          "are missing.")


def in_use_elsewhere(path: Path) -> bool:
    """Does another process (the app's workers, a command) have this WAL database open right now?

    Tries for a moment to take the lock every open connection shares, and lets it go. Call it only
    while this process has no connection to the database: closing any descriptor of a file drops
    the POSIX locks this process holds on it, SQLite's included.
    """
    shm = Path(f"{path}-shm")
    if fcntl is None or not shm.exists():
        return False  # no -shm: no connection has the database open in WAL mode
    try:
        descriptor = os.open(shm, os.O_RDWR)
    except OSError as exc:
        raise BackupError(f"{shm} cannot be opened ({exc.strerror}): run the command as the user the application "
                          "runs as.") from None
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(descriptor)
