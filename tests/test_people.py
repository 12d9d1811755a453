"""Staff directory: Vietnamese order, accent-insensitive search, unit-head scoping."""
import re

import pytest

from lms.extensions import db
from tests.conftest import login_as
from tests.factories import make_unit, make_user


@pytest.fixture
def org(ctx):
    department = make_unit("SO", "Sở Tài nguyên và Môi trường")
    land = make_unit("QLDD", "Phòng Quản lý đất đai", parent=department)
    office = make_unit("VPDK", "Văn phòng Đăng ký đất đai", parent=department)
    branch = make_unit("VPDK-SS", "Chi nhánh Sầm Sơn", parent=office)
    people = {
        "an": make_user("Nguyễn Văn An", unit=land),
        "anh": make_user("Đỗ Minh Anh", unit=land),
        "anh2": make_user("Bùi Thị Ánh", unit=branch),
        "dao": make_user("Vũ Thị Đào", unit=office),
        "duc": make_user("Hoàng Đức", unit=branch),
        "dung": make_user("Ngô Văn Dũng", unit=office),
    }
    heads = {
        "land": make_user("Trần Văn Trưởng", unit=land, roles=("unit_head",), head_of=(land,)),
        "office": make_user("Lê Thị Giám", unit=office, roles=("unit_head",), head_of=(office,)),
        "hr": make_user("Phạm Thị Nhân", unit=department, roles=("hr",)),
    }
    return {"units": {"land": land, "office": office, "branch": branch, "department": department},
            "people": people, "heads": heads}


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+?)(?:\s*<small>|</th>)', html)


def test_hr_sees_everyone_in_vietnamese_order(client, org):
    login_as(client, org["heads"]["hr"])
    names = _names(client.get("/people").get_data(as_text=True))
    assert names == ["Nguyễn Văn An", "Đỗ Minh Anh", "Bùi Thị Ánh", "Ngô Văn Dũng", "Vũ Thị Đào",
                     "Hoàng Đức", "Lê Thị Giám", "Phạm Thị Nhân", "Trần Văn Trưởng"]


def test_unit_head_sees_their_unit_and_branches_only(client, org):
    login_as(client, org["heads"]["office"])
    names = _names(client.get("/people").get_data(as_text=True))
    assert names == ["Bùi Thị Ánh", "Ngô Văn Dũng", "Vũ Thị Đào", "Hoàng Đức", "Lê Thị Giám"]
    login_as(client, org["heads"]["land"])
    assert _names(client.get("/people").get_data(as_text=True)) == ["Nguyễn Văn An", "Đỗ Minh Anh", "Trần Văn Trưởng"]


def test_unit_head_cannot_filter_into_another_unit(client, org):
    login_as(client, org["heads"]["land"])
    assert client.get(f"/people?unit={org['units']['office'].id}").status_code == 403
    assert client.get(f"/people?unit={org['units']['department'].id}").status_code == 403
    assert client.get("/people?unit=999999").status_code == 404
    html = client.get("/people").get_data(as_text=True)
    assert "Văn phòng Đăng ký đất đai" not in html  # not even offered as a filter


def test_filter_by_unit_includes_sub_units(client, org):
    login_as(client, org["heads"]["hr"])
    html = client.get(f"/people?unit={org['units']['office'].id}").get_data(as_text=True)
    assert set(_names(html)) == {"Bùi Thị Ánh", "Ngô Văn Dũng", "Vũ Thị Đào", "Hoàng Đức", "Lê Thị Giám"}


@pytest.mark.parametrize("query, expected", [
    ("nguyen van an", ["Nguyễn Văn An"]),
    ("NGUYỄN", ["Nguyễn Văn An"]),
    ("anh", ["Đỗ Minh Anh", "Bùi Thị Ánh"]),
    ("dao", ["Vũ Thị Đào"]),
    ("%", []),
    ("_", []),
])
def test_accent_insensitive_search(client, org, query, expected):
    login_as(client, org["heads"]["hr"])
    assert _names(client.get("/people", query_string={"q": query}).get_data(as_text=True)) == expected


