"""Injection: every field people type, import or send is shown escaped on every page that shows it —
person and unit names and codes, short names, job titles, round names, exemption and revocation reasons,
imported cells and file names, search boxes, `next` values, login names and browsers in the audit log."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest

from lms.certificates import services as certificates
from lms.extensions import db
from lms.rounds.membership import open_round, set_exemption
from tests.cert_helpers import pass_quiz
from tests.conftest import csrf_token, login_as
from tests.factories import make_unit, make_user
from tests.import_helpers import csv_bytes
from tests.security.xss import code_marker, code_payload, injection_problems, marker, payload, slashless


@pytest.fixture
def stage(ctx, course, clock):
    """A department whose unit, people, round and reasons all carry payloads."""
    so = make_unit("SO", "Sở Tài nguyên và Môi trường")
    unit = make_unit(code_payload(1), payload("unit"), parent=so)
    unit.short_name = payload("short")
    admin = make_user("Nguyễn Đức Anh", unit=so, roles=("admin", "hr"))
    victim = make_user(payload("person"), code=code_payload(2), unit=unit)
    victim.job_title = payload("title")
    head = make_user("Phạm Văn Cường", unit=unit, roles=("unit_head",), head_of=(unit,))
    head.job_title = payload("headtitle")
    revoked = make_user("Trần Thị Bích", unit=unit)
    exempt = make_user("Đỗ Văn Ba", unit=unit)
    db.session.commit()
    round_ = open_round(course, name=payload("round"), starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[so.id], by=admin)
    pass_quiz(victim, course)
    certificate = certificates.sign_commitment(victim, course, agreed=True, typed_name=victim.full_name,
                                               ip_address=None, user_agent=None)
    pass_quiz(revoked, course)
    second = certificates.sign_commitment(revoked, course, agreed=True, typed_name=revoked.full_name,
                                          ip_address=None, user_agent=None)
    certificates.revoke(second, admin, payload("revoke"))
    set_exemption(round_, exempt.id, payload("exempt"), admin)
    db.session.commit()
    return {"so": so, "unit": unit, "admin": admin, "victim": victim, "head": head, "round": round_,
            "certificate": certificate}


def _check(client, url: str, expected: list[str], status: int = 200) -> list[str]:
    response = client.get(url)
    if response.status_code != status:
        return [f"GET {url}: status {response.status_code}"]
    return [f"GET {url}: {p}" for p in injection_problems(response.get_data(as_text=True), expected)]


def test_stored_fields_on_every_page_that_shows_them(client, stage):
    round_id, unit_id, so_id = stage["round"].id, stage["unit"].id, stage["so"].id
    person, unit, title = marker("person"), marker("unit"), marker("title")
    pages = {
        "/people": [person, unit, title, code_marker(2)],
        f"/people?unit={unit_id}": [person, unit, title],
        "/certificates": [person, unit, marker("revoke")],
        f"/certificates?unit={unit_id}": [person, unit],
        "/rounds?all=1": [marker("round")],
        f"/rounds/{round_id}": [marker("round"), unit, person, title, code_marker(2), marker("exempt")],
        f"/rounds/{round_id}?unit={unit_id}": [marker("round"), unit, person, title],
        f"/rounds/{round_id}/analysis?unit={so_id}": [marker("round"), unit],
        "/rounds/new": [unit],
        "/admin/units": [unit, code_marker(1)],
        f"/admin/units/{unit_id}": [unit, marker("short"), code_marker(1), marker("headtitle")],
        f"/verify/{stage['certificate'].code}": [person, unit],
    }
    login_as(client, stage["admin"])
    found = [problem for url, expected in pages.items() for problem in _check(client, url, expected)]
    login_as(client, stage["victim"])
    found += _check(client, "/courses", [person])  # the signed-in person's own name in the header
    found += _check(client, f"/courses/{stage['round'].course.key}/commitment", [person])
    login_as(client, stage["head"])
    found += _check(client, f"/rounds/{round_id}", [unit, person, title])
    assert not found, "\n".join(found)


def test_what_is_typed_into_searches_and_urls_comes_back_escaped(client, stage):
    round_id = stage["round"].id
    login_as(client, stage["admin"])
    found = []
    for url, tag in ((f"/people?q={quote(payload('q'))}", "q"),
                     (f"/certificates?q={quote(payload('certq'))}", "certq"),
                     (f"/rounds/{round_id}?q={quote(payload('roundq'))}", "roundq"),
                     (f"/admin/audit?q={quote(payload('auditq'))}", "auditq")):
        found += _check(client, url, [marker(tag)])
    # Every page puts its own address into the language form's `next`: the query string stays percent-encoded,
    # the path is decoded and must be escaped.
    found += _check(client, f"/courses?x={quote(payload('query'))}", ["%3Csvg%20onload%3Dqtxss_query"])
    found += _check(client, "/" + quote(payload("path")), [marker("path")], status=404)
    anonymous = client.application.test_client()
    found += _check(anonymous, f"/login?next={quote(payload('next'))}", [marker("next")])
    found += _check(anonymous, "/" + quote(payload("anonpath")), [marker("anonpath")], status=404)
    found += _check(anonymous, f"/verify/{quote(slashless('code'))}", [], status=404)
    assert not found, "\n".join(found)


def _follow(client, url: str, data: dict, page: str):
    token = csrf_token(client.get(page).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_names_in_confirmation_messages(client, stage):
    """Flashed messages that repeat a name or reason typed by someone."""
    so, unit, victim, round_ = stage["so"], stage["unit"], stage["victim"], stage["round"]
    newhead = make_user(payload("newhead"), code="NV-NEWHEAD", unit=so)
    login_as(client, stage["admin"])
    found = []
    html = _follow(client, "/admin/units", {"code": "MOI", "name": payload("newunit"), "parent": str(so.id)},
                   "/admin/units")
    found += [f"add unit: {p}" for p in injection_problems(html, [marker("newunit")])]
    html = _follow(client, f"/admin/units/{unit.id}/heads", {"employee_code": newhead.employee_code},
                   f"/admin/units/{unit.id}")
    found += [f"add head: {p}" for p in injection_problems(html, [marker("newhead")])]
    html = _follow(client, f"/admin/units/{unit.id}", {"name": payload("renamed"), "short_name": payload("short2"),
                                                        "parent": str(so.id), "active": "y"},
                   f"/admin/units/{unit.id}")
    found += [f"rename unit: {p}" for p in injection_problems(html, [marker("renamed"), marker("short2")])]
    html = _follow(client, "/rounds/new", {"course": str(round_.course_id), "name": payload("newround"),
                                           "starts_on": "2024-06-03", "deadline": "2024-07-31",
                                           "units": str(so.id)}, "/rounds/new")
    found += [f"open round: {p}" for p in injection_problems(html, [marker("newround")])]
    html = _follow(client, f"/rounds/{round_.id}/members/{victim.id}/exemption", {"reason": payload("exempt2")},
                   f"/rounds/{round_.id}")
    found += [f"exemption: {p}" for p in injection_problems(html, [marker("exempt2"), marker("renamed")])]
    html = _follow(client, f"/certificates/{stage['certificate'].id}/revoke", {"reason": payload("revoke2")},
                   "/certificates")
    found += [f"revoke: {p}" for p in injection_problems(html, [marker("revoke2")])]
    password = client.post(f"/people/{victim.id}/password",
                           data={"csrf_token": csrf_token(client.get("/people").get_data(as_text=True))})
    found += [f"password: {p}" for p in injection_problems(password.get_data(as_text=True), [marker("person")])]
    assert not found, "\n".join(found)


def test_imported_cells_and_file_names_in_the_preview_and_the_result(client, stage):
    rows = [
        ["Mã nhân viên", "Họ và tên", "Email", "Đơn vị", "Chức vụ"],
        [code_payload(3), payload("impname"), "ok@example.gov.vn", payload("impunit"), payload("imptitle")],
        ["NV-IMP-2", payload("impname2"), payload("impemail"), "SO", ""],
        ["NV-IMP-3", payload("impname3"), "", "SO", payload("imptitle3")],
    ]
    login_as(client, stage["admin"])
    page = client.get("/people/import").get_data(as_text=True)
    upload = client.post("/people/import", content_type="multipart/form-data",
                         data={"csrf_token": csrf_token(page),
                               "file": (BytesIO(csv_bytes(rows)), slashless("file") + ".csv")})
    assert upload.status_code == 302, upload.get_data(as_text=True)
    preview = client.get(upload.headers["Location"]).get_data(as_text=True)
    expected = [marker(t) for t in ("impname", "impunit", "imptitle", "impname2", "impemail", "impname3",
                                    "imptitle3", "file")] + [code_marker(3)]
    found = [f"preview: {p}" for p in injection_problems(preview, expected)]
    only = client.get(upload.headers["Location"] + "?show=problems").get_data(as_text=True)
    found += [f"problems only: {p}" for p in injection_problems(only, [marker("impunit"), marker("impemail")])]
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]+)"', preview).group(1)
    result = client.post(upload.headers["Location"] + "/apply",
                         data={"csrf_token": csrf_token(preview), "fingerprint": fingerprint})
    assert result.status_code == 200
    found += [f"result: {p}" for p in injection_problems(result.get_data(as_text=True),
                                                         [marker("impname3"), marker("file")])]
    found += [f"people: {p}" for p in injection_problems(client.get("/people?q=NV-IMP-3").get_data(as_text=True),
                                                         [marker("impname3"), marker("imptitle3")])]
    assert not found, "\n".join(found)


def test_login_names_and_browsers_in_the_audit_log(app, client, stage):
    """A failed login records what was typed and the browser's User-Agent: both are attacker-controlled."""
    anonymous = app.test_client()
    page = anonymous.get("/login").get_data(as_text=True)
    anonymous.post("/login", headers={"User-Agent": payload("agent")},
                   data={"csrf_token": csrf_token(page), "identifier": payload("ident"), "password": "x" * 12})
    login_as(client, stage["admin"])
    found = _check(client, "/admin/audit", [marker("agent")])
    assert not found, "\n".join(found)
