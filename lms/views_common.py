"""Cross-cutting web pieces: loading the user, role checks, the language switch, error pages."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, make_response, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from lms.extensions import db, login_manager
from lms.logs import request_id

bp = Blueprint("common", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """Load the user from the session id 'id.version'; a bumped version or a disabled account logs out."""
    from lms.models import User

    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def is_safe_next(target: str | None) -> bool:
    """Only a local absolute path may follow login: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def course_or_404(course_key: str):
    """The live course with this key, or a 404 page."""
    from lms.learn.services import get_course

    course = get_course(course_key)
    if course is None:
        abort(404)
    return course


def roles_required(*roles: str) -> Callable:
    """Route decorator: log in first, then hold at least one of the roles, else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.post("/language")
def set_language():
    """Switch the interface language for this session and go back where the person was."""
    from flask import current_app

    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("learn.my_courses"))


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    from sqlalchemy import text

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


def _error(code: int, message, reference: str | None = None):
    return render_template("errors/error.html", code=code, message=message, reference=reference), code


def _too_many(exc):
    """Rate limited (e.g. /verify): the app's own page, keeping the Retry-After the limiter set."""
    response = make_response(*_error(429, _l("Too many requests. Please wait a minute and try again.")))
    retry = exc.get_response().headers.get("Retry-After") if hasattr(exc, "get_response") else None
    if retry:
        response.headers["Retry-After"] = retry
    return response


def _server_error(_exc):
    """Generic page with the request id, which finds the logged traceback; the failed transaction is
    rolled back first so the page itself can load the user."""
    db.session.rollback()
    return _error(500, _l("Something went wrong on our side. Please try again."), reference=request_id())


def init_app(app: Flask) -> None:
    """Wire login settings, the common blueprint and generic error pages (no stack traces to users)."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)

    app.register_error_handler(403, lambda e: _error(403, _l("You do not have access to this page.")))
    app.register_error_handler(404, lambda e: _error(404, _l("The page you asked for does not exist.")))
    app.register_error_handler(405, lambda e: _error(405, _l("This action is not allowed here.")))
    app.register_error_handler(413, lambda e: _error(413, _l("The file is too large.")))
    app.register_error_handler(429, _too_many)
    app.register_error_handler(415, lambda e: _error(415, _l("This kind of request is not accepted here.")))
    app.register_error_handler(
        CSRFError, lambda e: _error(400, _l("The form has expired. Please go back, reload the page and try again."))
    )
    app.register_error_handler(500, _server_error)

    @app.context_processor
    def layout_context():
        from flask_babel import get_locale

        return {"current_lang": str(get_locale()), "languages": app.config["LANGUAGES"]}