def test_search_by_employee_code(client, org):
    login_as(client, org["heads"]["hr"])
    code = org["people"]["duc"].employee_code
    assert _names(client.get("/people", query_string={"q": code.lower()}).get_data(as_text=True)) == ["Hoàng Đức"]


def test_names_are_escaped(client, org):
    make_user("<script>alert(1)</script> Nguyễn", unit=org["units"]["land"])
    login_as(client, org["heads"]["hr"])
    html = client.get("/people").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_pagination(client, org, monkeypatch):
    from lms.people import services

    monkeypatch.setattr(services, "PAGE_SIZE", 4)
    login_as(client, org["heads"]["hr"])
    first = _names(client.get("/people?page=1").get_data(as_text=True))
    second = _names(client.get("/people?page=2").get_data(as_text=True))
    third = _names(client.get("/people?page=3").get_data(as_text=True))
    assert len(first) == 4 and len(second) == 4 and len(third) == 1
    assert not set(first) & set(second)
    assert _names(client.get("/people?page=99").get_data(as_text=True)) == third


def test_a_head_of_two_units_sees_both(client, org):
    both = make_user("Hà Văn Kiêm", unit=org["units"]["land"], roles=("unit_head",),
                     head_of=(org["units"]["land"], org["units"]["branch"]))
    login_as(client, both)
    names = _names(client.get("/people").get_data(as_text=True))
    assert set(names) == {"Nguyễn Văn An", "Đỗ Minh Anh", "Trần Văn Trưởng", "Hà Văn Kiêm", "Bùi Thị Ánh", "Hoàng Đức"}
    assert client.get(f"/people?unit={org['units']['branch'].id}").status_code == 200
    assert client.get(f"/people?unit={org['units']['office'].id}").status_code == 403


def test_a_unit_without_a_tree_path_grants_no_scope(client, org):
    from lms.extensions import db
    from lms.models import Unit

    loose = Unit(code="LOOSE", name="Đơn vị chưa xếp cây", path="/")
    db.session.add(loose)
    db.session.commit()
    head = make_user("Đinh Văn Lạc", roles=("unit_head",), head_of=(loose,))
    login_as(client, head)
    assert _names(client.get("/people").get_data(as_text=True)) == []


def test_hr_gives_a_new_password_shown_once_and_sessions_end(client, ctx):
    from tests.conftest import post_form

    unit = make_unit("P9", "Phòng Chín")
    person = make_user("Trần Thị Quên", unit=unit)
    admin = make_user("Ngô Quản Trị", unit=unit, roles=("admin",))
    hr = make_user("Lê Nhân Sự", unit=unit, roles=("hr",))
    old_version = person.session_version
    login_as(client, hr)
    page = post_form(client, f"/people/{person.id}/password", page="/people").get_data(as_text=True)
    password = re.search(r"<code>([a-z0-9-]{19})</code>", page).group(1)
    db.session.refresh(person)
    assert person.session_version == old_version + 1
    from lms.auth.services import authenticate

    assert authenticate(person.employee_code, password) is not None
    refused = post_form(client, f"/people/{admin.id}/password", page="/people")
    assert refused.status_code == 302
    db.session.refresh(admin)
    assert authenticate(admin.employee_code, "correct horse battery") is not None
    login_as(client, person)
    assert post_form(client, f"/people/{hr.id}/password").status_code == 403


def test_set_password_command(app, ctx):
    person = make_user("Phan Văn Lệnh", code="NV-CLI")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "set-password", "NV-CLI", "--generate"])
    assert result.exit_code == 0 and "NV-CLI" in result.output
    assert runner.invoke(args=["users", "set-password", "NV-CLI", "--password", "short"]).exit_code == 1
    assert runner.invoke(args=["users", "set-password", "NOBODY", "--generate"]).exit_code == 1
    assert runner.invoke(args=["users", "set-password", "NV-CLI", "--password", "a long enough one"]).exit_code == 0
    from lms.auth.services import authenticate

    db.session.refresh(person)
    assert authenticate("NV-CLI", "a long enough one") is not None
