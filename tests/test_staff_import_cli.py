"""`flask staff import FILE [--dry-run] [--sync] [--passwords-out FILE]`."""
import csv
import os

import pytest
from sqlalchemy import select

from lms.auth.services import authenticate
from lms.extensions import db
from lms.models import User
from tests.factories import make_user
from tests.import_helpers import HEADINGS, csv_bytes, make_org, xlsx_bytes

ROWS = [HEADINGS, ["NV1", "Nguyễn Văn An", "an@stnmt.vn", "QLDD", "Chuyên viên"],
        ["NV2", "Lê Thị Bình", "", "KHONG-CO", ""]]


@pytest.fixture
def org(ctx):
    return make_org()


def invoke(ctx, *args):
    return ctx.test_cli_runner().invoke(args=["staff", "import", *args, "--lang", "en"])


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def person(code):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.employee_code == code))


def test_dry_run_prints_the_preview_and_changes_nothing(ctx, org, tmp_path):
    result = invoke(ctx, write(tmp_path, "staff.xlsx", xlsx_bytes(ROWS)), "--dry-run")
    assert result.exit_code == 1  # a row has an error
    assert "New: 1, updated: 0" in result.output and "rows with errors: 1" in result.output
    assert "error: Row 3, Unit: No unit has the code or name “KHONG-CO”" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert person("NV1") is None


def test_dry_run_of_a_clean_file_exits_zero(ctx, org, tmp_path):
    result = invoke(ctx, write(tmp_path, "staff.csv", csv_bytes(ROWS[:2])), "--dry-run")
    assert result.exit_code == 0, result.output
    assert person("NV1") is None


def test_import_applies_valid_rows_and_writes_passwords(ctx, org, tmp_path):
    out = tmp_path / "passwords.csv"
    result = invoke(ctx, write(tmp_path, "staff.xlsx", xlsx_bytes(ROWS)), "--passwords-out", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    assert "Applied. New: 1" in result.output and "error: Row 3" in result.output
    assert person("NV1") is not None and person("NV2") is None
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["employee_code", "full_name", "email", "unit", "password"]
    assert rows[1][:2] == ["NV1", "Nguyễn Văn An"]
    assert authenticate("NV1", rows[1][4]).id == person("NV1").id
    assert os.stat(out).st_mode & 0o077 == 0  # readable by its owner only
    again = invoke(ctx, write(tmp_path, "more.xlsx", xlsx_bytes(ROWS)), "--passwords-out", str(out))
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_passwords_are_printed_without_an_output_file(ctx, org, tmp_path):
    result = invoke(ctx, write(tmp_path, "staff.xlsx", xlsx_bytes(ROWS[:2])))
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("NV1\t"))
    assert authenticate("NV1", line.split("\t")[-1]) is not None


def test_sync_deactivates_those_missing(ctx, org, tmp_path):
    make_user("Đã Nghỉ", code="NV8", unit=org["land"])
    result = invoke(ctx, write(tmp_path, "staff.xlsx", xlsx_bytes(ROWS[:2])), "--sync")
    assert result.exit_code == 0, result.output
    assert "Deactivate: NV8 Đã Nghỉ" in result.output and not person("NV8").active


def test_a_file_level_problem_exits_one(ctx, org, tmp_path):
    result = invoke(ctx, write(tmp_path, "staff.xlsx", xlsx_bytes([["Mã CB", "Họ tên"], ["NV1", "An"]])))
    assert result.exit_code == 1
    assert "Error: The file has no column for: Unit." in result.stderr
    unreadable = invoke(ctx, write(tmp_path, "staff.xlsx", b"not a workbook"))
    assert unreadable.exit_code == 1 and "not a readable Excel workbook" in unreadable.stderr


def test_nothing_to_change(ctx, org, tmp_path):
    path = write(tmp_path, "staff.xlsx", xlsx_bytes(ROWS[:2]))
    invoke(ctx, path)
    result = invoke(ctx, path)
    assert result.exit_code == 0 and "Nothing to change." in result.output
