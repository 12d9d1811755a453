"""Writing small tables (such as an import template) as .xlsx and as CSV that Excel opens correctly."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def write_xlsx(headings: Sequence[str], rows: Sequence[Sequence[str]] = (), *, sheet_title: str = "Sheet1",
               widths: Sequence[int] = ()) -> bytes:
    """A workbook whose columns are formatted as Text, so codes typed later keep their leading zeros."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    for index, heading in enumerate(headings, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = widths[index - 1] if index <= len(widths) else 20
        cell = sheet.cell(row=1, column=index, value=heading)
        cell.font = Font(bold=True)
        cell.number_format = "@"
    for row_number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=index, value=value)
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headings: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Vietnamese letters), comma-separated."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
