"""Reading the first worksheet of an .xlsx workbook with openpyxl, streaming, with each cell's type kept."""
from __future__ import annotations

import io
import warnings
import zipfile

from flask_babel import lazy_gettext as _l

from lms.sheets.model import (
    BOOL,
    DATE,
    EMPTY_CELL,
    ERROR,
    FORMULA,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    NUMBER,
    TEXT,
    Cell,
    Note,
    Sheet,
    SheetError,
    SheetRow,
    too_big,
    too_many_rows,
)

_KINDS = {"n": NUMBER, "d": DATE, "f": FORMULA, "b": BOOL, "e": ERROR, "s": TEXT, "inlineStr": TEXT, "str": TEXT}


def not_a_workbook() -> SheetError:
    return SheetError(_l("This file is not a readable Excel workbook (.xlsx). Open it in Excel and save it again "
                         "as an Excel workbook, or as CSV UTF-8."))


def _check_archive(data: bytes) -> None:
    """A real workbook, not a renamed file or a ZIP that unpacks to gigabytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook() from None
    if "xl/workbook.xml" not in names:
        raise not_a_workbook()
    if unpacked > MAX_UNPACKED_BYTES:
        raise too_big()


def _cell(raw) -> Cell:
    value = raw.value
    if value is None:
        return EMPTY_CELL
    kind = _KINDS.get(raw.data_type, TEXT)
    if kind == FORMULA:
        value = str(getattr(value, "text", None) or value)  # array formulas carry their text
    elif kind == TEXT:
        value = str(value)
    return Cell(kind, value, getattr(raw, "number_format", None) or "General")


def read_xlsx(data: bytes) -> Sheet:
    """The non-empty rows of the first worksheet; formulas are kept as formulas, not their cached results."""
    from openpyxl import load_workbook

    _check_archive(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:  # any parse failure means the same to the uploader
            raise not_a_workbook() from None
        try:
            sheets = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            if not sheets:
                raise SheetError(_l("The workbook has no visible worksheet."))
            worksheet = sheets[0]
            # Dimensions written by other programs are often wrong; read what is really there.
            worksheet.reset_dimensions()
            rows = []
            try:
                for number, raw_row in enumerate(worksheet.iter_rows(), start=1):
                    cells = tuple(_cell(raw) for raw in raw_row[:MAX_COLUMNS])
                    while cells and cells[-1].is_empty:
                        cells = cells[:-1]
                    if not cells:
                        continue
                    rows.append(SheetRow(number, cells))
                    if len(rows) > MAX_ROWS + 1:  # the heading row does not count
                        raise too_many_rows()
            except SheetError:
                raise
            except Exception:  # a damaged sheet part
                raise not_a_workbook() from None
        finally:
            workbook.close()
    notes = []
    if len(sheets) > 1:
        notes.append(Note(_l("Only the first worksheet, “%(name)s”, was read; the workbook has %(count)d.",
                             name=worksheet.title, count=len(sheets))))
    return Sheet(rows=rows, kind="xlsx", sheet_name=worksheet.title, notes=notes)
