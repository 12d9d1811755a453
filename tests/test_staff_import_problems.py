"""Every problem the staff import reports, each from its own file, at the right row and column."""
from datetime import date

import pytest

from lms.staff_import.preview import build_plan
from tests.factories import make_unit, make_user
from tests.import_helpers import HEADINGS, csv_bytes, in_english, make_org, xlsx_bytes

WITH_ROLE = HEADINGS + ["Vai trò"]


@pytest.fixture
def org(ctx):
    units = make_org()
    people = {
        "old": make_user("Trần Văn Cũ", code="00123", unit=units["land"], email="cu@stnmt.vn"),
        "hoa": make_user("Lê Thị Hoa", code="NV100", unit=units["land"], email="hoa@stnmt.vn"),
        "hr": make_user("Nguyễn Thị Nhân Sự", code="HR01", unit=units["root"], roles=("hr",)),
        "admin": make_user("Phạm Quản Trị", code="AD01", unit=units["root"], roles=("admin",)),
    }
    return units, people


def ok(code="NV001", name="Nguyễn Văn An", email="an@stnmt.vn", unit="QLDD", title="Chuyên viên"):
    return [code, name, email, unit, title]


def found(plan):
    return {(p.row, p.column, p.code) for row in plan.rows for p in row.problems}


def plan_of(data, filename="staff.xlsx", importer=None, sync=False):
    return build_plan(data, filename, sync=sync, importer=importer)


# (case, rows under the headings, expected problems as (row, column, code))
CASES = [
    ("required", [ok(), ok("NV002", "", "b@stnmt.vn", "")],
     {(3, "full_name", "required"), (3, "unit", "required")}),
    ("duplicate code, other case", [ok("nv7", email="a@stnmt.vn"), ok("NV7", email="b@stnmt.vn")],
     {(2, "employee_code", "duplicate_code"), (3, "employee_code", "duplicate_code")}),
    ("duplicate code, NFC and NFD", [ok("MÃ01", email="a@stnmt.vn"), ok("MA\u030301", email="b@stnmt.vn")],
     {(2, "employee_code", "duplicate_code"), (3, "employee_code", "duplicate_code")}),
    ("duplicate email, other case", [ok("NV1", email="An@Stnmt.vn"), ok("NV2", email="an@stnmt.VN")],
     {(2, "email", "duplicate_email"), (3, "email", "duplicate_email")}),
    ("email of someone else", [ok("NV9", email="HOA@stnmt.vn")], {(2, "email", "email_taken")}),
    ("unknown unit", [ok(unit="Phòng Không Có")], {(2, "unit", "unknown_unit")}),
    ("retired unit", [ok(unit="phong cu")], {(2, "unit", "retired_unit")}),
    ("bad email", [ok(email="an@@stnmt"), ok("NV2", email="Nguyễn An <an@x.vn>")],
     {(2, "email", "bad_email"), (3, "email", "bad_email")}),
    ("leading zeros lost", [ok(123)], {(2, "employee_code", "zeros_lost")}),
    ("leading zeros lost in CSV text", "csv:123", {(2, "employee_code", "zeros_lost")}),
    ("code stored as a number", [ok(4567)], {(2, "employee_code", "number_code")}),
    ("code shorter than the others", [ok("00201", email="a@x.vn"), ok("00202", email="b@x.vn"), ok(203)],
     {(4, "employee_code", "short_code")}),
    ("date where text belongs", [ok(title=date(2024, 2, 5))], {(2, "job_title", "date_cell")}),
    ("formula where text belongs", [ok(name="=B3&C3")], {(2, "full_name", "formula_cell")}),
    ("Excel error value", [ok(name="#N/A")], {(2, "full_name", "error_cell")}),
    ("TRUE where text belongs", [ok(name=True)], {(2, "full_name", "bool_cell")}),
    ("number as a name", [ok(name=42)], {(2, "full_name", "number_cell")}),
    ("TCVN3 name", [ok(name="NguyÔn V¨n An")], {(2, "full_name", "legacy_text")}),
    ("VNI name", [ok(name="Nguyeãn Vaên An")], {(2, "full_name", "legacy_text")}),
    ("TCVN3 unit", [ok(unit="Phßng Qu¶n lý ®Êt ®ai")], {(2, "unit", "legacy_text")}),
    ("VNI job title", [ok(title="Tröôûng phoøng")], {(2, "job_title", "legacy_text")}),
    ("name too long", [ok(name="A" * 201)], {(2, "full_name", "too_long")}),
]


