"""The certificate PDF: every Vietnamese letter in every configured font, text as given, QR to the right URL."""
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from lms.pdf import fonts
from lms.pdf.certificate import CertificateText, render_certificate

TOOLS_REQUIRED = __import__("os").environ.get("REQUIRE_BROWSER") == "1"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if TOOLS_REQUIRED:
            pytest.fail(f"{name} is not installed")
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils zbar-tools qpdf)")
    return path


def sample(**changes) -> CertificateText:
    values = dict(
        managing_body="UBND TỈNH THANH HÓA", issuer="SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", title="GIẤY CHỨNG NHẬN",
        full_name="Nguyễn Thị Hồng Nhung", unit_name="Chi nhánh Văn phòng Đăng ký đất đai thành phố Sầm Sơn",
        job_title="Chuyên viên chính", course_title="Quy tắc ứng xử trên mạng xã hội",
        directive_subject="V/v tiếp tục thực hiện Quy tắc ứng xử trên mạng xã hội.",
        score_line="Kết quả bài kiểm tra: 91,67% — Đạt", place="Thanh Hóa", issued_on=date(2024, 2, 5),
        expires_on=date(2026, 2, 5), signatory_capacity="KT. GIÁM ĐỐC", signatory_title="PHÓ GIÁM ĐỐC",
        signatory_name="Nguyễn Khánh Toàn", serial="2024/QTMXH-00012",
        verify_url="http://qt.test/verify/3q2uTBzXG9YfZk1wQ8bN0aLrVs7cHd5E")
    values.update(changes)
    return CertificateText(**values)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def test_there_are_134_vietnamese_letters():
    letters = fonts.vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134
    assert all(unicodedata.is_normalized("NFC", ch) for ch in letters)


def test_every_configured_font_has_every_vietnamese_letter():
    families = fonts.candidates()
    assert families, "no font family installed"
    for family in families:
        for style, path in family.files().items():
            assert fonts.missing_letters(path) == "", (family.name, style)
    prepared = fonts.prepared()
    for path in prepared.files().values():
        assert fonts.missing_letters(path) == ""


def test_text_comes_out_as_it_went_in(tmp_path):
    text = sample()
    extracted = _text(render_certificate(text, fonts.prepared()), tmp_path)
    for expected in ("UBND TỈNH THANH HÓA", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "GIẤY CHỨNG NHẬN", "Nguyễn Thị Hồng Nhung",
                     "Đơn vị: Chi nhánh Văn phòng Đăng ký đất đai thành phố Sầm Sơn", "Chức vụ: Chuyên viên chính",
                     "Quy tắc ứng xử trên mạng xã hội", "Thanh Hóa, ngày 05 tháng 02 năm 2024", "KT. GIÁM ĐỐC",
                     "PHÓ GIÁM ĐỐC", "Nguyễn Khánh Toàn", "Số: 2024/QTMXH-00012",
                     "Có giá trị đến ngày 05 tháng 02 năm 2026", "Kết quả bài kiểm tra: 91,67% — Đạt"):
        assert expected in extracted, expected


def test_decomposed_input_is_printed_composed(tmp_path):
    nfd = unicodedata.normalize("NFD", "Trần Thị Tắc")
    extracted = _text(render_certificate(sample(full_name=nfd), fonts.prepared()), tmp_path)
    assert "Trần Thị Tắc" in extracted


def test_fonts_are_embedded(tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(render_certificate(sample(), fonts.prepared()))
    listing = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, check=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), listing


def test_the_qr_code_opens_the_verification_page(tmp_path):
    pdftoppm, zbarimg = _tool("pdftoppm"), _tool("zbarimg")
    path = tmp_path / "c.pdf"
    path.write_bytes(render_certificate(sample(), fonts.prepared()))
    subprocess.run([pdftoppm, "-png", "-r", "200", str(path), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run([zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True).stdout.strip()
    assert decoded == "http://qt.test/verify/3q2uTBzXG9YfZk1wQ8bN0aLrVs7cHd5E"


def test_the_file_is_a_valid_pdf_and_one_page(tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(render_certificate(sample(full_name="Tôn Nữ Thị " * 6 + "Phương"), fonts.prepared()))
    subprocess.run([_tool("qpdf"), "--check", str(path)], check=True, capture_output=True)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    assert "841.89 x 595.28 pts (A4)" in info  # A4, landscape


def test_a_long_name_shrinks_or_wraps_but_is_printed_whole(tmp_path):
    long_name = "Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyên Ngọc Bích Hạnh Dung"
    extracted = _text(render_certificate(sample(full_name=long_name), fonts.prepared()), tmp_path)
    assert " ".join(long_name.split()) in " ".join(extracted.split())


def test_same_input_same_bytes():
    family = fonts.prepared()
    assert render_certificate(sample(), family) == render_certificate(sample(), family)
