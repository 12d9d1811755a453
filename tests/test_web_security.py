"""Headers on every response, no inline script anywhere, private pages not cached."""
import re
from pathlib import Path

import pytest

from tests.conftest import login_as
from tests.factories import make_user

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_security_headers_on_public_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_private_pages_are_not_cached(client, course):
    login_as(client, make_user())
    assert client.get("/courses").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client):
    make_user(code="NV-COOKIE")
    response = client.get("/login")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_templates_have_no_inline_script_or_handlers():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "style=" not in text, path


def test_no_outside_assets():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_errors_show_no_stack_trace(database_url):
    from lms import create_app
    from lms.config import TestConfig

    fresh = create_app(TestConfig(database_url))
    fresh.config["PROPAGATE_EXCEPTIONS"] = False

    @fresh.get("/_boom_for_test")
    def boom():
        raise RuntimeError("secret detail")

    response = fresh.test_client().get("/_boom_for_test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body and "Hệ thống gặp sự cố" in body


def test_nul_characters_are_refused(client, course):
    assert client.post("/login", data={"identifier": "a\x00b", "password": "x"}).status_code == 400
    login_as(client, make_user())
    assert client.get("/courses/a%00b").status_code == 400
    assert client.get("/people?q=a%00b").status_code == 400


def test_huge_ids_are_not_found(client, course):
    login_as(client, make_user(roles=("hr",)))
    for url in ("/attempts/99999999999999999999999", "/attempts/3000000000", "/attempts/3000000000/review",
                "/people?unit=99999999999999999999", "/people?unit=-5"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("body", [{"identifier": "NV\u0000NUL", "password": "x" * 12}, {"identifier": 123},
                                  {"password": {"nested": 5}}])
def test_a_json_body_is_refused_not_read_as_a_form(client, body):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 415
