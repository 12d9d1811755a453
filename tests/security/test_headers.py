"""Headers and markup on every kind of response: CSP without inline script, nosniff, no framing, a strict
referrer policy, no-store on private pages and PDFs; no inline script or handler in any page; cookie flags."""
from __future__ import annotations

import re
from io import BytesIO

import pytest

from lms.quiz import services as quiz
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD, make_unit, make_user
from tests.import_helpers import csv_bytes
from tests.quiz_helpers import read_all, right_answers
from tests.security.html_checks import csp_problems, header_problems, html_problems, is_html
from tests.security.test_access_matrix import MATRIX, ROLES, request, session_for


def problems_of(response, *, signed_in: bool) -> list[str]:
    found = header_problems(response, signed_in=signed_in)
    if is_html(response):
        found += html_problems(response.get_data(as_text=True))
    return found


class Tour:
    """Requests made in a test, each checked as it comes back; the problems are reported together."""

    def __init__(self, client) -> None:
        self.client = client
        self.problems: list[str] = []
        self.signed_in = False

    def check(self, label: str, response):
        self.problems += [f"{label}: {p}" for p in problems_of(response, signed_in=self.signed_in)]
        return response

    def get(self, url: str, **kwargs):
        return self.check(f"GET {url}", self.client.get(url, **kwargs))

    def post(self, url: str, **kwargs):
        return self.check(f"POST {url}", self.client.post(url, **kwargs))

    def token(self, url: str = "/courses") -> str:
        return csrf_token(self.get(url).get_data(as_text=True))


def test_the_policy_itself(client):
    response = client.get("/login")
    assert csp_problems(response.headers["Content-Security-Policy"]) == []
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_with_the_headers_and_clean_markup(client, world, role):
    """Every response of the access matrix — pages, redirects, refusals, PDFs, spreadsheets, ZIPs, JSON."""
    token = session_for(client, world, role)
    ids = world.ids()
    found = []
    for case in MATRIX:
        response = request(client, case, ids, token)
        signed_in = role != "anonymous" and case.url != "/logout"
        found += [f"{case.method} {case.url.format(**ids)}: {p}" for p in problems_of(response, signed_in=signed_in)]
        response.close()
    assert not found, f"as {role}:\n" + "\n".join(found)


def test_a_learners_own_pages(client, course):
    """The pages only the owner reaches: the quiz sheet, autosave JSON, the review, the commitment, the PDF."""
    learner = make_user("Lê Thị Học")
    read_all(learner, course)
    login_as(client, learner)
    tour = Tour(client)
    tour.signed_in = True
    started = tour.post(f"/courses/{course.key}/quiz/start", data={"csrf_token": tour.token()})
    sheet_url = started.headers["Location"]
    sheet = tour.get(sheet_url).get_data(as_text=True)
    attempt = quiz.load_attempt(learner.id, int(sheet_url.rsplit("/", 1)[1]))
    answers = right_answers(attempt)
    tour.post(f"{sheet_url}/answer", data={"csrf_token": csrf_token(sheet), "question": "1",
                                           "option": str(answers[1][0])})
    form = {"csrf_token": csrf_token(sheet), "shown": [str(p) for p in answers]}
    form.update({f"q{p}": [str(i) for i in picks] for p, picks in answers.items()})
    tour.post(f"{sheet_url}/save", data=form)
    tour.post(f"{sheet_url}/finish", data=form)
    tour.get(f"{sheet_url}/review")
    tour.get(f"/courses/{course.key}/quiz")
    commitment = tour.get(f"/courses/{course.key}/commitment").get_data(as_text=True)
    tour.post(f"/courses/{course.key}/commitment", data={"csrf_token": csrf_token(commitment), "agree": "y",
                                                          "full_name": learner.full_name})
    mine = tour.get("/courses").get_data(as_text=True)
    pdf_url = re.search(r'href="(/certificates/\d+/pdf)"', mine).group(1)
    pdf = tour.get(pdf_url)
    assert pdf.mimetype == "application/pdf" and pdf.headers["Cache-Control"] == "no-store"
    assert not tour.problems, "\n".join(tour.problems)


def test_hr_pages_with_one_time_secrets(client, ctx):
    """The import preview and result and the new-password page show secrets once: never stored by a cache."""
    unit = make_unit("P1", "Phòng Một")
    hr = make_user("Cán Bộ Tổ Chức", roles=("hr",))
    target = make_user("Nguyễn Văn Quên")
    login_as(client, hr)
    tour = Tour(client)
    tour.signed_in = True
    page = tour.get("/people/import").get_data(as_text=True)
    data = csv_bytes([["Mã nhân viên", "Họ và tên", "Đơn vị"], ["NV-MOI-1", "Người Mới", unit.code]])
    uploaded = tour.post("/people/import", data={"csrf_token": csrf_token(page), "file": (BytesIO(data), "a.csv")},
                         content_type="multipart/form-data")
    preview = tour.get(uploaded.headers["Location"]).get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]+)"', preview).group(1)
    result = tour.post(uploaded.headers["Location"] + "/apply",
                       data={"csrf_token": csrf_token(preview), "fingerprint": fingerprint})
    assert "Người Mới" in result.get_data(as_text=True)
    password = tour.post(f"/people/{target.id}/password", data={"csrf_token": tour.token("/people")})
    assert password.status_code == 200
    assert not tour.problems, "\n".join(tour.problems)


def test_error_pages(client, ctx, app, monkeypatch):
    staff = make_user()
    tour = Tour(client)
    assert tour.post("/language", data={"lang": "en"}).status_code == 400  # CSRF
    assert tour.get("/courses/a%00b").status_code == 400
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "1 per minute")
    tour.get("/verify/" + "z" * 32)
    assert tour.get("/verify/" + "y" * 32).status_code == 429
    login_as(client, staff)
    tour.signed_in = True
    assert tour.get("/no-such-page").status_code == 404
    assert tour.get("/admin/units").status_code == 403
    assert tour.get("/logout").status_code == 405
    token = tour.token()
    huge = BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert tour.post("/language", data={"csrf_token": token, "file": (huge, "big.csv")},
                     content_type="multipart/form-data").status_code == 413
    assert not tour.problems, "\n".join(tour.problems)


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_and_samesite_lax(client, ctx):
    make_user(code="NV-COOKIE")
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "identifier": "NV-COOKIE",
                                           "password": PASSWORD, "remember": "y"})
    cookies = _set_cookies(response)
    assert set(cookies) >= {"session", "remember_token"}, cookies
    for header in cookies.values():
        assert "HttpOnly" in header and "SameSite=Lax" in header, header


def test_cookies_are_secure_when_the_site_is_served_over_https(ctx, database_url, monkeypatch):
    from lms import create_app
    from lms.config import TestConfig

    monkeypatch.setenv("BASE_URL", "https://qt.example")
    secure_app = create_app(TestConfig(database_url))
    assert secure_app.config["SESSION_COOKIE_SECURE"] and secure_app.config["REMEMBER_COOKIE_SECURE"]
    make_user(code="NV-HTTPS")
    browser = secure_app.test_client()
    page = browser.get("/login", base_url="https://qt.example").get_data(as_text=True)
    # Over HTTPS Flask-WTF also wants a same-site Referer, as a browser sends it.
    response = browser.post("/login", base_url="https://qt.example", headers={"Referer": "https://qt.example/login"},
                            data={"csrf_token": csrf_token(page), "identifier": "NV-HTTPS",
                                  "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert set(cookies) >= {"session", "remember_token"}, cookies
    for header in cookies.values():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header
