"""Spreadsheet exports: formulas neutralised, Vietnamese intact, dates as dates, constant memory, files cleaned up."""
import csv
import io
import re
import tempfile
import tracemalloc
import unicodedata
import zipfile
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest
from flask import Flask, request
from flask_babel import lazy_gettext
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lms.exports.response import sheet_response
from lms.exports.sheets import Column, csv_chunks, export, formula_risk, neutralise, xlsx_chunks

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
RISKY = ["=1+1", "+84912345678", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "  =HYPERLINK(\"http://x\")",
         "\u3000=1", "\n=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1", "−1"]
SAFE = ["Nguyễn Văn An", "'=1+1", "1+1", "a=b", "", "  ", "x-1", "#N/A"]
# Any text, often behind a formula trigger, a blank, a full-width sign or an escape-like run.
TEXTS = st.tuples(st.sampled_from(["", "=", "+", "-", "@", " =", "\t", "\r", "＝", "\x07=", "#N/A", "_x0041_"]),
                  st.text(max_size=30)).map("".join)


def _csv(columns, rows) -> list[list[str]]:
    data = b"".join(csv_chunks(columns, rows))
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def _xlsx(columns, rows, **options) -> bytes:
    return b"".join(xlsx_chunks(columns, rows, **options))


def _sheet_xml(data: bytes) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314 - our own output


def _excel_text(cell: ElementTree.Element) -> str:
    """A stored inline string as Excel reads it, "_xHHHH_" escapes decoded."""
    raw = "".join(cell.find("m:is", NS).itertext())
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), raw)


