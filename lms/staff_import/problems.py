"""Every problem an import can find, with the message shown next to the cell and what to do about it.

An error keeps its row (or, at file level, the whole file) from being applied; a warning does not.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

ERROR = "error"
WARNING = "warning"

CODE, NAME, EMAIL, UNIT, TITLE, ROLE = "employee_code", "full_name", "email", "unit", "job_title", "role"
FIELDS = (CODE, NAME, EMAIL, UNIT, TITLE, ROLE)
LABELS = {CODE: _l("Employee code"), NAME: _l("Full name"), EMAIL: _l("Email"), UNIT: _l("Unit"),
          TITLE: _l("Job title"), ROLE: _l("Role")}

MESSAGES = {
    # The file as a whole ("unreadable" carries the reader's own message as `reason`)
    "missing_columns": _l("The file has no column for: %(columns)s. Put the column headings in one row, "
                          "for example: %(example)s."),
    "duplicate_columns": _l("Two columns are both read as %(column)s: “%(first)s” and “%(second)s”. "
                            "Remove or rename one of them."),
    "no_rows": _l("The file has column headings but no staff rows under them."),
    "ignored_columns": _l("These columns are not used and were ignored: %(columns)s."),
    "heading_row": _l("The column headings were found in row %(row)d; the rows above it were ignored."),
    "sync_unsafe": _l("Rows %(rows)s have no readable employee code, so in sync mode no one is deactivated. "
                      "Fix those rows and import again to deactivate the people who have left."),
    "admin_kept": _l("%(name)s (%(code)s) is not in the file but holds the admin role: only an administrator "
                     "can deactivate them through an import."),
    # One cell
    "required": _l("Required: this cell is empty."),
    "too_long": _l("Too long: at most %(limit)d characters."),
    "date_cell": _l("This cell is an Excel date (%(value)s), not text. Format the column as Text and type the "
                    "value again."),
    "formula_cell": _l("This cell holds a formula (%(value)s). Replace formulas with their values (Copy, then "
                       "Paste Special → Values) and upload again."),
    "number_cell": _l("This cell holds a number (%(value)s) where text was expected."),
    "bool_cell": _l("This cell holds TRUE or FALSE where text was expected."),
    "error_cell": _l("This cell holds an Excel error (%(value)s)."),
    "legacy_text": _l("This text looks typed in the old %(encoding)s encoding: it probably reads “%(decoded)s”. "
                      "Convert the file to Unicode (for example with Unikey's converter) and upload it again."),
    "bad_email": _l("“%(value)s” is not an email address."),
    "duplicate_code": _l("The employee code %(value)s is also in row %(rows)s (codes are compared ignoring case "
                         "and accent encoding). Each person may appear only once."),
    "duplicate_email": _l("The email %(value)s is also in row %(rows)s. Each email may belong to one person only."),
    "email_taken": _l("This email already belongs to %(name)s (%(code)s)."),
    "unknown_unit": _l("No unit has the code or name “%(value)s”. Use a unit code or name from the Units page."),
    "ambiguous_unit": _l("Several units are called “%(value)s” (codes %(codes)s). Use the unit code instead."),
    "retired_unit": _l("The unit %(value)s is no longer in use. Choose the unit the person works in now."),
    "zeros_lost": _l("The code %(value)s lost its leading zeros: it is probably %(likely)s, who already exists. "
                     "Format the column as Text, type the codes with their zeros, and upload again."),
    "number_code": _l("The code %(value)s is stored as a number. If your codes start with zeros, they were lost: "
                      "format the column as Text and type the codes again."),
    "short_code": _l("The code %(value)s has fewer digits than the others (such as %(example)s): a leading zero "
                     "may be missing."),
    "unknown_role": _l("Unknown role “%(value)s”. Use staff, hr or admin (or: nhân viên, nhân sự, quản trị)."),
    "unit_head_role": _l("Unit heads are chosen on the Units page, not through an import."),
    "role_not_allowed": _l("Only an administrator may give or take away the %(roles)s role through an import."),
    "own_admin": _l("You cannot take away your own admin role with an import."),
    "admin_record": _l("%(name)s holds the admin role: only an administrator may change, move or reactivate "
                       "their record through an import."),
}

SEVERITY = {code: WARNING for code in ("ignored_columns", "heading_row", "sync_unsafe", "admin_kept",
                                       "number_code", "short_code")}


@dataclass(frozen=True)
class Problem:
    """One problem: in a row and column, or (row None) about the whole file."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict, compare=False)

    @property
    def severity(self) -> str:
        return SEVERITY.get(self.code, ERROR)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code)
        if template is None:
            return str(self.params["reason"])
        # Parameters may be lazy (translated) strings or lists of them: rendered in the reader's language.
        params = {key: ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
                  for key, value in self.params.items()}
        return str(template) % params

    @property
    def column_label(self) -> str:
        return str(LABELS[self.column]) if self.column else ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(str(_l("Row %(row)d", row=self.row)))
        if self.column:
            where.append(self.column_label)
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
