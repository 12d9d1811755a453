"""The round report PDF: Decree 30 blocks in order, Vietnamese text intact, long lists paginated, margins kept."""
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from lms.pdf import fonts
from lms.pdf.report import PendingPerson, ReportData, Signatory, UnitRow, render_report
from lms.text import share_bp, vi_number

TOOLS_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
MM = 72 / 25.4
LONG_UNIT = ("Chi nhánh Văn phòng Đăng ký đất đai thành phố Sầm Sơn và các huyện ven biển phía Nam "
             "tỉnh Thanh Hóa kiêm nhiệm địa bàn huyện Quảng Xương")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if TOOLS_REQUIRED:
            pytest.fail(f"{name} is not installed")
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils qpdf)")
    return path


def people(count: int, unit: str = "Văn phòng Đăng ký đất đai") -> tuple[PendingPerson, ...]:
    return tuple(PendingPerson(f"Nguyễn Thị Hồng {n:03d}", unit, "Chưa bắt đầu") for n in range(1, count + 1))


NAMED = (PendingPerson("Trần Văn An", "Văn phòng Sở", "Chưa bắt đầu"),
         PendingPerson("Lê Thị Bích", "Chi nhánh Thọ Xuân", "Chưa đạt bài kiểm tra"))


def sample(**changes) -> ReportData:
    values = dict(
        managing_body="UBND TỈNH THANH HÓA", issuing_body="SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
        reporter="Sở Tài nguyên và Môi trường", document_symbol="BC-STNMT", place="Thanh Hóa",
        issued_on=date(2024, 2, 5), course_title="Quy tắc ứng xử trên mạng xã hội", round_name="Đợt 1 năm 2024",
        starts_on=date(2024, 1, 8), deadline=date(2024, 3, 12), must_complete=1234, certified=1067,
        status_counts=(("chưa bắt đầu", 100), ("đang học", 40), ("chưa đạt bài kiểm tra", 12), ("đã đạt", 5),
                       ("quá hạn", 10)),
        exemptions=(("nghỉ thai sản", 2), ("đi học dài hạn", 1)), commitments_signed=1070,
        units=(UnitRow("Văn phòng Sở", 34, 30), UnitRow("Văn phòng Đăng ký đất đai", 1000, 850),
               UnitRow("Chi nhánh Thọ Xuân", 400, 350, depth=1), UnitRow("Chi nhánh Sầm Sơn", 600, 500, depth=1),
               UnitRow("Trung tâm Dữ liệu thông tin tài nguyên và môi trường", 200, 187)),
        pending=NAMED + people(165),
        signatory=Signatory("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Khánh Toàn"),
        recipients=("UBND tỉnh (để b/c);", "Sở Thông tin và Truyền thông (để b/c);", "Giám đốc Sở (để b/c);"),
        archive="VT, DLTT")
    values.update(changes)
    return ReportData(**values)


def with_pending(pending: tuple[PendingPerson, ...], **changes) -> ReportData:
    """The sample with its figures made to agree with another list of those not yet complete."""
    must, certified = 1000 + len(pending), 1000
    return sample(must_complete=must, certified=certified, pending=pending,
                  units=(UnitRow("Văn phòng Đăng ký đất đai", must, certified),), **changes)


def _pdf(data: ReportData, tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data, fonts.prepared()))
    return path


def _text(path: Path, *options: str) -> str:
    out = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", *options, str(path), "-"], capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8")


def _pages(path: Path) -> list[str]:
    return _text(path, "-layout").split("\f")[:-1]


