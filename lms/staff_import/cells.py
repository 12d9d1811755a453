"""Turning one typed cell into the text of a field, or into the problem that keeps it from being text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lms.sheets import BOOL, DATE, ERROR, FORMULA, NUMBER, Cell, detect_legacy
from lms.staff_import.problems import CODE, EMAIL, NAME, ROLE, TITLE, UNIT, Problem
from lms.text import clean_name, nfc

MAX_LENGTH = {CODE: 40, NAME: 200, EMAIL: 254, UNIT: 255, TITLE: 200, ROLE: 100}
# Fields where a number is plain text (unit codes such as 12, titles such as "Cán sự 2" typed oddly).
_NUMBER_IS_TEXT = {UNIT, TITLE}
_ZERO_FORMAT = re.compile(r"^0+$")
_CELL_KIND_PROBLEM = {DATE: "date_cell", FORMULA: "formula_cell", BOOL: "bool_cell", ERROR: "error_cell"}


@dataclass(frozen=True)
class FieldText:
    """A field's text (NFC, trimmed; '' when the cell is empty) and whether it came from a number cell."""

    text: str
    from_number: bool = False


def code_from_number(cell: Cell) -> str | None:
    """An employee code typed as a number: as Excel displays it (a '00000' format keeps the zeros)."""
    value = cell.value
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if not isinstance(value, int) or value < 0:
        return None
    if _ZERO_FORMAT.match(cell.number_format or ""):
        return str(value).zfill(len(cell.number_format))
    return str(value)


def read_field(cell: Cell, name: str, row: int, problems: list[Problem]) -> FieldText | None:
    """The text of the cell for field `name`; None (with a problem added) when the cell cannot be used."""
    if cell.is_empty:
        return FieldText("")
    kind_problem = _CELL_KIND_PROBLEM.get(cell.kind)
    if kind_problem:
        problems.append(Problem(kind_problem, row, name, {"value": cell.display()}))
        return None
    if cell.kind == NUMBER:
        if name == CODE:
            code = code_from_number(cell)
            if code is not None:
                return FieldText(code, from_number=not _ZERO_FORMAT.match(cell.number_format or ""))
        elif name in _NUMBER_IS_TEXT:
            return FieldText(cell.display())
        problems.append(Problem("number_cell", row, name, {"value": cell.display()}))
        return None
    raw = str(cell.value)
    text = clean_name(raw) if name in (NAME, TITLE, UNIT) else nfc(raw)
    if name != EMAIL:
        legacy = detect_legacy(text)
        if legacy is not None:
            problems.append(Problem("legacy_text", row, name, {"encoding": legacy.label,
                                                                  "decoded": legacy.decoded}))
            return None
    if len(text) > MAX_LENGTH[name]:
        problems.append(Problem("too_long", row, name, {"limit": MAX_LENGTH[name]}))
        return None
    return FieldText(text)