@pytest.mark.parametrize("case, rows, expected", CASES, ids=[c[0] for c in CASES])
def test_each_problem_from_its_own_file(org, case, rows, expected):
    if rows == "csv:123":
        data, name = csv_bytes([HEADINGS, ok("123")]), "staff.csv"
    else:
        data, name = xlsx_bytes([HEADINGS, *rows]), "staff.xlsx"
    plan = plan_of(data, name)
    assert plan.can_apply, [p.code for p in plan.file_problems]
    assert found(plan) == expected
    for row in plan.rows:
        severity_error = any(p.is_error for p in row.problems)
        assert row.applies == (not severity_error), case
    with in_english():  # every message renders with its parameters
        assert all(p.message and "%(" not in p.message for row in plan.rows for p in row.problems)


def test_messages_say_what_was_found_and_what_to_do(org):
    rows = [ok("NV1", name="NguyÔn V¨n An", email="a@x.vn"), ok(123, email="b@x.vn"),
            ok("NV3", email="c@x.vn", title=date(2024, 2, 5))]
    plan = plan_of(xlsx_bytes([HEADINGS, *rows]))
    with in_english():
        legacy, zeros, when = (row.problems[0].message for row in plan.rows)
    assert "TCVN3" in legacy and "“Nguyễn Văn An”" in legacy and "Unicode" in legacy
    assert "00123" in zeros and "Format the column as Text" in zeros
    assert "05/02/2024" in when


def test_errors_and_warnings_are_told_apart(org):
    plan = plan_of(xlsx_bytes([HEADINGS, ok(4567), ok("NV2", unit="XYZ", email="b@x.vn")]))
    warned, failed = plan.rows
    assert warned.warnings and not warned.errors and warned.applies and warned.status == "new"
    assert failed.errors and not failed.applies and failed.status == "error"
    assert plan.counts()["errors"] == 1 and plan.counts()["warnings"] == 1 and plan.counts()["new"] == 1


def test_number_formatted_with_zeros_is_read_as_shown(org):
    plan = plan_of(xlsx_bytes([HEADINGS, ok(42)], formats={(2, 1): "00000"}))
    assert found(plan) == set()
    assert plan.rows[0].values.code == "00042"


def test_formula_in_a_csv_cell_is_reported(org):
    plan = plan_of(csv_bytes([HEADINGS, ok(name='=HYPERLINK("http://x","An")')]), "staff.csv")
    assert found(plan) == {(2, "full_name", "formula_cell")}


def test_ambiguous_unit_name_asks_for_the_code(org):
    units, _ = org
    make_unit("TH1", "Phòng Tổng hợp", parent=units["root"])
    make_unit("TH2", "Phòng Tổng hợp", parent=units["office"])
    plan = plan_of(xlsx_bytes([HEADINGS, ok(unit="Phòng tổng hợp"), ok("NV2", email="b@x.vn", unit="th2")]))
    assert found(plan) == {(2, "unit", "ambiguous_unit")}
    assert plan.rows[1].values.unit.code == "TH2"


def test_unit_matched_by_code_or_name_without_accents_or_case(org):
    rows = [ok("NV1", email="a@x.vn", unit="vpdk-ss"), ok("NV2", email="b@x.vn", unit="CHI NHANH SAM SON"),
            ok("NV3", email="c@x.vn", unit="Chi nha\u0301nh Sầm Sơn")]
    plan = plan_of(xlsx_bytes([HEADINGS, *rows]))
    assert found(plan) == set()
    assert {row.values.unit.code for row in plan.rows} == {"VPDK-SS"}


@pytest.mark.parametrize("role, code", [("giám đốc", "unknown_role"), ("unit head", "unit_head_role"),
                                        ("Trưởng đơn vị", "unit_head_role")])
def test_roles_that_cannot_be_imported(org, role, code):
    plan = plan_of(xlsx_bytes([WITH_ROLE, ok() + [role]]))
    assert found(plan) == {(2, "role", code)}


