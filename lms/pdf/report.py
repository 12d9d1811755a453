"""The round report ("Báo cáo kết quả quán triệt…") as an A4 portrait PDF in the Decree 30/2020 layout."""
from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

from lms.pdf.fonts import FontFamily
from lms.pdf.report_data import DEFAULT_SUBJECT, PendingPerson, ReportData, Signatory, UnitRow
from lms.text import vi_date, vi_number, vi_percent

__all__ = ["DEFAULT_SUBJECT", "PendingPerson", "ReportData", "Signatory", "UnitRow", "render_report"]

FONT = "ReportSerif"
# Decree 30, Phụ lục I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
BODY_W = 210.0 - MARGIN_LEFT - MARGIN_RIGHT
BODY_SIZE, TABLE_SIZE = 14.0, 12.0
LEFT_W = 74.0  # the issuing body's block; the national motto's block takes the rest
RIGHT_X = MARGIN_LEFT + LEFT_W
RIGHT_W = BODY_W - LEFT_W
INDENT = 10.0  # first-line indent of body paragraphs
HEADING_WITH_TABLE = 45.0  # a heading, its line and the table's first rows stay together
HEADING_WITH_TEXT = 22.0  # a heading and two lines of its text
NUMBER_BLANK = "\u00a0" * 12  # the clerk writes the number in: non-breaking so the gap survives


class _ReportPDF(FPDF):
    def header(self) -> None:
        # Decree 30: page numbers in Arabic figures, centred in the top margin, from the second page.
        if self.page_no() > 1:
            self.set_font(FONT, "", 13)
            self.set_xy(MARGIN_LEFT, 9)
            self.cell(BODY_W, 6, str(self.page_no()), align="C")
            self.set_xy(MARGIN_LEFT, MARGIN_TOP)


