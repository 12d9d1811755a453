"""The spreadsheet reader: typed cells and row numbers from .xlsx, every CSV flavour Excel writes, refusals."""
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from lms.sheets import BOOL, DATE, ERROR, FORMULA, NUMBER, TEXT, SheetError, read_sheet
from lms.sheets.writer import write_csv, write_xlsx
from tests.import_helpers import csv_bytes, to_cp1258, xlsx_bytes

NAMES = [["Mã nhân viên", "Họ và tên"], ["00123", "Nguyễn Thị Hồng"], ["00124", "Trần Văn Đức"]]


def values(sheet):
    return [[cell.display() for cell in row.cells] for row in sheet.rows]


def test_xlsx_keeps_each_cell_type_and_the_row_numbers_people_see():
    data = xlsx_bytes([["Mã", "Tên", "Ngày", "Công thức", "Đúng", "Lỗi"],
                       [123, "Nguyễn Văn An", date(2024, 2, 5), "=A2&B2", True, "#N/A"], [], ["x"]],
                      title_rows=[["DANH SÁCH"]])
    sheet = read_sheet(data, "danh-sach.xlsx")
    assert sheet.kind == "xlsx" and [row.number for row in sheet.rows] == [1, 2, 3, 5]
    cells = sheet.rows[2].cells
    assert [c.kind for c in cells] == [NUMBER, TEXT, DATE, FORMULA, BOOL, ERROR]
    assert [c.display() for c in cells] == ["123", "Nguyễn Văn An", "05/02/2024", "=A2&B2", "TRUE", "#N/A"]
    assert isinstance(cells[2].value, datetime)


def test_xlsx_reads_the_first_visible_sheet_and_says_so():
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "Ẩn"
    hidden.append(["không đọc"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Cán bộ").append(["Mã", "Tên"])
    workbook.create_sheet("Ghi chú").append(["…"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = read_sheet(buffer.getvalue(), "x.xlsx")
    assert sheet.sheet_name == "Cán bộ" and values(sheet) == [["Mã", "Tên"]]
    assert len(sheet.notes) == 1


def test_trailing_empty_cells_are_dropped():
    sheet = read_sheet(xlsx_bytes([["a", None, "b", None, None]]), "x.xlsx")
    assert [c.display() for c in sheet.rows[0].cells] == ["a", "", "b"]
    assert sheet.rows[0].cell(7).is_empty


@pytest.mark.parametrize("encoding, delimiter, expected", [
    ("utf-8", ",", "utf-8"),
    ("utf-8-sig", ";", "utf-8-sig"),
    ("utf-16", "\t", "utf-16"),  # Excel's "Unicode text"
    ("utf-16-le", "\t", "utf-16-le"),  # the same without its byte-order mark
])
def test_csv_in_unicode_encodings_and_delimiters(encoding, delimiter, expected):
    sheet = read_sheet(csv_bytes(NAMES, encoding=encoding, delimiter=delimiter), "danh-sach.csv")
    assert values(sheet) == NAMES
    assert sheet.delimiter == delimiter and sheet.encoding == expected and sheet.notes == []


def test_csv_in_windows_1258_is_read_and_flagged():
    sheet = read_sheet(to_cp1258("Mã nhân viên;Họ và tên;Chức vụ\r\n00123;Nguyễn Văn Ánh;Trưởng phòng\r\n"), "a.csv")
    assert values(sheet)[1] == ["00123", "Nguyễn Văn Ánh", "Trưởng phòng"]
    assert sheet.encoding == "Windows-1258" and len(sheet.notes) == 1


def test_csv_in_windows_1252_is_read_and_flagged():
    sheet = read_sheet("Code,Name\r\n7,François Müller\r\n".encode("cp1252"), "a.csv")
    assert values(sheet)[1] == ["7", "François Müller"] and sheet.encoding == "Windows-1252" and sheet.notes


def test_csv_numbering_follows_records_and_excel_sep_line():
    text = 'sep=;\r\nMã;Tên\r\n1;"Nguyễn\r\nVăn An"\r\n\r\n2;=1+2\r\n'
    sheet = read_sheet(text.encode(), "a.csv")
    assert [row.number for row in sheet.rows] == [1, 2, 4]
    assert sheet.rows[1].cells[1].value == "Nguyễn\r\nVăn An"
    assert sheet.rows[2].cells[1].kind == FORMULA


def test_written_templates_read_back():
    assert values(read_sheet(write_csv(["Mã", "Tên"], [["001", "An"]]), "t.csv")) == [["Mã", "Tên"], ["001", "An"]]
    sheet = read_sheet(write_xlsx(["Mã", "Tên"], [["001", "An"]]), "t.xlsx")
    assert values(sheet) == [["Mã", "Tên"], ["001", "An"]] and sheet.rows[1].cells[0].number_format == "@"


def test_a_workbook_named_csv_is_read_as_a_workbook():
    assert read_sheet(xlsx_bytes([["a", 1]]), "export.csv").kind == "xlsx"


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("data, filename, words", [
    (b"", "a.csv", "empty"),
    (b"Ma,Ten\n1,An\n", "a.xlsx", "not a readable Excel workbook"),
    (_zip({"word/document.xml": "<x/>"}), "a.xlsx", "not a readable Excel workbook"),
    (_zip({"xl/workbook.xml": "not xml"}), "a.xlsx", "not a readable Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a.xls.xlsx", "Excel 97"),
    (bytes(range(256)) * 20, "a.csv", "not a CSV text file"),
    (b"%PDF-1.4", "a.pdf", "Upload an Excel workbook"),
])
def test_files_that_are_not_staff_lists_are_refused(data, filename, words):
    with pytest.raises(SheetError) as error:
        read_sheet(data, filename)
    assert words in str(error.value)


def test_too_big_files_are_refused():
    with pytest.raises(SheetError) as error:
        read_sheet(b"a" * (10 * 1024 * 1024 + 1), "a.csv")
    assert "larger than 10 MB" in str(error.value)


def test_a_workbook_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr("lms.sheets.xlsx.MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(SheetError) as error:
        read_sheet(xlsx_bytes([["x" * 2000]]), "a.xlsx")
    assert "larger than" in str(error.value)


@pytest.mark.parametrize("module, data, filename", [
    ("lms.sheets.csvfile", b"a\n" * 12, "a.csv"),
    ("lms.sheets.xlsx", xlsx_bytes([["a"]] * 12), "a.xlsx"),
])
def test_too_many_rows_are_refused(monkeypatch, module, data, filename):
    monkeypatch.setattr(f"{module}.MAX_ROWS", 10)
    with pytest.raises(SheetError) as error:
        read_sheet(data, filename)
    assert "more than" in str(error.value) and "rows" in str(error.value)
    monkeypatch.setattr(f"{module}.MAX_ROWS", 11)
    assert len(read_sheet(data, filename).rows) == 12  # a heading and 11 rows are fine
