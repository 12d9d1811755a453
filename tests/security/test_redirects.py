"""`next` parameters lead only to a local path: after login, after switching language, after revoking a
certificate and after an exemption. Each hostile value is judged the way a browser would read the Location."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote, urljoin, urlsplit

import pytest

from lms.views_common import is_safe_next
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD, make_user

HOSTILE = [
    "//evil.example",
    "//evil.example/courses",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "ftp://evil.example",
    "//evil.example@qt.test",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\r\n//evil.example",
    "/\r\nLocation: https://evil.example",
    "\x00//evil.example",
    "evil.example",
    "/.\\evil.example",
]
LOCAL = ["/courses", "/courses/quy-tac-ung-xu-mxh-2024?x=1", "/people?q=%2F%2Fevil"]
# Odd, but a browser stays on this site with them, so they may be kept or replaced by the default.
ODD_BUT_LOCAL = ["/%2F%2Fevil.example", "/%5Cevil.example", "/./evil.example", "/\u3000/evil.example",
                 "/ /evil.example"]


@pytest.fixture
def person(ctx):
    return make_user("Nguyễn Văn An", code="NV-NEXT", roles=("hr",))


def browser_reads(location: str, base: str = "http://qt.test/login") -> tuple[str, str]:
    """(scheme, host) a browser would go to: WHATWG URL parsing strips leading and trailing C0 controls and
    spaces, removes tabs and newlines anywhere, and treats a backslash as a slash in http(s) URLs."""
    text = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15"
                          "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    text = re.sub(r"[\t\n\r]", "", text).replace("\\", "/")
    target = urlsplit(urljoin(base, text))
    return target.scheme.lower(), target.hostname or ""


def assert_stays_local(response, default: str) -> None:
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert browser_reads(location) == ("http", "qt.test"), location
    assert "\r" not in location and "\n" not in location
    if location != default:
        assert is_safe_next(location), location


@pytest.mark.parametrize("target", HOSTILE)
def test_the_guard_refuses_hostile_targets(target):
    """Every hostile value is refused outright, even those a browser would happen to keep on this host."""
    assert not is_safe_next(target)
    assert not is_safe_next(quote(target, safe=""))


@pytest.mark.parametrize("target", LOCAL)
def test_the_guard_keeps_local_paths(target):
    assert is_safe_next(target)


def _login(client, user, next_value: str):
    """As a browser does it: the login page puts `next` from the query into a hidden field, which is posted."""
    shown = client.get("/login", query_string={"next": next_value})
    if shown.status_code == 400:  # a NUL byte is refused before anything else
        return shown
    page = shown.get_data(as_text=True)
    hidden = re.search(r'name="next" type="hidden" value="([^"]*)"', page)
    posted = unescape(hidden.group(1)) if hidden else next_value
    return client.post("/login", data={"csrf_token": csrf_token(page), "identifier": user.employee_code,
                                       "password": PASSWORD, "next": posted})


@pytest.mark.parametrize("target", HOSTILE)
def test_login_next_never_leaves_the_site(client, person, target):
    response = _login(client, person, target)
    if response.status_code == 400:  # a NUL byte is refused before anything else
        assert "\x00" in target
        return
    assert_stays_local(response, "/courses")
    assert response.headers["Location"] == "/courses"


@pytest.mark.parametrize("target", ODD_BUT_LOCAL)
def test_odd_local_paths_stay_on_the_site(client, person, target):
    assert_stays_local(_login(client, person, target), "/courses")
    page = client.get("/courses").get_data(as_text=True)
    assert_stays_local(client.post("/language", data={"csrf_token": csrf_token(page), "lang": "vi",
                                                     "next": target}), "/courses")


@pytest.mark.parametrize("target", LOCAL)
def test_login_next_keeps_a_local_path(client, person, target):
    response = _login(client, person, target)
    assert response.status_code == 302 and response.headers["Location"] == target


def test_the_login_redirect_for_a_protected_page_carries_a_local_next(client, person):
    response = client.get("/people?q=a")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    login = _login(client, person, "/people?q=a")
    assert login.headers["Location"] == "/people?q=a"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_next(client, ctx, target):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en", "next": target})
    if response.status_code == 400:
        assert "\x00" in target
        return
    assert_stays_local(response, "/courses")
    assert response.headers["Location"] == "/courses"


def _every_target_goes_to(client, url: str, data: dict, default: str) -> None:
    """Post each hostile `next` (one world for them all: the redirect does not depend on what came before)."""
    for target in HOSTILE:
        response = client.post(url, data={**data, "next": target})
        if response.status_code == 400:
            assert "\x00" in target
            continue
        assert_stays_local(response, default)
        assert response.headers["Location"] == default, (target, response.headers["Location"])


def test_revoke_next_goes_back_to_the_list_only(client, world):
    login_as(client, world.people["hr"])
    token = csrf_token(client.get("/certificates").get_data(as_text=True))
    _every_target_goes_to(client, f"/certificates/{world.certificate.id}/revoke",
                          {"csrf_token": token, "reason": "Cấp nhầm"}, "/certificates")
    outside = client.post(f"/certificates/{world.certificate.id}/revoke",
                          data={"csrf_token": token, "reason": "Cấp nhầm", "next": "/courses"})
    assert outside.headers["Location"] == "/certificates"


def test_revoke_next_keeps_the_lists_filter(client, world):
    login_as(client, world.people["hr"])
    token = csrf_token(client.get("/certificates").get_data(as_text=True))
    response = client.post(f"/certificates/{world.certificate.id}/revoke",
                           data={"csrf_token": token, "reason": "Cấp nhầm", "next": "/certificates?status=valid"})
    assert response.headers["Location"] == "/certificates?status=valid"


def test_exemption_next(client, world):
    login_as(client, world.people["hr"])
    round_id, victim = world.round_other.id, world.people["victim"].id
    token = csrf_token(client.get(f"/rounds/{round_id}").get_data(as_text=True))
    _every_target_goes_to(client, f"/rounds/{round_id}/members/{victim}/exemption",
                          {"csrf_token": token, "reason": "Nghỉ ốm dài ngày"}, f"/rounds/{round_id}")
