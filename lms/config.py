"""Configuration read from environment variables, with a separate class for tests."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_dir() -> Path:
    """Where local state lives (SQLite file, generated secret key): INSTANCE_PATH or ./instance."""
    return Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


class ConfigError(RuntimeError):
    """Raised when the environment describes a configuration the app must refuse."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Words of keys copied from a sample file or typed by hand; none turns up by chance in a random key.
_PLACEHOLDER_WORDS = ("change", "secret", "example", "default", "placeholder", "password")


def weak_secret_key(key: str) -> bool:
    """Too short, too repetitive, or a placeholder such as 'change-me-to-a-long-secret-string'."""
    lowered = key.lower()
    return len(key) < 32 or len(set(key)) < 10 or any(word in lowered for word in _PLACEHOLDER_WORDS)


def _secret_key(env: str) -> str:
    """Return SECRET_KEY from the environment; in development keep a generated one under instance/."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if env == "production" and weak_secret_key(key):
            raise ConfigError("SECRET_KEY is too weak for production (use at least 32 random characters).")
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set in production.")
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def _check_rate_limit(name: str, value: str) -> None:
    from limits import parse

    try:
        parse(value)
    except ValueError:
        raise ConfigError(f"{name} must read like '5 per 15 minutes' (found {value!r}).") from None


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    """Settings for development and production, from the environment."""

    def __init__(self) -> None:
        self.APP_ENV = os.environ.get("APP_ENV", "development").strip().lower()
        if self.APP_ENV not in {"development", "production"}:
            raise ConfigError("APP_ENV must be 'development' or 'production'.")
        debug = _bool("FLASK_DEBUG") or _bool("DEBUG")
        if self.APP_ENV == "production" and debug:
            raise ConfigError("Debug mode must be off in production (unset FLASK_DEBUG and DEBUG).")
        self.DEBUG = debug
        self.SECRET_KEY = _secret_key(self.APP_ENV)
        default_db = f"sqlite:///{instance_dir() / 'quantriet.sqlite3'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", default_db))
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        # A Redis that stops answering must cost a second, not a worker's whole timeout; and when it is
        # down, Flask-Limiter counts in memory instead of failing the request.
        self.RATELIMIT_STORAGE_OPTIONS = ({"socket_connect_timeout": 1, "socket_timeout": 1}
                                          if self.RATELIMIT_STORAGE_URI.startswith(("redis", "rediss")) else {})
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_HEADERS_ENABLED = True
        self.VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
        # Failed logins only; the address limit stays well above one office's typos behind one NAT.
        self.LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT", "5 per 15 minutes")
        self.LOGIN_RATE_LIMIT_ADDRESS = os.environ.get("LOGIN_RATE_LIMIT_ADDRESS", "30 per 15 minutes")
        for name in ("LOGIN_RATE_LIMIT_ACCOUNT", "LOGIN_RATE_LIMIT_ADDRESS"):
            _check_rate_limit(name, getattr(self, name))
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
        if self.LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
        self.CERT_SIGNING_P12 = os.environ.get("CERT_SIGNING_P12", "")
        self.CERT_SIGNING_PASSPHRASE = os.environ.get("CERT_SIGNING_PASSPHRASE", "")
        demo_key, demo_pass = instance_dir() / "demo-signing.p12", instance_dir() / "demo-signing.pass"
        if not self.CERT_SIGNING_P12 and self.APP_ENV == "development" and demo_key.exists() and demo_pass.exists():
            # `flask demo` made a self-signed key: demo certificates are signed too.
            self.CERT_SIGNING_P12 = str(demo_key)
            self.CERT_SIGNING_PASSPHRASE = demo_pass.read_text(encoding="utf-8").strip()
        self.PDF_FONT_DIR = os.environ.get("PDF_FONT_DIR", "")
        self.PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0") or 0)
        self.ORG_NAME = os.environ.get("ORG_NAME", "Sở Tài nguyên và Môi trường tỉnh Thanh Hóa")
        self.QUESTION_BANK_DIR = os.environ.get("QUESTION_BANK_DIR", str(PROJECT_ROOT / "question_bank"))
        self.SESSION_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
        self.LANGUAGES = ("vi", "en")
        self.MAX_CONTENT_LENGTH = 16 * 1024 * 1024
        # In production a database error's log line leaves out the values bound to the query (codes,
        # emails, hashes); development keeps them for debugging.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": self.APP_ENV == "production"}


class TestConfig(Config):
    """Settings for the test suite: a database of the test's choosing, CSRF on unless a test turns it off."""

    __test__ = False  # not a pytest test class

    def __init__(self, database_url: str | None = None) -> None:
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            database_url or os.environ.get("TEST_DATABASE_URL") or "sqlite://"
        )
        self.WTF_CSRF_ENABLED = True
        self.BASE_URL = "http://qt.test"
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # nosec B105  # noqa: S105 - a method name; fast hashing keeps tests quick
        self.CERT_SIGNING_P12 = ""  # tests that sign set their own key
        self.CERT_SIGNING_PASSPHRASE = ""  # nosec B105  # no key, so no passphrase: unsigned