def _words(path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) for every word, in points."""
    html = _text(path, "-bbox")
    found, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            found.append((page, *map(float, match.groups()[:4]), match.group(5)))
    return found


def _in_order(text: str, expected: list[str]) -> None:
    text = " ".join(text.split())  # wrapped lines of one paragraph read on
    position = 0
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} missing after position {position}"
        position = found + len(item)


def test_every_block_is_printed_in_order(tmp_path):
    layout = _text(_pdf(sample(), tmp_path), "-layout")
    assert unicodedata.is_normalized("NFC", layout)
    _in_order(layout, [
        "UBND TỈNH THANH HÓA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
        "Độc lập - Tự do - Hạnh phúc", "Số:", "/BC-STNMT", "Thanh Hóa, ngày 05 tháng 02 năm 2024", "BÁO CÁO",
        "Kết quả quán triệt, tuyên truyền Quy tắc ứng xử trên mạng xã hội", "1. Tình hình triển khai",
        "Đợt 1 năm 2024", "Quy tắc ứng xử trên mạng xã hội", "ngày 08 tháng 01 năm 2024", "ngày 12 tháng 3",
        "2. Kết quả thực hiện", "1.234 người", "1.067 người", "86,47%", "167 người", "chưa bắt đầu 100 người",
        "quá hạn 10 người", "3 người", "nghỉ thai sản 2 người", "đi học dài hạn 1 người", "1.070 người",
        "3. Kết quả theo đơn vị", "STT", "Đơn vị", "Tỷ lệ", "Văn phòng Sở", "88,24%", "Văn phòng Đăng ký đất đai",
        "1.000", "850", "85%", "150", "2.1", "Chi nhánh Thọ Xuân", "87,5%", "2.2", "Chi nhánh Sầm Sơn", "83,33%",
        "Trung tâm Dữ liệu thông tin", "93,5%", "Tổng cộng", "1.234", "1.067", "86,47%", "167",
        "4. Danh sách người chưa hoàn thành", "Có 167 người chưa hoàn thành", "Họ và tên", "Tình trạng", "1",
        "Trần Văn An", "Văn phòng Sở", "Chưa bắt đầu", "2", "Lê Thị Bích", "Chi nhánh Thọ Xuân",
        "Chưa đạt bài kiểm tra", "Nguyễn Thị Hồng 001", "167", "Nguyễn Thị Hồng 165", "Trên đây là báo cáo",
        "Nơi nhận:", "KT. GIÁM ĐỐC", "- UBND tỉnh (để b/c);", "PHÓ GIÁM ĐỐC", "- Sở Thông tin và Truyền thông",
        "- Lưu: VT, DLTT.", "Nguyễn Khánh Toàn"])


def test_the_number_is_left_blank_for_the_clerk(tmp_path):
    layout = _text(_pdf(sample(), tmp_path), "-layout")
    assert re.search(r"Số:\s{4,}/BC-STNMT", layout), layout[:600]


def test_dates_follow_decree_30(tmp_path):
    text = _text(_pdf(sample(issued_on=date(2024, 3, 5), starts_on=date(2024, 2, 1),
                             deadline=date(2024, 10, 15)), tmp_path))
    assert "Thanh Hóa, ngày 05 tháng 3 năm 2024" in text
    assert "ngày 01 tháng 02 năm 2024" in text
    assert "ngày 15 tháng 10 năm 2024" in " ".join(text.split())


def test_decomposed_input_comes_out_composed(tmp_path):
    nfd = unicodedata.normalize
    data = with_pending((PendingPerson(nfd("NFD", "Nguyễn Thị Hồng"), nfd("NFD", "Phòng Quản lý đất đai"),
                                       nfd("NFD", "Quá hạn")),),
                        signatory=Signatory(nfd("NFD", "KT. GIÁM ĐỐC"), nfd("NFD", "PHÓ GIÁM ĐỐC"),
                                            nfd("NFD", "Trần Thị Tắc")),
                        reporter=nfd("NFD", "Sở Tài nguyên và Môi trường"))
    assert data.pending[0].full_name == "Nguyễn Thị Hồng" and len(data.pending[0].full_name) == 15
    text = _text(_pdf(data, tmp_path))
    assert unicodedata.is_normalized("NFC", text)
    for expected in ("Trần Thị Tắc", "Nguyễn Thị Hồng", "Phòng Quản lý đất đai", "Quá hạn",
                     "của Sở Tài nguyên và Môi trường./."):
        assert expected in text, expected


def test_a_long_list_paginates_with_the_heading_row_on_every_page(tmp_path):
    path = _pdf(with_pending(people(400)), tmp_path)
    pages = _pages(path)
    assert len(pages) >= 10
    listed = [n for n, page in enumerate(pages) if "Nguyễn Thị Hồng" in page]
    assert len(listed) >= 8
    for n in listed:
        assert re.search(r"STT\s+Họ và tên\s+Đơn vị\s+Tình trạng", pages[n]), f"page {n + 1} has no heading row"
    names = re.findall(r"Nguyễn Thị Hồng (\d{3})", "".join(pages))
    assert names == [f"{n:03d}" for n in range(1, 401)]  # each once, in order, none lost at a break
    numbers = [int(m) for m in re.findall(r"^\s*(\d+)\s+Nguyễn Thị Hồng", "".join(pages), re.MULTILINE)]
    assert numbers == list(range(1, 401))
    assert "Nơi nhận:" in pages[-1] and "Nguyễn Khánh Toàn" in pages[-1]  # the signature stays with its list


def test_page_numbers_are_centred_at_the_top_from_page_two(tmp_path):
    path = _pdf(with_pending(people(60)), tmp_path)
    words = _words(path)
    pages = max(word[0] for word in words)
    assert pages >= 3
    top = [w for w in words if w[2] < 20 * MM]  # inside the 20 mm top margin
    assert [(w[0], w[5]) for w in top] == [(n, str(n)) for n in range(2, pages + 1)]
    centre = (30 + 195) / 2 * MM
    assert all(abs((w[1] + w[3]) / 2 - centre) < 2 for w in top)


def test_everything_stays_inside_the_decree_30_margins(tmp_path):
    units = (UnitRow(LONG_UNIT, 1000, 999), UnitRow(LONG_UNIT.upper(), 234, 233))
    pending = (PendingPerson("Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyên Ngọc Bích Hạnh Dung", LONG_UNIT,
                             "Chưa đạt bài kiểm tra"), PendingPerson("Lê Văn Bình", "X" * 120, "Quá hạn"))
    path = _pdf(sample(units=units, pending=pending, certified=1232, issuing_body="VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI " * 3,
                       round_name="Đợt bổ sung dành cho viên chức mới tuyển dụng năm 2024 " * 2), tmp_path)
    words = _words(path)
    assert len(words) > 300
    page_w, page_h = 210 * MM, 297 * MM
    for page, x_min, y_min, x_max, y_max, word in words:
        assert x_min >= 30 * MM - 1 and x_max <= page_w - 15 * MM + 1, (page, word, x_min, x_max)
        assert y_min >= 8 * MM and y_max <= page_h - 20 * MM + 1, (page, word, y_min, y_max)
    flat = " ".join(_text(path, "-raw").split())
    assert " ".join(LONG_UNIT.split()[:6]) in flat and "Quảng Xương" in flat  # wrapped, not cut


def test_a_unit_report_signed_in_person(tmp_path):
    data = sample(managing_body="SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", issuing_body="VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI",
                  reporter="Văn phòng Đăng ký đất đai", document_symbol="BC-VPĐKĐĐ", must_complete=1000,
                  certified=1000, units=(UnitRow("Văn phòng Đăng ký đất đai", 1000, 1000),), pending=(),
                  signatory=Signatory("", "GIÁM ĐỐC", "Lê Văn Bình"), commitments_signed=None, exemptions=(),
                  recipients=("Sở Tài nguyên và Môi trường (để b/c);",), archive="VT",
                  extra_sections=(("Kiến nghị", "Đề nghị Sở tổ chức thêm một đợt cho viên chức mới."),))
    text = _text(_pdf(data, tmp_path), "-layout")
    _in_order(text, ["SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", "/BC-VPĐKĐĐ",
                     "Không có trường hợp được miễn.", "4. Danh sách người chưa hoàn thành",
                     "Tất cả những người phải hoàn thành đều đã hoàn thành.", "5. Kiến nghị", "Đề nghị Sở",
                     "của Văn phòng Đăng ký đất đai./.", "Nơi nhận:", "GIÁM ĐỐC", "- Lưu: VT.", "Lê Văn Bình"])
    assert "KT." not in text and "cam kết" not in text and "Họ và tên" not in text


def test_fonts_are_embedded_and_the_file_is_valid(tmp_path):
    path = _pdf(with_pending(people(50)), tmp_path)
    listing = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, check=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), listing
    subprocess.run([_tool("qpdf"), "--check", str(path)], check=True, capture_output=True)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.28 x 841.89 pts (A4)" in info  # portrait
    assert "Báo cáo kết quả quán triệt" in info


def test_same_input_same_bytes():
    family = fonts.prepared()
    first = render_report(with_pending(people(30)), family)
    assert first == render_report(with_pending(people(30)), family)
    assert first != render_report(with_pending(people(31)), family)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(certified=2000), "certified out of"),
    (dict(deadline=date(2024, 1, 1)), "before the start"),
    (dict(units=(UnitRow("Văn phòng Sở", 1000, 850),)), "top-level unit rows add up to 1000"),
    (dict(units=(UnitRow("Văn phòng Sở", 5, 5, depth=1),), must_complete=5, certified=5, pending=()), "depth 0"),
    (dict(pending=NAMED), "has 2 people; 1234 must complete and 1067 are certified, so it should have 167"),
    (dict(status_counts=(("đang học", -1),)), "whole number"),
    (dict(reporter="  "), "reporter must not be empty"),
    (dict(pending=("Trần Văn An",)), "PendingPerson"),
])
def test_bad_data_gets_a_clear_message(changes, message):
    with pytest.raises(ValueError, match=message):
        sample(**changes)


def test_unit_rows_refuse_more_certified_than_members():
    with pytest.raises(ValueError, match="3 certified out of 2"):
        UnitRow("Văn phòng Sở", 2, 3)
    assert replace(UnitRow("Văn phòng Sở", 3, 1), certified=2).not_finished == 1


def test_vietnamese_numbers_and_rates():
    assert vi_number(0) == "0" and vi_number(1234) == "1.234" and vi_number(1234567) == "1.234.567"
    assert share_bp(1067, 1234) == 8647 and share_bp(1, 8) == 1250 and share_bp(0, 0) is None
    assert share_bp(19999, 20000) == 9999  # 99,995% is not shown as 100%
    assert share_bp(1, 30000) == 1  # nor is one person done shown as 0%
    assert share_bp(0, 5) == 0 and share_bp(5, 5) == 10000
