"""Connection settings and write transactions that behave the same on SQLite and PostgreSQL.

SQLite gets WAL, a busy timeout and foreign keys on every connection. SQLAlchemy, not the
sqlite3 driver, starts transactions, so that a write path can begin with `BEGIN IMMEDIATE`: it
takes the write lock up front and waits (busy timeout) for it, instead of failing with "database
is locked" when a read transaction later tries to become a write. PostgreSQL code paths lock the
rows they change with SELECT … FOR UPDATE, which SQLite ignores.
"""
from __future__ import annotations

from contextvars import ContextVar

from flask import Flask
from sqlalchemy import event, text

_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # the driver must not issue its own BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    if _immediate.get():
        _immediate.set(False)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def begin_write() -> None:
    """End the session's current (read) transaction; the next one takes the write lock at once.

    Call at the start of a service that will write, before reading what it will change.
    """
    from lms.extensions import db

    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        _immediate.set(True)


def refresh_statistics() -> None:
    """Update the query planner's table statistics after a bulk change (an import, the demo, a round).

    SQLite keeps none until asked, and without them it may read a whole round to count one unit;
    PostgreSQL's autovacuum would get there too, only later. Commits the session first.
    """
    from lms.extensions import db

    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def init_app(app: Flask) -> None:
    """Register the per-connection settings on the app's engine."""
    from lms.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
    app.teardown_appcontext(lambda _exc: _immediate.set(False))
