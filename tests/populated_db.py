"""A realistic database on a temporary SQLite file, filled through the app's own commands and services.

Used by the backup and migration round-trip tests: every table gets rows, including a renewal
cycle's reads, attempt, commitment and a certificate superseding an earlier one.
"""
from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from lms import clock, create_app
from lms.config import PROJECT_ROOT, TestConfig
from lms.extensions import db
from tests.conftest import csrf_token

MIGRATIONS = PROJECT_ROOT / "migrations"


def revisions() -> list[str]:
    """Every migration, first to head, as Alembic orders them (whatever migrations exist)."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def app_on(path: Path) -> Flask:
    """An application of its own on the SQLite file PATH."""
    return create_app(TestConfig(f"sqlite:///{path}"))


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite (the source may have a -wal file)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def table_names(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        names = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name")]
    connection.close()
    return names


def table_counts(path: Path) -> dict[str, int]:
    """Rows of every table, read with the plain sqlite3 driver."""
    with sqlite3.connect(path) as connection:
        counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 - names from sqlite_master
                  for name in table_names(path)}
    connection.close()
    return counts


def _cli(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output


def _visit(app: Flask) -> None:
    """What people do over HTTP: log in (and fail once), look a certificate up."""
    from lms.demo.data import DEMO_PASSWORD
    from lms.models import Certificate

    client = app.test_client()
    for password in ("wrong password", DEMO_PASSWORD):
        page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"csrf_token": csrf_token(page), "identifier": "TNMT0002", "password": password})
    with app.app_context():
        code = db.session.scalar(select(Certificate.code).order_by(Certificate.id).limit(1))
    assert client.get(f"/verify/{code}").status_code == 200


def _renewal_cycle() -> None:
    """A renewing round, then someone certified before reads, passes and signs again in its cycle."""
    from lms.certificates.services import sign_commitment
    from lms.models import Certificate, Course, Unit, User
    from lms.rounds.membership import local_today, open_round
    from tests.cert_helpers import pass_quiz

    course = db.session.scalar(select(Course))
    department = db.session.scalar(select(Unit).where(Unit.kind == "department"))
    today = local_today()
    open_round(course, name="Đợt 2 – học lại", starts_on=today + timedelta(days=25),
               deadline=today + timedelta(days=50), unit_ids=[department.id], by=None, renews=True)
    holder = db.session.scalar(select(Certificate.user_id).order_by(Certificate.id).limit(1))
    later = clock.now() + timedelta(days=26)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("lms.clock.now", lambda: later)
        user = db.session.get(User, holder)
        assert pass_quiz(user, course).passed
        renewed = sign_commitment(user, course, agreed=True, typed_name=user.full_name, ip_address="127.0.0.1",
                                  user_agent="pytest")
    assert renewed is not None and renewed.cycle != 0


def build_populated(path: Path) -> None:
    """Migrate an empty file at PATH to head and fill every table; no connection stays open."""
    app = app_on(path)
    with app.app_context():
        upgrade()
        _cli(app, "content", "sync")
        _cli(app, "demo")
        _renewal_cycle()
        _cli(app, "rounds", "analyse")
        db.session.remove()
    _visit(app)
    with app.app_context():
        db.engine.dispose()
