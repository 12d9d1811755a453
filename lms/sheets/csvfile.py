"""Reading a CSV or tab-separated text file as Excel and other programs write them.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text" from Excel); bytes that
are not UTF-8 are read as Windows-1258 (Vietnamese) or Windows-1252, whichever gives more Vietnamese
words, and the file is flagged. Delimiter: ";", "," or tab, from the heading line (or Excel's
"sep=" line). Every cell is text; a cell starting with "=" is reported as a formula.
"""
from __future__ import annotations

import codecs
import csv
import io
import unicodedata

from flask_babel import lazy_gettext as _l

from lms.sheets.legacy import is_vietnamese_syllable
from lms.sheets.model import (
    EMPTY_CELL,
    FORMULA,
    MAX_COLUMNS,
    MAX_ROWS,
    TEXT,
    Cell,
    Note,
    Sheet,
    SheetError,
    SheetRow,
    too_many_rows,
)

DELIMITERS = (";", ",", "\t")
# Western first: Vietnamese has to win outright, because both read plain Latin letters alike.
_LEGACY_ENCODINGS = (("cp1252", "Windows-1252"), ("cp1258", "Windows-1258"))


def not_text() -> SheetError:
    return SheetError(_l("This file is not a CSV text file. Upload the staff list as an Excel workbook (.xlsx) "
                         "or save it as CSV UTF-8."))


def _utf16_without_bom(data: bytes) -> str | None:
    """Excel's 'Unicode text' always has a BOM; other tools drop it: NULs at every other byte give it away."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def _vietnamese_words(text: str) -> int:
    return sum(1 for word in text.split() if not word.isascii() and is_vietnamese_syllable(word.strip(",;\"'")))


def decode(data: bytes) -> tuple[str, str, list[Note]]:
    """The file's text, the encoding used, and a note when the encoding had to be guessed."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(data) or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise not_text() from None
        text = None
    if text is not None:
        return text, encoding, []
    if b"\x00" in data:
        raise not_text()
    best: tuple[int, str, str] | None = None
    for codec, label in _LEGACY_ENCODINGS:
        try:
            candidate = unicodedata.normalize("NFC", data.decode(codec))
        except UnicodeDecodeError:
            continue
        score = _vietnamese_words(candidate)
        if best is None or score > best[0]:
            best = (score, candidate, label)
    if best is None:
        best = (0, data.decode("latin-1"), "ISO-8859-1")
    _score, text, label = best
    note = Note(_l("The file is not in UTF-8, so it was read as %(encoding)s. Check the names in the preview; "
                   "if letters look wrong, save the file again as “CSV UTF-8” and upload it again.", encoding=label))
    return text, label, [note]


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return "\x00" in sample or controls > len(sample) // 50


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the heading line (first non-blank line) into the most columns."""
    heading = next((line for line in lines if line.strip()), "")
    best, best_count = ",", 1
    for delimiter in DELIMITERS:
        fields = next(csv.reader([heading], delimiter=delimiter), [])
        if len(fields) > best_count:
            best, best_count = delimiter, len(fields)
    return best


def _cell(value: str) -> Cell:
    if not value.strip():
        return EMPTY_CELL
    if value.startswith("=") and len(value) > 1:
        return Cell(FORMULA, value)
    return Cell(TEXT, value)


def read_csv(data: bytes) -> Sheet:
    """The non-empty records of a CSV file; a record's number is its row in a spreadsheet program."""
    text, encoding, notes = decode(data)
    if _looks_binary(text):
        raise not_text()
    lines = text.splitlines()
    first_row = 1
    delimiter = None
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) == 5:
        # Excel's own hint line: it is not shown as a row, so the heading is row 1.
        delimiter = lines[0][4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = lines[1:]
    delimiter = delimiter or sniff_delimiter(lines[:20])
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=first_row):
            cells = tuple(_cell(value) for value in record[:MAX_COLUMNS])
            while cells and cells[-1].is_empty:
                cells = cells[:-1]
            if not cells:
                continue
            rows.append(SheetRow(number, cells))
            if len(rows) > MAX_ROWS + 1:
                raise too_many_rows()
    except csv.Error:
        raise not_text() from None
    return Sheet(rows=rows, kind="csv", encoding=encoding, delimiter=delimiter, notes=notes)
