"""Response headers that every page carries: CSP without inline script, no framing, no caching of private pages."""
from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_login import current_user

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def _refuse_nul() -> None:
    """A NUL character is never valid input; refuse it before it reaches a database."""
    if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
        abort(400)
    if request.method == "POST" and request.is_json:
        # Every form here is HTML: Flask-WTF would otherwise read a JSON body as the form's data,
        # numbers and objects included, bypassing what the HTML form can send.
        abort(415)
    if request.method == "POST" and request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        if any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
            abort(400)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_headers)
