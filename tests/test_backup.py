"""`flask backup` and `flask restore`: a round trip on a populated database, and every file restore refuses."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from lms.extensions import db
from tests.populated_db import app_on, build_populated, copy_database, revisions, table_counts

REVISIONS = revisions()


@pytest.fixture(scope="module")
def populated(app, tmp_path_factory) -> Path:
    """One populated database at head (`app`: the session's INSTANCE_PATH is set)."""
    path = tmp_path_factory.mktemp("populated") / "populated.sqlite3"
    build_populated(path)
    return path


@pytest.fixture
def live(populated, tmp_path):
    """An application on its own copy of the populated database; (app, database path)."""
    path = tmp_path / "live" / "quantriet.sqlite3"
    path.parent.mkdir()
    copy_database(populated, path)
    application = app_on(path)
    yield application, path
    with application.app_context():
        db.engine.dispose()


def _run(application, *args: str):
    return application.test_cli_runner().invoke(args=list(args))


def _query(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(sql).fetchall()
    connection.close()
    return rows


def _safety_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.before-restore-*"))


def test_backup_then_restore_brings_every_row_back(live, tmp_path):
    from lms.certificates.services import revoke
    from lms.models import Certificate, User

    application, path = live
    out = tmp_path / "backup.sqlite3"
    result = _run(application, "backup", str(out))
    assert result.exit_code == 0, result.output
    saved = table_counts(out)
    assert saved == table_counts(path)
    assert f"{len(saved)} tables" in result.output and f"schema revision {REVISIONS[-1]}" in result.output
    assert f"{sum(saved.values()):,} rows" in result.output
    assert out.stat().st_mode & 0o077 == 0  # password hashes inside: readable by the owner only
    assert not list(out.parent.glob(".*.tmp"))
    certificate_id, status = _query(path, "SELECT id, status FROM certificates WHERE status = 'valid' ORDER BY id")[0]
    names = _query(path, "SELECT id, full_name FROM users ORDER BY id")

    with application.app_context():  # the data changes after the backup: a revocation, deletions
        certificate = db.session.get(Certificate, certificate_id)
        revoke(certificate, db.session.scalar(select(User).where(User.employee_code == "TNMT0002")), "Nhầm người")
        db.session.commit()
        db.session.remove()
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM attempt_questions")
        connection.execute("DELETE FROM lesson_reads WHERE id % 2 = 0")
        connection.execute("UPDATE users SET full_name = 'Người Khác'")
    connection.close()
    assert table_counts(path) != saved

    result = _run(application, "restore", "--yes", str(out))
    assert result.exit_code == 0, result.output
    assert table_counts(path) == saved
    assert _query(path, f"SELECT status FROM certificates WHERE id = {certificate_id}") == [(status,)]  # noqa: S608
    assert _query(path, "SELECT id, full_name FROM users ORDER BY id") == names
    assert _query(path, "PRAGMA journal_mode") == [("wal",)]
    assert _query(path, "PRAGMA integrity_check") == [("ok",)]
    [safety] = _safety_copies(path)  # what the restore replaced, saved first
    assert str(safety) in result.output
    assert _query(safety, "SELECT count(*) FROM attempt_questions") == [(0,)]
    assert _query(safety, f"SELECT status FROM certificates WHERE id = {certificate_id}") == [("revoked",)]  # noqa: S608
    with application.app_context():  # the app reads the restored data
        assert db.session.get(Certificate, certificate_id).status == status


def test_a_backup_during_an_open_write_transaction_is_consistent(live, tmp_path):
    application, path = live
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("DELETE FROM verification_log")  # committed, still only in the -wal file
    assert Path(f"{path}-wal").stat().st_size > 0
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, not committed
    writer.execute("DELETE FROM attempt_questions")
    writer.execute("UPDATE units SET name = 'Đang sửa'")
    try:
        out = tmp_path / "during.sqlite3"
        result = _run(application, "backup", str(out))
        assert result.exit_code == 0, result.output
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert _query(out, "PRAGMA integrity_check") == [("ok",)]
    assert _query(out, "SELECT count(*) FROM verification_log") == [(0,)]  # the committed change is in
    assert _query(out, "SELECT count(*) FROM attempt_questions")[0][0] > 0  # the uncommitted one is not
    assert _query(out, "SELECT count(*) FROM units WHERE name = 'Đang sửa'") == [(0,)]
    assert _query(path, "SELECT count(*) FROM attempt_questions") == [(0,)]


def test_backup_refuses_to_overwrite_or_write_into_a_missing_folder(live, tmp_path):
    application, _path = live
    out = tmp_path / "taken.sqlite3"
    out.write_bytes(b"an earlier backup")
    result = _run(application, "backup", str(out))
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_bytes() == b"an earlier backup"
    assert _run(application, "backup", "--overwrite", str(out)).exit_code == 0
    assert table_counts(out)["users"] == 150
    result = _run(application, "backup", str(tmp_path / "nowhere" / "x.sqlite3"))
    assert result.exit_code == 1 and "does not exist" in result.output


def _damaged(good: Path, target: Path) -> Path:
    data = bytearray(good.read_bytes())
    page = 4096
    for number in range(3, len(data) // page, 7):  # scribble over the middle of many pages
        data[number * page + 100:number * page + 400] = b"\xa5" * 300
    target.write_bytes(bytes(data))
    return target


def _foreign_database(target: Path, revision: str | None, tables: tuple[str, ...] = ("notes",)) -> Path:
    with sqlite3.connect(target) as connection:
        for table in tables:
            connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        if revision is not None:
            connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    connection.close()
    return target


def _refusals(populated: Path, folder: Path) -> list[tuple[Path, str]]:
    text_file = folder / "notes.txt"
    text_file.write_text("not a database", encoding="utf-8")
    half = folder / "half.sqlite3"
    half.write_bytes(populated.read_bytes()[: populated.stat().st_size // 2])
    app_tables = ("courses", "units", "users", "lessons", "questions", "clauses")
    raw_copy = folder / "raw-copy.sqlite3"  # what `cp` of a live database gives: its latest changes left behind
    copy_database(populated, raw_copy)
    Path(f"{raw_copy}-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(4092))
    return [
        (folder / "missing.sqlite3", "does not exist"),
        (text_file, "not a SQLite database"),
        (_damaged(populated, folder / "damaged.sqlite3"), "damaged"),
        (half, "damaged"),
        (raw_copy, "write-ahead log"),
        (_foreign_database(folder / "other.sqlite3", None), "no alembic_version table"),
        (_foreign_database(folder / "newer.sqlite3", "9999_from_the_future", app_tables), "newer version"),
        (_foreign_database(folder / "lookalike.sqlite3", REVISIONS[0]), "tables clauses, courses"),
        (_foreign_database(folder / "partial.sqlite3", REVISIONS[-1], app_tables), "are missing"),
    ]


def test_restore_refuses_what_is_not_a_backup_of_this_app(live, populated, tmp_path):
    application, path = live
    before = table_counts(path)
    for source, message in _refusals(populated, tmp_path):
        result = _run(application, "restore", "--yes", str(source))
        assert result.exit_code == 1, (source.name, result.output)
        assert message in result.output, (source.name, result.output)
    assert table_counts(path) == before
    assert _safety_copies(path) == []  # refused before anything was saved or written


def test_restore_refuses_while_another_process_has_the_database_open(live, tmp_path):
    application, path = live
    out = tmp_path / "backup.sqlite3"
    assert _run(application, "backup", str(out)).exit_code == 0
    holder = subprocess.Popen(  # an app worker: one idle connection that has read the database
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM users').fetchall()\n"
         "print('open', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = _run(application, "restore", "--yes", str(out))
        assert result.exit_code == 1 and "open in another process" in result.output
        assert _safety_copies(path) == []
    finally:
        holder.kill()
        holder.wait()
    assert _run(application, "restore", "--yes", str(out)).exit_code == 0


def test_restore_asks_first(live, tmp_path):
    application, path = live
    out = tmp_path / "backup.sqlite3"
    assert _run(application, "backup", str(out)).exit_code == 0
    result = application.test_cli_runner().invoke(args=["restore", str(out)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert _safety_copies(path) == []


def test_an_older_backup_is_restored_and_upgraded(live, populated, tmp_path):
    application, path = live
    older = tmp_path / "older.sqlite3"
    copy_database(populated, older)
    other = app_on(older)
    with other.app_context():
        downgrade(revision=REVISIONS[-2])
        db.engine.dispose()
    result = _run(application, "restore", "--yes", str(older))
    assert result.exit_code == 0, result.output
    assert f"older than the code's ({REVISIONS[-1]})" in result.output and "db upgrade" in result.output
    assert _query(path, "SELECT version_num FROM alembic_version") == [(REVISIONS[-2],)]
    with application.app_context():
        upgrade()
        db.engine.dispose()
    assert _query(path, "SELECT version_num FROM alembic_version") == [(REVISIONS[-1],)]
    assert table_counts(path)["users"] == table_counts(populated)["users"]


def test_restore_into_a_new_installation(populated, tmp_path):
    path = tmp_path / "fresh" / "quantriet.sqlite3"
    path.parent.mkdir()
    application = app_on(path)
    result = _run(application, "restore", "--yes", str(populated))
    assert result.exit_code == 0, result.output
    assert table_counts(path) == table_counts(populated)
    assert _safety_copies(path) == []


@pytest.mark.parametrize("command", [["backup", "out.dump"], ["restore", "--yes", "in.dump"]])
def test_postgresql_is_pointed_to_pg_dump(command, app):
    from lms import create_app
    from lms.config import TestConfig

    application = create_app(TestConfig("postgresql://quantriet@127.0.0.1:1/nowhere"))
    result = _run(application, *command)
    assert result.exit_code == 1
    assert "pg_dump -Fc" in result.output and "pg_restore" in result.output and "README" in result.output