def _block(pdf: FPDF, x: float, width: float, text: str, style: str, size: float, minimum: float,
           height: float) -> None:
    """Centred text shrunk to fit one line, down to the minimum size; below that it wraps."""
    while size > minimum:
        pdf.set_font(FONT, style, size)
        if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
            break
        size -= 0.5
    pdf.set_font(FONT, style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _rule(pdf: FPDF, x: float, width: float, length: float, gap: float = 1.0) -> None:
    y = pdf.get_y() + gap
    pdf.set_line_width(0.3)
    pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def _header(pdf: FPDF, data: ReportData) -> None:
    top = MARGIN_TOP
    pdf.set_y(top)
    _block(pdf, MARGIN_LEFT, LEFT_W, data.managing_body, "", 13, 12, 6)
    _block(pdf, MARGIN_LEFT, LEFT_W, data.issuing_body, "B", 13, 12, 6)
    _rule(pdf, MARGIN_LEFT, LEFT_W, LEFT_W / 3)
    left_end = pdf.get_y()

    pdf.set_y(top)
    _block(pdf, RIGHT_X, RIGHT_W, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12, 11, 6)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _block(pdf, RIGHT_X, RIGHT_W, motto, "B", 13, 13, 6)
    pdf.set_font(FONT, "B", 13)
    _rule(pdf, RIGHT_X, RIGHT_W, pdf.get_string_width(motto))
    right_end = pdf.get_y()

    # The number line and the place-and-date line share one baseline under the taller block.
    line_y = max(left_end, right_end) + 3
    pdf.set_y(line_y)
    _block(pdf, MARGIN_LEFT, LEFT_W, f"Số:{NUMBER_BLANK}/{data.document_symbol}", "", 13, 11, 6.5)
    after_number = pdf.get_y()
    pdf.set_y(line_y)
    _block(pdf, RIGHT_X, RIGHT_W, f"{data.place}, {vi_date(data.issued_on)}", "I", 14, 11, 6.5)
    pdf.set_y(max(after_number, pdf.get_y()) + 8)

    _block(pdf, MARGIN_LEFT, BODY_W, "BÁO CÁO", "B", 14, 14, 7)
    _block(pdf, MARGIN_LEFT, BODY_W, data.subject, "B", 14, 13, 6.5)
    pdf.set_font(FONT, "B", 14)
    _rule(pdf, MARGIN_LEFT, BODY_W, min(pdf.get_string_width(data.subject), BODY_W) / 3, gap=1.2)
    pdf.set_y(pdf.get_y() + 7)


def _keep(pdf: FPDF, height: float) -> None:
    """Start a new page unless the next height fits on this one."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _paragraphs(pdf: FPDF, items: list[tuple[str, str]]) -> None:
    """Justified body paragraphs with a first-line indent; style "B" for numbered headings.

    A heading never ends a page: each one starts a group kept with the lines that follow it.
    """
    groups: list[list[tuple[str, str]]] = []
    for style, text in items:
        if style == "B" or not groups:
            groups.append([])
        groups[-1].append((style, text))
    for group in groups:
        if group[0][0] == "B":
            _keep(pdf, HEADING_WITH_TEXT)
        with pdf.text_columns(text_align=Align.J, line_height=1.25, l_margin=MARGIN_LEFT,
                              r_margin=MARGIN_RIGHT) as columns:
            for style, text in group:
                with columns.paragraph(first_line_indent=INDENT, bottom_margin=1.5) as paragraph:
                    pdf.set_font(FONT, style, BODY_SIZE)
                    paragraph.write(text)
    pdf.set_font(FONT, "", BODY_SIZE)


def _people(count: int) -> str:
    return f"{vi_number(count)} người"


def _rate(rate_bp: int | None) -> str:
    return vi_percent(rate_bp) if rate_bp is not None else "-"


def _listing(pairs: tuple[tuple[str, int], ...]) -> str:
    return "; ".join(f"{label} {_people(count)}" for label, count in pairs)


def _figures(data: ReportData) -> list[tuple[str, str]]:
    items = [("", data.opening or f"{data.reporter} báo cáo kết quả quán triệt, tuyên truyền Quy tắc ứng xử "
                                  f"trên mạng xã hội trong đợt “{data.round_name}” như sau:"),
             ("B", "1. Tình hình triển khai"),
             ("", f"Đợt “{data.round_name}”, khóa học “{data.course_title}”, được triển khai từ "
                  f"{vi_date(data.starts_on)}, thời hạn hoàn thành {vi_date(data.deadline)}."),
             ("B", "2. Kết quả thực hiện"),
             ("", f"Tổng số cán bộ, công chức, viên chức và người lao động phải hoàn thành: "
                  f"{_people(data.must_complete)}."),
             ("", f"Đã hoàn thành và được cấp giấy chứng nhận: {_people(data.certified)}, đạt tỷ lệ "
                  f"{_rate(data.rate_bp)}; chưa hoàn thành: {_people(data.not_finished)}.")]
    if data.status_counts:
        items.append(("", f"Theo tình trạng: {_listing(data.status_counts)}."))
    if data.exemptions:
        items.append(("", f"Được miễn (không tính vào số phải hoàn thành): {_people(data.exempt)}, gồm: "
                          f"{_listing(data.exemptions)}."))
    else:
        items.append(("", "Không có trường hợp được miễn."))
    if data.commitments_signed is not None:
        items.append(("", "Số người đã ký cam kết thực hiện Quy tắc ứng xử trên mạng xã hội: "
                          f"{_people(data.commitments_signed)}."))
    return items


def _table(pdf: FPDF, widths: tuple[float, ...], aligns: tuple[str, ...], heading: tuple[str, ...],
           rows: list[tuple[tuple[str, ...], bool, int]]) -> None:
    """A bordered table whose heading row is repeated on every page it runs onto.

    Each row is (cells, bold, indent level); the second cell is indented by level.
    """
    pdf.set_font(FONT, "", TABLE_SIZE)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(col_widths=widths, width=BODY_W, align="L", text_align=aligns, line_height=5.4,
                   padding=(0.9, 1.5), headings_style=bold, repeat_headings=1, v_align="M") as table:
        head = table.row()
        for text in heading:
            head.cell(text, align="C")
        for cells, strong, level in rows:
            row = table.row(style=bold if strong else None)
            for index, text in enumerate(cells):
                if index == 1 and level:
                    row.cell(text, padding=(0.9, 1.5, 0.9, 1.5 + 5 * level))
                else:
                    row.cell(text)


def _unit_rows(units: tuple[UnitRow, ...], data: ReportData) -> list[tuple[tuple[str, ...], bool, int]]:
    rows, numbers = [], []
    for unit in units:
        del numbers[unit.depth + 1:]
        numbers += [0] * (unit.depth + 1 - len(numbers))
        numbers[unit.depth] += 1
        rows.append(((".".join(map(str, numbers)), unit.unit_name, vi_number(unit.must_complete),
                      vi_number(unit.certified), _rate(unit.rate_bp), vi_number(unit.not_finished)),
                     False, unit.depth))
    rows.append((("", "Tổng cộng", vi_number(data.must_complete), vi_number(data.certified), _rate(data.rate_bp),
                  vi_number(data.not_finished)), True, 0))
    return rows


def _pending_rows(pending: tuple[PendingPerson, ...]) -> list[tuple[tuple[str, ...], bool, int]]:
    return [((str(n), p.full_name, p.unit_name, p.status), False, 0) for n, p in enumerate(pending, 1)]


def _closing(pdf: FPDF, data: ReportData, sign: Signatory) -> None:
    pdf.set_font(FONT, "", 11)
    lines = [f"- {line}" for line in data.recipients] + [f"- Lưu: {data.archive}."]
    recipients_h = 6 + sum(len(pdf.multi_cell(78, 5, line, dry_run=True, output="LINES")) * 5 for line in lines)
    _keep(pdf, max(recipients_h, 50) + 4)
    top = pdf.get_y() + 4
    pdf.set_xy(MARGIN_LEFT, top)
    pdf.set_font(FONT, "BI", 12)
    pdf.cell(78, 6, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    for line in lines:
        pdf.set_x(MARGIN_LEFT)
        pdf.multi_cell(78, 5, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_end = pdf.get_y()

    sign_x, sign_w = MARGIN_LEFT + 80, BODY_W - 80
    pdf.set_y(top)
    if sign.capacity:
        _block(pdf, sign_x, sign_w, sign.capacity, "B", 14, 12, 6.5)
    _block(pdf, sign_x, sign_w, sign.title, "B", 14, 12, 6.5)
    pdf.set_y(pdf.get_y() + 24)  # room for the signature and the seal
    _block(pdf, sign_x, sign_w, sign.name, "B", 14, 12, 6.5)
    pdf.set_y(max(left_end, pdf.get_y()))


def render_report(data: ReportData, family: FontFamily) -> bytes:
    """Render the report; the same data always gives the same bytes."""
    pdf = _ReportPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    for style, path in family.files().items():
        pdf.add_font(FONT, style, str(path))
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.recalcBBoxes = False  # stored glyph bounds are right; recomputing only costs time
    pdf.set_title(f"Báo cáo {data.subject[:1].lower()}{data.subject[1:]}")
    pdf.set_author(data.issuing_body)
    pdf.set_subject(data.round_name)
    pdf.set_creator("Quán triệt")
    pdf.set_lang("vi")
    # The report's date, not the render time, so the same data always gives the same bytes.
    pdf.set_creation_date(datetime.combine(data.issued_on, time(0, 0), tzinfo=UTC))
    pdf.add_page()

    _header(pdf, data)
    _paragraphs(pdf, _figures(data))
    if data.units:
        _keep(pdf, HEADING_WITH_TABLE)
        _paragraphs(pdf, [("B", "3. Kết quả theo đơn vị")])
        _table(pdf, (12, 63, 24, 24, 18, 24), ("C", "L", "C", "C", "C", "C"),
               ("STT", "Đơn vị", "Phải hoàn thành", "Đã hoàn thành", "Tỷ lệ", "Chưa hoàn thành"),
               _unit_rows(data.units, data))
        pdf.ln(3)
    number = 4 if data.units else 3
    heading = ("B", f"{number}. Danh sách người chưa hoàn thành")
    if not data.pending_listed:
        _paragraphs(pdf, [heading, ("", f"Có {_people(data.not_finished)} chưa hoàn thành; danh sách chi tiết "
                                        "(họ và tên, đơn vị, tình trạng) được gửi kèm theo báo cáo này "
                                        "dưới dạng bảng tính.")])
    elif data.pending:
        _keep(pdf, HEADING_WITH_TABLE)
        _paragraphs(pdf, [heading, ("", f"Có {_people(len(data.pending))} chưa hoàn thành, cụ thể như sau:")])
        _table(pdf, (13, 52, 58, 42), ("C", "L", "L", "L"), ("STT", "Họ và tên", "Đơn vị", "Tình trạng"),
               _pending_rows(data.pending))
        pdf.ln(3)
    else:
        _paragraphs(pdf, [heading, ("", "Tất cả những người phải hoàn thành đều đã hoàn thành.")])
    for offset, (heading, text) in enumerate(data.extra_sections, number + 1):
        _paragraphs(pdf, [("B", f"{offset}. {heading}"), ("", text)])
    _paragraphs(pdf, [("", f"Trên đây là báo cáo kết quả quán triệt, tuyên truyền Quy tắc ứng xử trên mạng xã hội "
                           f"của {data.reporter}./.")])
    _closing(pdf, data, data.signatory)
    return bytes(pdf.output())
