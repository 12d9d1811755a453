"""The audit page: admins only, newest first, 50 a page, filters by action, actor, local dates and target."""
import re
from datetime import UTC, datetime

import pytest

from lms.audit import Target, record
from lms.extensions import db
from tests.conftest import login_as
from tests.factories import make_unit, make_user


@pytest.fixture
def org(ctx):
    so = make_unit("SO", "Sở")
    return {
        "staff": make_user("Nguyễn Văn An", code="NV-AN", unit=so),
        "head": make_user(code="NV-HEAD", unit=so, roles=("unit_head",), head_of=(so,)),
        "hr": make_user(code="NV-HR", unit=so, roles=("hr",)),
        "admin": make_user(code="NV-AD", unit=so, roles=("admin",)),
    }


def at(clock, *args):
    clock.current = datetime(*args, tzinfo=UTC)


@pytest.fixture
def log(org, clock):
    """Four events around local midnight of 3 June 2024 (UTC+7)."""
    at(clock, 2024, 6, 2, 16, 30)  # 23:30 on 2 June, local
    record("login.success", actor=org["staff"], target=org["staff"])
    at(clock, 2024, 6, 2, 17, 30)  # 00:30 on 3 June, local
    record("password.reset", actor=org["admin"], target=org["staff"], details={"generated": True})
    at(clock, 2024, 6, 3, 16, 59)  # 23:59 on 3 June, local
    record("content.sync", target=Target("question_bank", None, "quy-tac-ung-xu-mxh-2024"))
    at(clock, 2024, 6, 3, 17, 0)  # 00:00 on 4 June, local
    record("certificate.verify", target=Target("certificate", 7, "2024/QTMXH-00007 — Đỗ Thị Bình"),
           details={"result": "valid"})
    db.session.commit()


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [re.sub(r"\s+", " ", row) for row in body.split("<tr>")[1:]]


def page(client, query=""):
    response = client.get("/admin/audit" + query)
    return response.status_code, response.get_data(as_text=True)


def test_newest_first_in_local_time(client, org, log):
    login_as(client, org["admin"])
    status, html = page(client)
    listed = rows(html)
    assert status == 200 and len(listed) == 4
    assert "certificate.verify" in listed[0] and "login.success" in listed[-1]
    assert "00:00, ngày 04 tháng 6 năm 2024" in listed[0] and "23:30, ngày 02 tháng 6 năm 2024" in listed[-1]
    assert "NV-AD" in listed[2] and "Nguyễn Văn An" in listed[2] and "generated</span>: True" in listed[2]
    assert "NV-AN — Nguyễn Văn An" in listed[2]


@pytest.mark.parametrize("query, expected", [
    ("?action=password.reset", ["password.reset"]),
    ("?actor=nv-an", ["login.success"]),
    ("?actor=NV-AD", ["password.reset"]),
    ("?actor=cli", ["certificate.verify", "content.sync"]),
    ("?actor=NOBODY", []),
    ("?date_from=2024-06-03&date_to=2024-06-03", ["content.sync", "password.reset"]),
    ("?date_to=2024-06-02", ["login.success"]),
    ("?date_from=2024-06-04", ["certificate.verify"]),
    ("?q=do+thi+binh", ["certificate.verify"]),
    ("?q=NGUYỄN+văn", ["password.reset", "login.success"]),
    ("?q=100%25", []),
    ("?action=login.success&actor=NV-AN&date_from=2024-06-02&q=an", ["login.success"]),
])
def test_filters(client, org, log, query, expected):
    login_as(client, org["admin"])
    status, html = page(client, query)
    assert status == 200
    assert [re.search(r"<small class=\"muted\">([a-z_.]+)</small>", row).group(1) for row in rows(html)] == expected


@pytest.mark.parametrize("query, field", [
    ("?date_from=2024-13-45", "date_from"),
    ("?date_to=yesterday", "date_to"),
    ("?date_from=0001-01-01", "date_from"),
    ("?date_to=9999-12-31", "date_to"),
    ("?date_from=2024-06-05&date_to=2024-06-01", "date_to"),
    ("?action=drop.table", "action"),
    ("?actor=" + "x" * 61, "actor"),
])
def test_bad_filters_are_explained_not_a_500(client, org, log, query, field):
    login_as(client, org["admin"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    status, html = page(client, query)
    assert status == 400
    assert f'id="{field}-error"' in html and "The filter could not be used" in html
    assert rows(html) == []


def test_the_end_date_before_the_start_is_named(client, org, log):
    login_as(client, org["admin"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    _, html = page(client, "?date_from=2024-06-05&date_to=2024-06-01")
    assert "The end date is before the start date." in html


def test_fifty_a_page(client, org, clock):
    at(clock, 2024, 6, 1, 0, 0)
    for n in range(51):
        clock.advance(minutes=1)
        record("certificate.verify", target=Target("certificate", n, f"serial {n:02d}"), details={"result": "valid"})
    db.session.commit()
    login_as(client, org["admin"])
    _, first = page(client, "?action=certificate.verify")
    _, second = page(client, "?action=certificate.verify&page=2")
    assert len(rows(first)) == 50 and "serial 50" in rows(first)[0] and "serial 01" in rows(first)[-1]
    assert len(rows(second)) == 1 and "serial 00" in rows(second)[0]
    assert "action=certificate.verify" in first and "page=2" in first


@pytest.mark.parametrize("role", ["staff", "head", "hr"])
def test_only_admins(client, org, role):
    login_as(client, org[role])
    assert client.get("/admin/audit").status_code == 403
    assert 'href="/admin/audit"' not in client.get("/courses").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, org):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_linked_from_the_admin_menu(client, org):
    login_as(client, org["admin"])
    assert 'href="/admin/audit"' in client.get("/courses").get_data(as_text=True)
