"""Lists of people streamed to CSV or XLSX in constant memory, with spreadsheet formula injection neutralised."""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lms.text import to_local

CHUNK = 64 * 1024
BOM = "\ufeff"
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATE_FORMAT, DATETIME_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
# OWASP "CSV injection": a cell starting with one of these is read as a formula by Excel,
# LibreOffice or Google Sheets. Full-width and small forms are compared after NFKC.
_TRIGGERS = frozenset("=+-@\t\r\u2212")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_x000D_" in a stored string as the escaped character; a literal one needs its "_" escaped.
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
EXCEL_CELL_LIMIT = 32767
_WIDTH_SAMPLE = 200  # rows looked at to size XLSX columns before the first row is written


@dataclass(frozen=True)
class Column:
    """One exported column: its heading, where to find the value in a row, and its XLSX width.

    key is a dict key for mapping rows or an index for tuple rows; None means the column's position.
    width None sizes the column from the heading and the first rows.
    """

    title: str  # a lazy translated string is fine too
    key: str | int | None = None
    width: float | None = None


def formula_risk(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (also after leading blanks)."""
    if text[:1] in ("\t", "\r"):
        return True
    first = text.lstrip()[:1]
    return bool(first) and (first in _TRIGGERS or unicodedata.normalize("NFKC", first)[:1] in _TRIGGERS)


def neutralise(text: str) -> str:
    """The CSV form of a text cell: a leading apostrophe when it could be read as a formula."""
    return "'" + text if formula_risk(text) else text


def _value(row: Sequence | Mapping, column: Column, position: int):
    key = position if column.key is None else column.key
    try:
        return row[key]
    except (KeyError, IndexError):
        raise ValueError(f"column {column.title!r}: the row has no {key!r}") from None


def _plain(value):
    """A cell value as str, int, float, Decimal, date or naive local datetime (Excel has no time zones)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal | date):
        return value
    return unicodedata.normalize("NFC", str(value))


def _csv_text(value) -> str:
    value = _plain(value)
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()  # ISO: the one date form Excel reads the same in every locale
    return str(value)


def _check(columns: Sequence[Column]) -> None:
    if not columns:
        raise ValueError("an export needs at least one column")
    if not all(isinstance(column, Column) and str(column.title).strip() for column in columns):
        raise ValueError("every column must be a Column with a title")


def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence | Mapping]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads the Vietnamese letters), CRLF, quoted where needed, in ~64 KiB pieces."""
    _check(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(str(column.title)) for column in columns])
    for row in rows:
        writer.writerow([_csv_text(_value(row, column, n)) for n, column in enumerate(columns)])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8", "replace")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8", "replace")


def _stored(text: str) -> str:
    """Text as an XLSX file stores it: XML-legal, within Excel's cell limit, escapes escaped."""
    return _ESCAPE_LIKE.sub("_x005F_", _ILLEGAL_XML.sub("", text)[:EXCEL_CELL_LIMIT])


def _string_cell(sheet, stored: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=stored)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula and "#N/A" as an error
    if formula_risk(stored):
        cell.quotePrefix = True  # shown as typed, and still text after someone edits it and presses Enter
    if font is not None:
        cell.font = font
    return cell


def _xlsx_text(sheet, text: str):
    stored = _stored(text)
    if not stored:
        return None
    if stored.startswith("=") or stored in _ERROR_CODES or formula_risk(stored):
        return _string_cell(sheet, stored)
    return stored  # openpyxl stores any other str as text, and it costs no cell object per value


def _xlsx_cell(sheet, value):
    value = _plain(value)
    if isinstance(value, str):
        return _xlsx_text(sheet, value)
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    return value


def _widths(columns: Sequence[Column], sample: list) -> list[float]:
    widths = []
    for n, column in enumerate(columns):
        if column.width is not None:
            widths.append(column.width)
            continue
        longest = max([len(column.title)] + [len(_csv_text(_value(row, column, n))) for row in sample])
        widths.append(min(max(longest + 2, 8), 60))
    return widths


def _discard(sheet) -> None:
    """openpyxl keeps an unfinished sheet in a temporary file until the process exits: remove it now."""
    with contextlib.suppress(Exception):
        sheet.close()
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()


def xlsx_chunks(columns: Sequence[Column], rows: Iterable[Sequence | Mapping], *, title: str | None = None,
                sheet_name: str = "Danh sách") -> Iterator[bytes]:
    """An XLSX workbook built row by row in a temporary file, then sent in ~64 KiB pieces and removed.

    Bold frozen heading row (under an optional bold title), filters, text never stored as a
    formula, dates as real dates shown dd/mm/yyyy.
    """
    _check(columns)
    rows = iter(rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    handle, path = tempfile.mkstemp(prefix="quantriet-export-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_ILLEGAL_XML.sub("", re.sub(r"[\[\]:*?/\\]", " ", sheet_name))[:31]
                                      or "Sheet1")
        try:
            for n, width in enumerate(_widths(columns, sample), 1):
                sheet.column_dimensions[get_column_letter(n)].width = width
            heading_row = 3 if title else 1
            # Written with the sheet's first row: everything about the sheet's layout goes before it.
            sheet.freeze_panes = f"A{heading_row + 1}"
            sheet.print_title_rows = f"{heading_row}:{heading_row}"
            if title:
                sheet.append([_string_cell(sheet, _stored(unicodedata.normalize("NFC", title)),
                                           Font(bold=True, size=14))])
                sheet.append([])
            headings = [_string_cell(sheet, _stored(str(column.title)), Font(bold=True)) for column in columns]
            for cell in headings:
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            sheet.append(headings)
            last_row = heading_row
            for row in itertools.chain(sample, rows):
                sheet.append([_xlsx_cell(sheet, _value(row, column, n)) for n, column in enumerate(columns)])
                last_row += 1
            sheet.auto_filter.ref = f"A{heading_row}:{get_column_letter(len(columns))}{last_row}"
        except BaseException:
            _discard(sheet)
            raise
        workbook.save(path)
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def export(kind: str, columns: Sequence[Column], rows: Iterable[Sequence | Mapping], *,
           title: str | None = None, sheet_name: str = "Danh sách") -> tuple[str, Iterator[bytes]]:
    """(mimetype, pieces) for kind "csv" or "xlsx"; nothing is read from rows until the pieces are."""
    _check(columns)
    if kind == "csv":
        return MIMETYPES["csv"], csv_chunks(columns, rows)
    if kind == "xlsx":
        return MIMETYPES["xlsx"], xlsx_chunks(columns, rows, title=title, sheet_name=sheet_name)
    raise ValueError(f"unknown export format {kind!r}: choose csv or xlsx")
