"""Response headers that every page carries: CSP without inline script, no framing, no caching of private pages."""
from __future__ import annotations

from flask import Flask, Response
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


def init_app(app: Flask) -> None:
    app.after_request(_headers)
