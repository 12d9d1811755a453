"""Debug is off in production and a failure shows a generic page: no stack trace, no exception text."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy.exc import OperationalError

from lms.config import ConfigError
from tests.conftest import csrf_token, login_as
from tests.factories import make_user
from tests.security.html_checks import header_problems

SECRET_DETAIL = "secret-detail /srv/app/lms/learn/services.py SELECT password_hash FROM users"


@pytest.fixture
def production(monkeypatch, tmp_path):
    for name in ("FLASK_DEBUG", "DATABASE_URL", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")


def test_production_runs_without_debug_or_test_mode(production):
    from lms import create_app
    from lms.config import Config

    app = create_app(Config())
    assert app.debug is False and app.testing is False
    assert not app.config.get("PROPAGATE_EXCEPTIONS")
    assert "werkzeug.debug" not in type(app.wsgi_app).__module__


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_production_refuses_debug(production, monkeypatch, value):
    from lms.config import Config

    monkeypatch.setenv("FLASK_DEBUG", value)
    with pytest.raises(ConfigError):
        Config()


def _assert_generic(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret-detail" not in body and "SELECT" not in body
    assert "lms/" not in body and "File \"" not in body
    assert "Hệ thống gặp sự cố" in body  # the generic message, in the site's layout
    assert header_problems(response, signed_in=True) == []


@pytest.mark.parametrize("error", [RuntimeError(SECRET_DETAIL),
                                   OperationalError(SECRET_DETAIL, {}, Exception("database is locked"))])
def test_a_failing_page_shows_only_the_generic_message(app, client, course, monkeypatch, error):
    """A real view made to fail, on the app the tests use (exceptions are not propagated, as in production)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("lms.learn.services.course_progress", broken)
    login_as(client, make_user())
    _assert_generic(client.get("/courses"))


def test_a_failing_json_endpoint_says_nothing_either(app, client, course, monkeypatch):
    from tests.quiz_helpers import read_all

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    learner = make_user()
    read_all(learner, course)
    login_as(client, learner)
    page = client.get(f"/courses/{course.key}/quiz").get_data(as_text=True)
    started = client.post(f"/courses/{course.key}/quiz/start", data={"csrf_token": csrf_token(page)})
    sheet = client.get(started.headers["Location"]).get_data(as_text=True)

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr("lms.quiz.services.save_answers", broken)
    response = client.post(started.headers["Location"] + "/answer",
                           data={"csrf_token": csrf_token(sheet), "question": "1", "option": "0"})
    _assert_generic(response)
