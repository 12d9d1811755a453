"""Configuration from the environment and the application factory."""
import pytest
from flask import Flask

from lms import create_app
from lms.config import Config, ConfigError, TestConfig, normalise_database_url, weak_secret_key

STRONG_KEY = "tV3q9LrX0b-Yc7PzWm2KfJhN8sGdE5aU1oRkQiTy4xBvZ6nHjM"


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "DATABASE_URL", "APP_ENV", "FLASK_DEBUG", "DEBUG", "BASE_URL",
                 "LOGIN_RATE_LIMIT_ACCOUNT", "LOGIN_RATE_LIMIT_ADDRESS", "LOG_LEVEL"):
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


@pytest.mark.parametrize("key", [None, "", "   ", "short", "change-me", "x" * 40, "0123456789" * 2,
                                 "change-me-to-a-long-random-string-please", "my-super-secret-key-for-quantriet-2024",
                                 "replace with the default key of the example file"])
def test_production_refuses_a_missing_default_or_weak_secret_key(env, key):
    env.setenv("APP_ENV", "production")
    if key is not None:
        env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config()
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_generated_keys_are_never_judged_weak():
    import secrets

    assert not any(weak_secret_key(secrets.token_urlsafe(48)) for _ in range(2000))
    assert not weak_secret_key(secrets.token_hex(32))


@pytest.mark.parametrize("variable", ["FLASK_DEBUG", "DEBUG"])
@pytest.mark.parametrize("value", ["1", "true", "on", "YES"])
def test_production_refuses_debug(env, variable, value):
    env.setenv("APP_ENV", "production")
    env.setenv("SECRET_KEY", STRONG_KEY)
    env.setenv(variable, value)
    with pytest.raises(ConfigError, match="Debug"):
        Config()
    with pytest.raises(ConfigError, match="Debug"):
        create_app()


@pytest.mark.parametrize("variable", ["FLASK_DEBUG", "DEBUG"])
def test_debug_is_allowed_in_development_only_when_asked(env, variable):
    assert not Config().DEBUG
    env.setenv(variable, "1")
    assert Config().DEBUG
    env.setenv(variable, "0")
    assert not Config().DEBUG


def test_production_with_a_proper_key(env, tmp_path):
    env.setenv("APP_ENV", "production")
    env.setenv("SECRET_KEY", STRONG_KEY)
    config = Config()
    assert config.SECRET_KEY == STRONG_KEY
    assert not (tmp_path / "secret_key").exists()


def test_login_limits_and_log_level_from_the_environment(env):
    env.setenv("LOGIN_RATE_LIMIT_ACCOUNT", "3 per hour")
    env.setenv("LOGIN_RATE_LIMIT_ADDRESS", "100/day")
    env.setenv("LOG_LEVEL", "warning")
    config = Config()
    assert (config.LOGIN_RATE_LIMIT_ACCOUNT, config.LOGIN_RATE_LIMIT_ADDRESS, config.LOG_LEVEL) == (
        "3 per hour", "100/day", "WARNING")


@pytest.mark.parametrize("name, value", [("LOGIN_RATE_LIMIT_ACCOUNT", "five a minute"),
                                         ("LOGIN_RATE_LIMIT_ADDRESS", "30 per fortnight"), ("LOG_LEVEL", "verbose")])
def test_unreadable_limits_and_log_levels_are_refused(env, name, value):
    env.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        Config()


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
    env.setenv("SECRET_KEY", STRONG_KEY)
    assert Config().CERT_SIGNING_P12 == ""
