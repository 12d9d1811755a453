"""Reading staff lists and other tables from .xlsx and .csv files into typed, numbered rows.

A leaf module: it knows files and cells, nothing about people, units or the database.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.sheets.csvfile import read_csv
from lms.sheets.legacy import LegacyText, detect_legacy
from lms.sheets.model import (
    BOOL,
    DATE,
    EMPTY,
    ERROR,
    FORMULA,
    MAX_BYTES,
    MAX_ROWS,
    NUMBER,
    TEXT,
    Cell,
    Note,
    Sheet,
    SheetError,
    SheetRow,
    too_big,
)
from lms.sheets.xlsx import not_a_workbook, read_xlsx

__all__ = [
    "BOOL", "DATE", "EMPTY", "ERROR", "FORMULA", "MAX_BYTES", "MAX_ROWS", "NUMBER", "TEXT", "EXTENSIONS",
    "Cell", "LegacyText", "Note", "Sheet", "SheetError", "SheetRow", "detect_legacy", "read_sheet",
]

EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".txt")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, and any password-protected workbook


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read an uploaded staff list; the content decides the format, the name only has to agree with it."""
    name = (filename or "").lower().strip()
    if not name.endswith(EXTENSIONS):
        raise SheetError(_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if len(data) > MAX_BYTES:
        raise too_big()
    if not data.strip():
        raise SheetError(_l("The file is empty."))
    if data.startswith(_OLE):
        raise SheetError(_l("This is an Excel 97–2003 workbook (.xls) or a password-protected workbook. Open it in "
                            "Excel and save it as an Excel workbook (.xlsx) without a password, or as CSV UTF-8."))
    if name.endswith((".xlsx", ".xlsm")):
        if not data.startswith(_ZIP):
            raise not_a_workbook()
        return read_xlsx(data)
    if data.startswith(_ZIP):
        # A workbook saved under a .csv name: read it as what it is.
        return read_xlsx(data)
    return read_csv(data)
