"""Sessions: a new one at login (no fixation), logout and disabling end every copy of it, remember-me
cookies die with it, and role changes reach a signed-in person on their very next request."""
from __future__ import annotations

import re
from io import BytesIO

import pytest

from lms.extensions import db
from lms.models import UserRole
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD, make_unit, make_user


def _login(client, user, remember: bool = False):
    page = client.get("/login").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "identifier": user.employee_code, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    return response


def _logout(client):
    page = client.get("/courses").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302


def _signed_in(app, cookies: dict[str, str]) -> bool:
    """Whether a fresh browser holding only these cookies is let in."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser.get("/courses").status_code == 200


@pytest.fixture
def person(ctx):
    return make_user("Nguyễn Thị Hoa", code="NV-SESSION")


def test_login_issues_a_new_session_and_drops_everything_planted_before(app, client, person):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["csrf_token"] = "0" * 40  # a CSRF secret the attacker knows
        session["_user_id"] = "999999.1"  # someone else's id, as a fixation attempt would set it
    before = client.get_cookie("session").value
    _login(client, person)
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "0" * 40
        assert session["_user_id"] == person.get_id()
    assert not _signed_in(app, {"session": before})  # the pre-login cookie never becomes a signed-in one


def test_logout_ends_the_session_on_the_server(app, client, person):
    _login(client, person, remember=True)
    stolen = {"session": client.get_cookie("session").value}
    remember = {"remember_token": client.get_cookie("remember_token").value}
    assert _signed_in(app, stolen) and _signed_in(app, remember)
    _logout(client)
    assert client.get("/courses").status_code == 302
    assert not _signed_in(app, stolen)
    assert not _signed_in(app, remember)
    assert client.get_cookie("remember_token") is None


def test_logging_out_on_one_device_ends_the_others(app, client, person):
    other_device = app.test_client()
    _login(other_device, person)
    _login(client, person)
    _logout(client)
    assert other_device.get("/courses").status_code == 302


@pytest.mark.parametrize("how", ["disabled", "password reset", "sessions ended"])
def test_a_disabled_or_reset_account_loses_every_session_at_once(app, client, person, how):
    from lms.auth.services import end_all_sessions, reset_password

    _login(client, person, remember=True)
    cookies = {"session": client.get_cookie("session").value,
               "remember_token": client.get_cookie("remember_token").value}
    if how == "disabled":
        person.active = False
    elif how == "password reset":
        reset_password(person)
    else:
        end_all_sessions(person)
    db.session.commit()
    assert client.get("/courses").status_code == 302
    assert not _signed_in(app, cookies)
    assert not _signed_in(app, {"remember_token": cookies["remember_token"]})


def test_an_import_that_deactivates_someone_ends_their_session(app, client, ctx):
    """Sync mode deactivates people missing from the file: their open session must end with it."""
    from tests.import_helpers import csv_bytes

    unit = make_unit("P1", "Phòng Một")
    leaver = make_user("Người Rời Đi", code="NV-LEAVER", unit=unit)
    hr = make_user("Cán Bộ Tổ Chức", code="NV-HR", unit=unit, roles=("hr",))
    _login(client, leaver)
    assert client.get("/courses").status_code == 200
    office = app.test_client()
    login_as(office, hr)
    page = office.get("/people/import").get_data(as_text=True)
    data = csv_bytes([["Mã nhân viên", "Họ và tên", "Đơn vị"], ["NV-HR", "Cán Bộ Tổ Chức", "P1"]])
    uploaded = office.post("/people/import", data={"csrf_token": csrf_token(page), "sync": "y",
                                                   "file": (BytesIO(data), "staff.csv")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    preview = office.get(uploaded.headers["Location"]).get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]+)"', preview).group(1)
    applied = office.post(uploaded.headers["Location"] + "/apply",
                          data={"csrf_token": csrf_token(preview), "fingerprint": fingerprint})
    assert applied.status_code == 200
    db.session.expire_all()
    assert not leaver.active
    assert client.get("/courses").status_code == 302


def test_role_changes_apply_on_the_next_request(client, ctx):
    unit = make_unit("P1", "Phòng Một")
    person = make_user("Trần Văn Bình", unit=unit, roles=("admin",))
    login_as(client, person)
    assert client.get("/admin/units").status_code == 200
    person.role_rows.clear()
    db.session.commit()
    assert client.get("/admin/units").status_code == 403
    assert client.get("/people").status_code == 403
    person.role_rows.append(UserRole(role="hr"))
    db.session.commit()
    assert client.get("/certificates").status_code == 200
    assert client.get("/admin/units").status_code == 403


def test_a_head_removed_by_an_admin_loses_the_units_at_once(app, client, ctx):
    unit = make_unit("P1", "Phòng Một")
    head = make_user("Lê Văn Trưởng", unit=unit, roles=("unit_head",), head_of=(unit,))
    admin = make_user("Quản Trị", unit=unit, roles=("admin",))
    login_as(client, head)
    assert client.get("/people").status_code == 200
    office = app.test_client()
    login_as(office, admin)
    page = office.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    removed = office.post(f"/admin/units/{unit.id}/heads/{head.id}/remove", data={"csrf_token": csrf_token(page)})
    assert removed.status_code == 302
    assert client.get("/people").status_code == 403
    assert client.get("/rounds").status_code == 403
