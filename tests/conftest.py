"""Fixtures: one migrated database per test session (SQLite file, or TEST_DATABASE_URL), emptied after each test."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from lms import create_app
from lms.config import TestConfig
from lms.extensions import db

BANK = Path(__file__).resolve().parent.parent / "question_bank"
COURSE_KEY = "quy-tac-ung-xu-mxh-2024"


def _reset_database(url: str) -> None:
    """Start from an empty database so that migrations build every table."""
    if url.startswith("postgresql"):
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class FreshGClient(FlaskClient):
    """Tests keep an app context open between requests; give each request an empty `g` as in production."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ.setdefault("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    application = create_app(TestConfig(database_url))
    application.test_client_class = FreshGClient
    with application.app_context():
        _reset_database(application.config["SQLALCHEMY_DATABASE_URI"])
        upgrade()
        db.session.remove()
    return application


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - table names from metadata
    db.session.commit()


@pytest.fixture
def ctx(app):
    """An app context for the test; every table is emptied afterwards."""
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        # Failed logins of one test never throttle the next (the app, and its counters, last the session).
        app.extensions["login_throttle"].reset()


@pytest.fixture
def clock(monkeypatch):
    """lms.clock.now under the test's control, starting on 2024-06-03 at 08:00 in Vietnam."""
    from tests.quiz_helpers import Clock

    controlled = Clock()
    monkeypatch.setattr("lms.clock.now", controlled)
    return controlled


@pytest.fixture
def client(ctx):
    return ctx.test_client()


@pytest.fixture
def course(ctx):
    """The shipped course, loaded as `content sync` would."""
    from lms.content.importer import sync_course
    from lms.content.loader import load_course

    spec, problems = load_course(BANK / COURSE_KEY)
    assert not problems, problems
    sync_course(spec)
    db.session.commit()
    from lms.learn.services import get_course

    return get_course(COURSE_KEY)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login_as(client, user) -> None:
    """Put the user in the client's session (the login form itself is tested in test_auth)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def post_form(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST with a CSRF token taken from `page` (default: the URL's own page or /courses)."""
    html = client.get(page or "/courses").get_data(as_text=True)
    payload = {"csrf_token": csrf_token(html), **(data or {})}
    return client.post(url, data=payload, **kwargs)
