"""Configuration from the environment and the application factory."""
import pytest
from flask import Flask

from lms import create_app
from lms.config import Config, ConfigError, TestConfig, normalise_database_url


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "DATABASE_URL", "APP_ENV", "FLASK_DEBUG", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return monkeypatch


def test_factory_builds_an_app_without_touching_the_database(env, tmp_path):
    app = create_app(TestConfig("sqlite:///" + str(tmp_path / "never.sqlite3")))
    assert isinstance(app, Flask)
    assert app.testing
    assert not (tmp_path / "never.sqlite3").exists()
    assert {"auth", "learn", "people", "admin", "common"} <= set(app.blueprints)


def test_development_defaults(env, tmp_path):
    config = Config()
    assert config.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'quantriet.sqlite3'}"
    assert config.BASE_URL == "http://127.0.0.1:5000"
    assert config.BABEL_DEFAULT_LOCALE == "vi"
    assert not config.DEBUG


def test_secret_key_is_generated_once_and_kept(env, tmp_path):
    first = Config().SECRET_KEY
    second = Config().SECRET_KEY
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides(env):
    env.setenv("SECRET_KEY", "x" * 40)
    env.setenv("DATABASE_URL", "postgres://u@db/quantriet")
    env.setenv("BASE_URL", "https://quantriet.example.gov.vn/")
    config = Config()
    assert config.SECRET_KEY == "x" * 40
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db/quantriet"
    assert config.BASE_URL == "https://quantriet.example.gov.vn"
    assert config.SESSION_COOKIE_SECURE


@pytest.mark.parametrize("key", [None, "short", "change-me"])
def test_production_refuses_a_missing_or_weak_secret_key(env, key):
    env.setenv("APP_ENV", "production")
    if key:
        env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError):
        Config()


def test_production_refuses_debug(env):
    env.setenv("APP_ENV", "production")
    env.setenv("SECRET_KEY", "k" * 48)
    env.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError):
        Config()


def test_production_with_a_proper_key(env, tmp_path):
    env.setenv("APP_ENV", "production")
    env.setenv("SECRET_KEY", "k" * 48)
    config = Config()
    assert config.SECRET_KEY == "k" * 48
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("url, expected", [
    ("postgresql://postgres@127.0.0.1/test", "postgresql+psycopg://postgres@127.0.0.1/test"),
    ("postgres://a:b@h:5432/d", "postgresql+psycopg://a:b@h:5432/d"),
    ("postgresql+psycopg://x@y/z", "postgresql+psycopg://x@y/z"),
    ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
])
def test_database_url_spellings(url, expected):
    assert normalise_database_url(url) == expected


def test_proxy_count_trusts_forwarded_headers(env, tmp_path):
    from flask import request

    env.setenv("PROXY_COUNT", "1")
    config = TestConfig("sqlite:///" + str(tmp_path / "proxy.sqlite3"))
    app = create_app(config)

    @app.get("/_whoami")
    def whoami():
        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9",
                                                          "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == "203.0.113.9 https"


def test_without_proxy_forwarded_headers_are_ignored(env, tmp_path):
    from flask import request

    app = create_app(TestConfig("sqlite:///" + str(tmp_path / "noproxy.sqlite3")))

    @app.get("/_whoami")
    def whoami():
        return request.remote_addr or ""

    response = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "127.0.0.1"


def test_the_demo_signing_key_is_used_in_development_only_when_complete(env, tmp_path):
    (tmp_path / "demo-signing.p12").write_bytes(b"x")
    assert Config().CERT_SIGNING_P12 == ""  # no passphrase file: not used
    (tmp_path / "demo-signing.pass").write_text("pass", encoding="utf-8")
    config = Config()
    assert config.CERT_SIGNING_P12 == str(tmp_path / "demo-signing.p12") and config.CERT_SIGNING_PASSPHRASE == "pass"
    env.setenv("APP_ENV", "production")
    env.setenv("SECRET_KEY", "k" * 48)
    assert Config().CERT_SIGNING_P12 == ""
