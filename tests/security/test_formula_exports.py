"""Formula injection in files the app writes for spreadsheets. The round exports and the writer itself are
tested in test_export_sheets.py and test_rounds_pages.py; here, the one file written outside that writer:
the initial passwords of imported accounts (`flask staff import --passwords-out`), which HR opens in Excel."""
from __future__ import annotations

import csv

import pytest

from lms.exports.sheets import formula_risk
from lms.extensions import db
from tests.factories import make_unit
from tests.import_helpers import csv_bytes

# Text cells (not formulas: the import refuses cells starting with "=") that Excel would still run.
HOSTILE_NAMES = ["@SUM(1+1)*cmd|' /C calc'!A0", "+HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")",
                 "-2+3+cmd|' /C calc'!A0", "－1+1"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_writer_recognises_these_as_formulas(name):
    assert formula_risk(name)


def test_the_passwords_file_of_an_import_neutralises_formulas(ctx, tmp_path):
    make_unit("SO", "Sở Tài nguyên và Môi trường")
    db.session.commit()
    rows = [["Mã nhân viên", "Họ và tên", "Đơn vị"]] + [[f"NV{i}", name, "SO"] for i, name in enumerate(HOSTILE_NAMES)]
    source = tmp_path / "staff.csv"
    source.write_bytes(csv_bytes(rows))
    out = tmp_path / "passwords.csv"
    result = ctx.test_cli_runner().invoke(args=["staff", "import", str(source), "--passwords-out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert len(written) == len(HOSTILE_NAMES) + 1
    risky = [cell for row in written for cell in row if formula_risk(cell)]
    assert not risky, risky
    names = [row[1] for row in written[1:]]
    assert names == ["'" + name for name in HOSTILE_NAMES]  # the text is kept, behind an apostrophe
