"""The certificate as an A4 landscape PDF in the look of a Decree 30 document, with a vector QR code."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lms.pdf.fonts import FontFamily
from lms.text import vi_date

PAGE_W, PAGE_H = 297.0, 210.0
DARK_RED = (138, 28, 28)
INK = (20, 20, 20)
FONT = "CertSerif"


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on a certificate; the caller supplies the snapshot, nothing is looked up."""

    managing_body: str
    issuer: str
    title: str
    full_name: str
    unit_name: str
    job_title: str
    course_title: str
    directive_subject: str
    score_line: str
    place: str
    issued_on: date
    expires_on: date | None
    signatory_capacity: str
    signatory_title: str
    signatory_name: str
    serial: str
    verify_url: str

    def normalised(self) -> CertificateText:
        """NFC everywhere: decomposed marks would stack badly in some fonts ("tắc" read as "tấc")."""
        changes = {f.name: unicodedata.normalize("NFC", getattr(self, f.name))
                   for f in fields(self) if isinstance(getattr(self, f.name), str)}
        return replace(self, **changes)


def _centered(pdf: FPDF, x: float, width: float, text: str, style: str, size: float, height: float) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_x(x)
    pdf.cell(width, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fitted(pdf: FPDF, x: float, width: float, text: str, style: str, size: float, minimum: float,
            height: float) -> None:
    """One line, shrunk until it fits; below the minimum size it wraps instead (never overflows)."""
    while size > minimum:
        pdf.set_font(FONT, style, size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    pdf.set_font(FONT, style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, height * size / 14, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _rule_under(pdf: FPDF, x: float, width: float, length: float) -> None:
    y = pdf.get_y() + 0.6
    pdf.set_line_width(0.3)
    pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (crisp at any zoom, no image), runs of dark modules merged."""
    code = segno.make(url, error="m", micro=False)
    rows = list(code.matrix_iter(border=2))
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
            else:
                c += 1


def render_certificate(text: CertificateText, family: FontFamily) -> bytes:
    """Render the certificate; the same input always gives the same page."""
    text = text.normalised()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 12, 15)
    for style, path in family.files().items():
        if style in ("", "B", "I"):  # the styles the page uses; each one registered costs a subset at output
            pdf.add_font(FONT, style, str(path))
    for font in pdf.fonts.values():
        # Keep each glyph's stored bounds instead of recomputing them when fpdf2 writes the subset:
        # the same outlines, a third less time per certificate.
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.recalcBBoxes = False
    pdf.set_title(f"{text.title} {text.serial}")
    pdf.set_author(text.issuer)
    pdf.set_subject(text.course_title)
    pdf.set_creator("Quán triệt")
    pdf.set_lang("vi")
    # The issue date, not the render time, so the same certificate always gives the same bytes.
    pdf.set_creation_date(datetime.combine(text.issued_on, time(0, 0), tzinfo=UTC))
    pdf.add_page()
    pdf.set_text_color(*INK)

    pdf.set_draw_color(*DARK_RED)
    pdf.set_line_width(1.4)
    pdf.rect(7, 7, PAGE_W - 14, PAGE_H - 14)
    pdf.set_line_width(0.4)
    pdf.rect(10, 10, PAGE_W - 20, PAGE_H - 20)
    pdf.set_draw_color(*INK)

    left_x, left_w, right_x, right_w = 16.0, 120.0, 146.0, 135.0
    pdf.set_y(16)
    _centered(pdf, left_x, left_w, text.managing_body, "", 12, 6)
    _centered(pdf, left_x, left_w, text.issuer, "B", 12, 6)
    _rule_under(pdf, left_x, left_w, 36)
    pdf.set_y(16)
    _centered(pdf, right_x, right_w, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12, 6)
    _centered(pdf, right_x, right_w, "Độc lập - Tự do - Hạnh phúc", "B", 13, 6.5)
    pdf.set_font(FONT, "B", 13)
    _rule_under(pdf, right_x, right_w, pdf.get_string_width("Độc lập - Tự do - Hạnh phúc"))

    body_x, body_w = 33.0, PAGE_W - 66
    pdf.set_y(42)
    pdf.set_text_color(*DARK_RED)
    _centered(pdf, body_x, body_w, text.title, "B", 30, 14)
    pdf.set_text_color(*INK)
    _centered(pdf, body_x, body_w, "Chứng nhận", "I", 14, 9)
    pdf.set_text_color(*DARK_RED)
    _fitted(pdf, body_x, body_w, text.full_name, "B", 26, 16, 12)
    pdf.set_text_color(*INK)
    _fitted(pdf, body_x, body_w, f"Đơn vị: {text.unit_name}", "", 14, 11, 7)
    if text.job_title:
        _fitted(pdf, body_x, body_w, f"Chức vụ: {text.job_title}", "", 14, 11, 7)
    pdf.ln(1.5)
    _centered(pdf, body_x, body_w, "Đã hoàn thành khóa học quán triệt", "", 14, 7)
    _fitted(pdf, body_x, body_w, text.course_title, "B", 17, 12, 8)
    _fitted(pdf, body_x, body_w, text.directive_subject, "I", 12, 10, 6)
    _centered(pdf, body_x, body_w, text.score_line, "", 13, 7)

    qr_size, qr_x, qr_y = 30.0, 18.0, 160.0
    _qr(pdf, text.verify_url, qr_x, qr_y, qr_size)
    info_x, info_w = qr_x + qr_size + 3, 95.0
    pdf.set_y(qr_y + 2)
    for line, style, size in ((f"Số: {text.serial}", "B", 11),
                              (f"Có giá trị đến {vi_date(text.expires_on)}" if text.expires_on
                               else "Không thời hạn", "", 10),
                              ("Kiểm tra tính xác thực: quét mã QR hoặc mở", "", 9)):
        pdf.set_font(FONT, style, size)
        pdf.set_x(info_x)
        pdf.cell(info_w, 5.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_x(info_x)
    pdf.multi_cell(info_w, 3.6, text.verify_url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    sign_x, sign_w = 170.0, 110.0
    pdf.set_y(150)
    _centered(pdf, sign_x, sign_w, f"{text.place}, {vi_date(text.issued_on)}", "I", 13, 7)
    _centered(pdf, sign_x, sign_w, text.signatory_capacity, "B", 13, 6.5)
    _centered(pdf, sign_x, sign_w, text.signatory_title, "B", 13, 6.5)
    pdf.set_y(pdf.get_y() + 14)
    _fitted(pdf, sign_x, sign_w, text.signatory_name, "B", 14, 11, 7)
    return bytes(pdf.output())
