"""Building staff-list files for the import tests: real .xlsx workbooks (typed cells) and CSV in any encoding."""
from __future__ import annotations

import csv
import io
import unicodedata
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale
from openpyxl import Workbook

from lms.extensions import db
from tests.factories import make_unit

HEADINGS = ["Mã nhân viên", "Họ và tên", "Email", "Đơn vị", "Chức vụ"]


def xlsx_bytes(rows, *, formats: dict[tuple[int, int], str] | None = None, title_rows=()) -> bytes:
    """A workbook whose cells keep the Python types given (int → number cell, date → date cell, '=…' → formula)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(list(row))
    for row in rows:
        sheet.append(list(row))
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters (with ă â ê ô ơ ư) plus a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        for cut in range(len(parts), 0, -1):
            head = unicodedata.normalize("NFC", parts[:cut])
            try:
                out += head.encode("cp1258") + parts[cut:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return bytes(out)


def make_org():
    """A department with two units, one branch and one retired unit."""
    root = make_unit("SO", "Sở Tài nguyên và Môi trường")
    land = make_unit("QLDD", "Phòng Quản lý đất đai", parent=root)
    office = make_unit("VPDK", "Văn phòng Đăng ký đất đai", parent=root)
    branch = make_unit("VPDK-SS", "Chi nhánh Sầm Sơn", parent=office)
    old = make_unit("CU", "Phòng Cũ", parent=root)
    old.active = False
    db.session.commit()
    return {"root": root, "land": land, "office": office, "branch": branch, "old": old}


@contextmanager
def in_english():
    """Messages rendered as an English reader sees them (they are translated when shown)."""
    with current_app.test_request_context(), force_locale("en"):
        yield