@pytest.mark.parametrize("text", RISKY)
def test_formula_triggers_are_recognised(text):
    assert formula_risk(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", SAFE)
def test_plain_text_is_left_alone(text):
    assert not formula_risk(text)
    assert neutralise(text) == text


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_csv_round_trips_to_the_neutralised_text(text):
    rows = _csv([Column("Họ và tên"), Column("Ghi chú")], [(text, "x")])
    expected = neutralise(unicodedata.normalize("NFC", text))
    assert rows == [["Họ và tên", "Ghi chú"], [expected, "x"]]
    assert not formula_risk(rows[1][0])


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_xlsx_stores_any_text_as_text_never_a_formula(text):
    root = _sheet_xml(_xlsx([Column("Ghi chú")], [(text,)]))
    assert root.find(".//m:f", NS) is None
    cells = root.findall(".//m:sheetData/m:row/m:c", NS)
    kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", unicodedata.normalize("NFC", text))
    if kept:
        assert cells[1].get("t") == "inlineStr"
        assert _excel_text(cells[1]) == kept
    else:
        assert len(cells) == 1  # only the heading


def test_csv_layout_quoting_and_values():
    columns = [Column("Mã", key="code"), Column("Họ và tên", key="name"), Column("Ngày", key="on"),
               Column("Lúc", key="at"), Column("Điểm", key="score"), Column("Trống", key="none")]
    rows = [{"code": "00123", "name": 'Lê "Bé", Thị\nHai', "on": date(2024, 2, 5),
             "at": datetime(2024, 2, 5, 1, 30, tzinfo=UTC), "score": 8.5, "none": None},
            {"code": "=cmd|' /C calc'!A0", "name": unicodedata.normalize("NFD", "Trần Tắc"), "on": None,
             "at": None, "score": -3, "none": ""}]
    data = b"".join(csv_chunks(columns, rows))
    assert data.count(b"\r\n") == 3 and b'Th\xe1\xbb\x8b\nHai"' in data  # a newline inside a cell stays as typed
    parsed = _csv(columns, rows)
    assert parsed == [["Mã", "Họ và tên", "Ngày", "Lúc", "Điểm", "Trống"],
                      ["00123", 'Lê "Bé", Thị\nHai', "2024-02-05", "2024-02-05 08:30", "8.5", ""],
                      ["'=cmd|' /C calc'!A0", "Trần Tắc", "", "", "-3", ""]]


def test_tuple_rows_by_position_or_index_and_lazy_headings(tmp_path):
    columns = [Column(lazy_gettext("Full name"), key=1), Column("A", key=0)]
    assert _csv(columns, [("a", "b")]) == [["Full name", "A"], ["b", "a"]]
    path = tmp_path / "lazy.xlsx"
    path.write_bytes(_xlsx(columns, [("a", "b")]))
    assert [c.value for c in load_workbook(path).active[1]] == ["Full name", "A"]


def test_xlsx_cells_read_back_as_strings_dates_and_numbers(tmp_path):
    columns = [Column("Mã"), Column("Họ và tên", width=30), Column("Ghi chú"), Column("Ngày hoàn thành"),
               Column("Lúc"), Column("Điểm")]
    rows = [("00123", unicodedata.normalize("NFD", "Nguyễn Thị Hồng"), "=1+1", date(2024, 2, 5),
             datetime(2024, 2, 5, 1, 30, tzinfo=UTC), 8.5),
            ("00124", "Lê Văn\x07 Bình", "#N/A", None, None, 7),
            ("00125", "Trần An", "＝SUM(A1)", date(2024, 12, 31), datetime(2024, 3, 1, 9, 0), None)]
    path = tmp_path / "out.xlsx"
    path.write_bytes(_xlsx(columns, rows, title="Danh sách chưa hoàn thành — Văn phòng Sở"))
    sheet = load_workbook(path)["Danh sách"]
    assert sheet["A1"].value == "Danh sách chưa hoàn thành — Văn phòng Sở" and sheet["A1"].font.b
    assert [c.value for c in sheet[3]] == ["Mã", "Họ và tên", "Ghi chú", "Ngày hoàn thành", "Lúc", "Điểm"]
    assert all(c.font.b for c in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:F6"
    assert sheet.column_dimensions["B"].width == 30 and sheet.column_dimensions["D"].width >= 15
    first, second, third = sheet[4], sheet[5], sheet[6]
    assert first[0].value == "00123" and first[0].data_type == "s"  # leading zeros kept
    assert first[1].value == "Nguyễn Thị Hồng"
    assert first[2].value == "=1+1" and first[2].data_type == "s" and first[2].quotePrefix
    assert first[3].is_date and first[3].value == datetime(2024, 2, 5) and first[3].number_format == "dd/mm/yyyy"
    assert first[4].value == datetime(2024, 2, 5, 8, 30)  # shown in Ho Chi Minh time
    assert first[5].value == 8.5 and first[5].data_type == "n"
    assert second[1].value == "Lê Văn Bình"  # a control character XML cannot hold is dropped
    assert second[2].value == "#N/A" and second[2].data_type == "s"
    assert second[3].value is None and second[5].value == 7
    assert third[2].value == "＝SUM(A1)" and third[2].data_type == "s" and third[2].quotePrefix
    assert third[4].value == datetime(2024, 3, 1, 9, 0)
    assert _sheet_xml(path.read_bytes()).find(".//m:f", NS) is None


def test_xlsx_a_formula_behind_a_dropped_control_character_is_still_quoted(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(_xlsx([Column("=Ghi chú")], [("\x07=1+1",), ("_x0041_",)]))
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "=Ghi chú" and sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    cells = _sheet_xml(path.read_bytes()).findall(".//m:sheetData/m:row/m:c", NS)
    assert _excel_text(cells[2]) == "_x0041_"  # a literal escape-like text is not read as "A"


def test_xlsx_without_title_freezes_the_first_row(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(_xlsx([Column("Họ và tên")], iter([("An",), ("Bình",)]), sheet_name="Đơn vị: A/B"))
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Đơn vị  A B"
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "Họ và tên" and sheet["A3"].value == "Bình"


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rows(count: int):
    for n in range(count):
        yield (f"NV{n:06d}", f"Nguyễn Thị Hồng {n}", f"Chi nhánh Văn phòng Đăng ký đất đai số {n % 300}",
               "Chưa bắt đầu", date(2024, 2, 1 + n % 28), "=1+1" if n % 7 == 0 else n)


@pytest.mark.parametrize(("writer", "small", "ceiling"),
                         [(csv_chunks, 2_000, 2_000_000), (xlsx_chunks, 500, 3_000_000)])
def test_memory_does_not_grow_with_the_rows(writer, small, ceiling):
    columns = [Column(title) for title in ("Mã", "Họ và tên", "Đơn vị", "Tình trạng", "Ngày", "Ghi chú")]
    consume = lambda count: lambda: sum(len(chunk) for chunk in writer(columns, _rows(count)))  # noqa: E731
    few, many = _peak(consume(small)), _peak(consume(small * 10))
    # Ten times the rows held in memory would add several MB; streamed, the peak stays where it was.
    assert many < few + 500_000, (few, many)
    assert many < ceiling, many


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_xlsx_temporary_files_are_removed(scratch):
    columns = [Column("Họ và tên")]
    assert b"".join(xlsx_chunks(columns, [("An",)])).startswith(b"PK")
    assert list(scratch.iterdir()) == []

    stopped = xlsx_chunks(columns, (("An",) for _ in range(20_000)))
    next(stopped)  # the download is cut after its first piece
    assert len(list(scratch.iterdir())) == 1
    stopped.close()
    assert list(scratch.iterdir()) == []

    def failing():
        yield ("An",)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        b"".join(xlsx_chunks(columns, failing()))
    assert list(scratch.iterdir()) == []


def test_bad_requests_get_clear_messages():
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export("pdf", [Column("A")], [])
    with pytest.raises(ValueError, match="at least one column"):
        export("csv", [], [])
    with pytest.raises(ValueError, match="column 'Đơn vị': the row has no 'unit'"):
        b"".join(csv_chunks([Column("Đơn vị", key="unit")], [{"name": "An"}]))


def test_an_empty_list_still_has_its_heading(tmp_path):
    assert _csv([Column("Họ và tên")], []) == [["Họ và tên"]]
    path = tmp_path / "e.xlsx"
    path.write_bytes(_xlsx([Column("Họ và tên")], []))
    assert [[c.value for c in row] for row in load_workbook(path).active.iter_rows()] == [["Họ và tên"]]


@pytest.mark.parametrize(("kind", "content_type", "magic"), [
    ("csv", "text/csv; charset=utf-8", b"\xef\xbb\xbf"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
])
def test_the_download_response_streams_inside_the_request(kind, content_type, magic):
    app = Flask(__name__)

    @app.get("/export")
    def download():
        def rows():  # read lazily, as a database query is: the request must still be there
            for n in range(int(request.args["count"])):
                yield (f"Người {n}", "=1+1")
        return sheet_response(kind, [Column("Họ và tên"), Column("Ghi chú")], rows(), "Danh sách Văn phòng Sở",
                              title="Danh sách")

    response = app.test_client().get("/export?count=3")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"Danh sach Van phong So.{kind}\"; "
        f"filename*=UTF-8''Danh%20s%C3%A1ch%20V%C4%83n%20ph%C3%B2ng%20S%E1%BB%9F.{kind}")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(magic)
    if kind == "csv":
        assert "'=1+1" in response.data.decode("utf-8-sig") and "Người 2" in response.data.decode("utf-8-sig")
