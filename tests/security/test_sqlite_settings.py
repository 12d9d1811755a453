"""SQLite connections run in WAL mode with a busy timeout and foreign keys on, and write paths take the
write lock up front (BEGIN IMMEDIATE) instead of failing later with "database is locked"."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from lms.db_setup import begin_write
from lms.extensions import db


@pytest.fixture
def sqlite(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    return ctx


def test_every_connection_has_wal_busy_timeout_and_foreign_keys(sqlite):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_write_path_begins_immediate_and_a_read_path_does_not(sqlite):
    statements = []

    def spy(conn, cursor, statement, *args):
        statements.append(statement.strip().upper())

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        begin_write()
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]
