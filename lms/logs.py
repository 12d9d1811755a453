"""Logging with request ids: every request gets one, every log line carries it, the response returns it."""
from __future__ import annotations

import logging
import re
import secrets
import sys

from flask import Flask, Response, has_request_context, request
from flask.logging import default_handler

HEADER = "X-Request-ID"
FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_ENVIRON_KEY = "lms.request_id"
# What a proxy or load balancer may send on (UUIDs, hex, nginx's $request_id); anything else is replaced,
# so no one can write spaces, newlines or markup into the logs and the error page through it.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return secrets.token_hex(16)


def request_id() -> str:
    """The current request's id: a sane incoming X-Request-ID, else a new random one; '-' outside requests."""
    if not has_request_context():
        return "-"
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        incoming = request.headers.get(HEADER, "")
        environ[_ENVIRON_KEY] = incoming if _SAFE_ID.fullmatch(incoming) else new_request_id()
    return environ[_ENVIRON_KEY]


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute, so the format can always name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def _handler() -> logging.Handler | None:
    return next((h for h in logging.getLogger().handlers if getattr(h, "lms_request_ids", False)), None)


def configure_logging(level: str = "INFO") -> logging.Handler:
    """One stderr handler on the root logger (once per process), so the app's, the libraries' and the
    extensions' lines all carry the request id; the app's own loggers ('lms…') log from `level` up."""
    handler = _handler()
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.lms_request_ids = True
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter(FORMAT))
        logging.getLogger().addHandler(handler)
    logging.getLogger("lms").setLevel(level)
    # Alembic's env.py (logging.config.fileConfig) disables every logger that existed when a migration ran
    # in this process; the app's own must speak again.
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and (name == "lms" or name.startswith("lms.")):
            logger.disabled = False
    return handler


def _assign_request_id() -> None:
    request_id()


def _echo_request_id(response: Response) -> Response:
    # Gunicorn's access log reads it back from here (see gunicorn.conf.py).
    response.headers[HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    # The root handler prints app.logger's lines; Flask's own handler would print them a second time.
    app.logger.removeHandler(default_handler)
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)
