"""Finding the heading row and which column holds which field, from Vietnamese or English headings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms.sheets import SheetRow
from lms.staff_import.problems import CODE, EMAIL, LABELS, NAME, ROLE, TITLE, UNIT, Problem
from lms.text import fold

REQUIRED = (CODE, NAME, UNIT)
# Headings of the downloadable template, in its column order.
TEMPLATE_HEADINGS = {CODE: "Mã nhân viên", NAME: "Họ và tên", EMAIL: "Email", UNIT: "Đơn vị", TITLE: "Chức vụ",
                     ROLE: "Vai trò"}
# As people write them; compared after folding (no accents, lower case, punctuation as spaces).
ALIASES = {
    CODE: ("Mã nhân viên", "Mã cán bộ", "Mã CB", "Mã NV", "Mã số", "Mã số nhân viên", "Mã số cán bộ",
           "Mã công chức", "Mã viên chức", "Số hiệu cán bộ", "Employee code", "Employee ID", "Employee number",
           "Staff code", "Staff ID", "Code"),
    NAME: ("Họ và tên", "Họ tên", "Họ và tên đầy đủ", "Họ tên cán bộ", "Họ tên nhân viên", "Full name", "Name",
           "Employee name"),
    EMAIL: ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Địa chỉ thư điện tử", "Mail", "Email address"),
    UNIT: ("Đơn vị", "Mã đơn vị", "Tên đơn vị", "Đơn vị công tác", "Phòng ban", "Cơ quan, đơn vị", "Unit",
           "Unit code", "Unit name", "Department"),
    TITLE: ("Chức vụ", "Chức danh", "Chức vụ, chức danh", "Chức danh, chức vụ", "Job title", "Title", "Position"),
    ROLE: ("Vai trò", "Quyền", "Role", "Roles"),
}
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_NOTE = re.compile(r"\(.*?\)|\[.*?\]")
HEADING_SEARCH_ROWS = 20


def heading_key(text: str) -> str:
    """'Mã nhân viên (*)', 'MÃ NHÂN VIÊN', 'ma_nhan_vien' → 'ma nhan vien'."""
    folded = _NOTE.sub(" ", fold(text))
    return _NOT_LETTERS.sub(" ", folded).strip()


_FIELD_BY_KEY = {heading_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}
# Lists often carry both the unit's code and its name: the code wins, the name column is ignored.
_PREFERRED = {"ma don vi", "unit code"}


def field_for_heading(text: str) -> str | None:
    """The field a column heading names, if any."""
    return _FIELD_BY_KEY.get(heading_key(text))


@dataclass
class Header:
    """Where the headings are and which column (0-based) holds each recognised field."""

    row: int
    columns: dict[str, int]
    headings: dict[str, str]
    ignored: list[str] = field(default_factory=list)


def _read_heading_row(row: SheetRow) -> tuple[Header, list[Problem]]:
    header = Header(row=row.number, columns={}, headings={})
    problems = []
    for index, cell in enumerate(row.cells):
        text = cell.display().strip()
        if not text:
            continue
        name = field_for_heading(text)
        if name is None:
            header.ignored.append(text)
            continue
        if name in header.columns:
            earlier = heading_key(header.headings[name]) in _PREFERRED
            this = heading_key(text) in _PREFERRED
            if earlier == this:
                problems.append(Problem("duplicate_columns", column=name, params={
                    "column": LABELS[name], "first": header.headings[name], "second": text}))
                continue
            if earlier:
                header.ignored.append(text)
                continue
            header.ignored.append(header.headings[name])
        header.columns[name] = index
        header.headings[name] = text
    return header, problems


def find_header(rows: list[SheetRow]) -> tuple[Header | None, list[Problem]]:
    """The first row (of the first 20) naming every required column; else what the best row lacked.

    Staff lists often start with a title ("DANH SÁCH CÁN BỘ…") above the headings.
    """
    best: tuple[Header, list[Problem]] | None = None
    for row in rows[:HEADING_SEARCH_ROWS]:
        header, problems = _read_heading_row(row)
        if all(name in header.columns for name in REQUIRED):
            notes = [Problem("heading_row", params={"row": row.number})] if row is not rows[0] else []
            if header.ignored:
                notes.append(Problem("ignored_columns", params={"columns": ", ".join(header.ignored)}))
            return header, problems + notes
        if best is None or len(header.columns) > len(best[0].columns):
            best = (header, problems)
    found = best[0].columns if best else {}
    missing = [LABELS[name] for name in REQUIRED if name not in found]
    example = ", ".join(f"“{TEMPLATE_HEADINGS[name]}”" for name in (CODE, NAME, EMAIL, UNIT, TITLE))
    return None, [Problem("missing_columns", params={"columns": missing, "example": example})]