def test_hr_may_not_grant_admin_or_hr(org):
    _, people = org
    rows = [WITH_ROLE, ok() + ["admin"], ok("NV2", email="b@x.vn") + ["Nhân sự"], ok("NV3", email="c@x.vn") + ["staff"]]
    plan = plan_of(xlsx_bytes(rows), importer=people["hr"])
    assert found(plan) == {(2, "role", "role_not_allowed"), (3, "role", "role_not_allowed")}
    admin_plan = plan_of(xlsx_bytes(rows), importer=people["admin"])
    assert found(admin_plan) == set()


def test_hr_may_not_take_away_admin(org):
    _, people = org
    row = ["AD01", "Phạm Quản Trị", "", "SO", "", "staff"]
    assert found(plan_of(xlsx_bytes([WITH_ROLE, row]), importer=people["hr"])) == {(2, "role", "role_not_allowed")}


def test_hr_may_list_an_admin_but_not_change_or_reactivate_them(org):
    from lms.extensions import db

    _, people = org
    unchanged = ["AD01", "Phạm Quản Trị", "", "SO", ""]
    assert found(plan_of(xlsx_bytes([HEADINGS, unchanged]), importer=people["hr"])) == set()
    new_email = ["AD01", "Phạm Quản Trị", "attacker@example.com", "SO", ""]
    assert found(plan_of(xlsx_bytes([HEADINGS, new_email]), importer=people["hr"])) == {
        (2, "employee_code", "admin_record")}
    assert found(plan_of(xlsx_bytes([HEADINGS, new_email]), importer=people["admin"])) == set()
    people["admin"].active = False
    db.session.commit()
    reactivated = plan_of(xlsx_bytes([HEADINGS, unchanged]), importer=people["hr"])
    assert found(reactivated) == {(2, "employee_code", "admin_record")}


def test_an_admin_cannot_remove_their_own_admin_role(org):
    _, people = org
    row = ["AD01", "Phạm Quản Trị", "", "SO", "", "hr"]
    assert found(plan_of(xlsx_bytes([WITH_ROLE, row]), importer=people["admin"])) == {(2, "role", "own_admin")}


# File-level problems: nothing in the file can be applied.

def test_missing_required_columns(org):
    plan = plan_of(xlsx_bytes([["Mã CB", "Họ tên", "Email"], ["NV1", "An", "a@x.vn"]]))
    assert [p.code for p in plan.file_problems] == ["missing_columns"]
    assert not plan.can_apply and plan.applicable == []
    with in_english():
        assert plan.file_problems[0].message.startswith("The file has no column for: Unit. Put the column")


def test_two_columns_read_as_the_same_field(org):
    plan = plan_of(xlsx_bytes([HEADINGS + ["Thư điện tử"], ok() + ["x@y.vn"]]))
    assert [p.code for p in plan.file_problems] == ["duplicate_columns"]
    assert not plan.can_apply


def test_headings_without_rows(org):
    assert [p.code for p in plan_of(xlsx_bytes([HEADINGS])).file_problems] == ["no_rows"]


def test_not_really_a_workbook(org):
    plan = plan_of(b"Ma,Ten\n1,An\n", "staff.xlsx")
    assert [p.code for p in plan.file_problems] == ["unreadable"]


def test_title_rows_and_unused_columns_are_noted(org):
    data = xlsx_bytes([["STT"] + HEADINGS + ["Ngày sinh"], [1] + ok() + [date(1990, 1, 2)]],
                      title_rows=[["DANH SÁCH CÁN BỘ"], []])
    plan = plan_of(data)
    assert plan.can_apply and found(plan) == set()
    assert {p.code for p in plan.notes} == {"heading_row", "ignored_columns"}
    assert plan.rows[0].number == 4


def test_unit_code_and_unit_name_columns_together(org):
    rows = [["Mã nhân viên", "Họ và tên", "Tên đơn vị", "Mã đơn vị"], ["NV1", "An", "Phòng Quản lý đất đai", "VPDK"]]
    plan = plan_of(xlsx_bytes(rows))
    assert plan.can_apply and plan.rows[0].values.unit.code == "VPDK"
