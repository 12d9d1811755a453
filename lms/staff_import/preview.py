"""From an uploaded file to the full preview of an import: read, find the headings, check the rows, plan."""
from __future__ import annotations

from lms.models import User
from lms.sheets import Sheet, SheetError, SheetRow, read_sheet
from lms.staff_import.columns import Header, find_header
from lms.staff_import.directory import load_directory
from lms.staff_import.plan import ImportPlan, plan_deactivations, plan_row
from lms.staff_import.problems import Problem
from lms.staff_import.validate import check_against_directory, check_duplicates, read_row


def importer_rights(importer: User | None) -> tuple[int | None, bool]:
    """Who imports and whether they may set roles; the command line (no importer) acts as an administrator."""
    if importer is None:
        return None, True
    return importer.id, importer.has_role("admin")


def _staff_rows(sheet: Sheet, header: Header) -> list[SheetRow]:
    """Rows under the headings with something in a column read (not a numbering column alone, not a blank line)."""
    return [row for row in sheet.rows
            if row.number > header.row and any(not row.cell(i).is_empty for i in header.columns.values())]


def check_file(data: bytes, filename: str) -> list[Problem]:
    """The file-level errors alone (unreadable, columns missing, no rows): the quick check before keeping a file."""
    try:
        sheet = read_sheet(data, filename)
    except SheetError as error:
        return [Problem("unreadable", params={"reason": error.message})]
    header, problems = find_header(sheet.rows)
    errors = [p for p in problems if p.is_error]
    if header is not None and not _staff_rows(sheet, header):
        errors.append(Problem("no_rows"))
    return errors


def build_plan(data: bytes, filename: str, *, sync: bool, importer: User | None) -> ImportPlan:
    """Everything the preview shows; nothing is written."""
    try:
        sheet = read_sheet(data, filename)
    except SheetError as error:
        return ImportPlan(sync=sync, file_problems=[Problem("unreadable", params={"reason": error.message})])
    return plan_sheet(sheet, sync=sync, importer=importer)


def plan_sheet(sheet: Sheet, *, sync: bool, importer: User | None) -> ImportPlan:
    """The preview of a file already read: headings, every row checked, the changes against the database now."""
    plan = ImportPlan(sync=sync)
    plan.notes.extend(sheet.notes)
    header, header_problems = find_header(sheet.rows)
    plan.file_problems.extend(p for p in header_problems if p.is_error)
    plan.notes.extend(p for p in header_problems if not p.is_error)
    if header is None:
        return plan
    plan.columns = tuple(header.columns)
    body = _staff_rows(sheet, header)
    if not body:
        plan.file_problems.append(Problem("no_rows"))
        return plan
    directory = load_directory()
    values = [read_row(row, header, directory) for row in body]
    importer_id, importer_is_admin = importer_rights(importer)
    check_duplicates(values)
    check_against_directory(values, directory, importer_id, importer_is_admin)
    plan.rows = [plan_row(row, directory, importer_is_admin) for row in values]
    if sync:
        plan.deactivations, notes = plan_deactivations(values, directory, importer_id, importer_is_admin)
        plan.notes.extend(notes)
    return plan
