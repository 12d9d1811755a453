"""Checking every row: each cell on its own, then duplicates across the file, then against the database."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms.sheets import SheetRow
from lms.staff_import.cells import read_field
from lms.staff_import.columns import REQUIRED, Header
from lms.staff_import.directory import IMPORT_ROLES, Directory, Person, UnitInfo, code_key, email_key
from lms.staff_import.problems import CODE, EMAIL, FIELDS, NAME, ROLE, TITLE, UNIT, Problem
from lms.text import fold

EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                           r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
ROLE_ALIASES = {
    "staff": ("staff", "nhan vien", "can bo", "cong chuc", "vien chuc", "nguoi lao dong", "user"),
    "hr": ("hr", "nhan su", "to chuc can bo", "human resources"),
    "admin": ("admin", "administrator", "quan tri", "quan tri vien", "quan tri he thong"),
    "unit_head": ("unit head", "truong don vi", "lanh dao don vi", "head"),
}
_ROLE_BY_KEY = {alias: role for role, aliases in ROLE_ALIASES.items() for alias in aliases}
_ROLE_SEPARATORS = re.compile(r"[,;/+\n]")
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


@dataclass
class RowValues:
    """One staff row: what each cell said, the values read from it, and its problems."""

    number: int
    cells: dict[str, str]  # each field's cell as displayed, for the preview
    code: str = ""
    name: str = ""
    email: str = ""  # '' = not given: an existing email is kept
    title: str = ""  # '' = not given: an existing title is kept
    roles: frozenset[str] | None = None  # None = not given: roles are kept
    unit: UnitInfo | None = None
    code_from_number: bool = False
    code_readable: bool = True
    problems: list[Problem] = field(default_factory=list)
    existing: Person | None = None

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    def add(self, problem: str, column: str, **params) -> None:
        self.problems.append(Problem(problem, self.number, column, params))


def parse_roles(text: str) -> tuple[frozenset[str], list[str]]:
    """Roles named in a cell ('HR, quản trị'), and the words not understood."""
    roles, unknown = set(), []
    for part in _ROLE_SEPARATORS.split(text):
        key = _NOT_LETTERS.sub(" ", fold(part)).strip()
        if not key:
            continue
        role = _ROLE_BY_KEY.get(key)
        if role is None:
            unknown.append(part.strip())
        else:
            roles.add(role)
    return frozenset(roles), unknown


def read_row(sheet_row: SheetRow, header: Header, directory: Directory) -> RowValues:
    """Read and check a row on its own (no look at other rows)."""
    row = RowValues(sheet_row.number, {name: sheet_row.cell(index).display() for name, index in header.columns.items()})
    texts: dict[str, str | None] = {}
    for name in FIELDS:
        if name in header.columns:
            value = read_field(sheet_row.cell(header.columns[name]), name, row.number, row.problems)
            texts[name] = value.text if value else None
            if name == CODE and value:
                row.code_from_number = value.from_number
        else:
            texts[name] = ""
    for name in REQUIRED:
        if texts[name] == "":
            row.add("required", name)
    row.code_readable = bool(texts[CODE])
    row.code, row.name, row.title = texts[CODE] or "", texts[NAME] or "", texts[TITLE] or ""
    email = texts[EMAIL] or ""
    if email:
        if EMAIL_PATTERN.match(email):
            row.email = email.lower()
        else:
            row.add("bad_email", EMAIL, value=email)
    if texts[ROLE]:
        roles, unknown = parse_roles(texts[ROLE])
        if unknown:
            row.add("unknown_role", ROLE, value=", ".join(unknown))
        elif "unit_head" in roles:
            row.add("unit_head_role", ROLE)
        else:
            row.roles = roles & frozenset(IMPORT_ROLES)
    if texts[UNIT]:
        row.unit = _resolve_unit(row, texts[UNIT], directory)
    return row


def _resolve_unit(row: RowValues, text: str, directory: Directory) -> UnitInfo | None:
    matches = directory.find_units(text)
    active = [unit for unit in matches if unit.active]
    if len(active) == 1:
        return active[0]
    if len(active) > 1:
        row.add("ambiguous_unit", UNIT, value=text, codes=", ".join(sorted(u.code for u in active)))
    elif matches:
        row.add("retired_unit", UNIT, value=matches[0].label)
    else:
        row.add("unknown_unit", UNIT, value=text)
    return None


def check_duplicates(rows: list[RowValues]) -> None:
    """Flag every row sharing an employee code or an email with another (ignoring case and Unicode form)."""
    for column, key_of in ((CODE, lambda r: code_key(r.code) if r.code else ""),
                           (EMAIL, lambda r: email_key(r.email) if r.email else "")):
        groups: dict[str, list[RowValues]] = {}
        for row in rows:
            key = key_of(row)
            if key:
                groups.setdefault(key, []).append(row)
        for group in groups.values():
            if len(group) < 2:
                continue
            for row in group:
                others = ", ".join(str(other.number) for other in group if other is not row)
                value = row.code if column == CODE else row.email
                row.add("duplicate_code" if column == CODE else "duplicate_email", column, value=value, rows=others)


def _digit_width(rows: list[RowValues]) -> tuple[int, str] | None:
    """When the file's text codes are zero-padded digits of one width ('00123'), that width and an example."""
    padded = [r.code for r in rows if r.code.isdigit() and r.code.startswith("0") and not r.code_from_number]
    widths = {len(code) for code in padded}
    return (widths.pop(), padded[0]) if len(widths) == 1 else None


def check_against_directory(rows: list[RowValues], directory: Directory, importer_id: int | None,
                            importer_is_admin: bool) -> None:
    """Problems only the database can reveal: lost zeros, emails of other people, roles the importer may not set."""
    width = _digit_width(rows)
    for row in rows:
        if not row.code:
            continue
        row.existing = directory.people_by_code.get(code_key(row.code))
        if row.existing is None and row.code.isdigit():
            likely = directory.zero_padded.get(row.code.lstrip("0") or "0", [])
            if likely and not row.code.startswith("0"):
                row.add("zeros_lost", CODE, value=row.code, likely=likely[0])
            elif width and len(row.code) < width[0]:
                row.add("short_code", CODE, value=row.code, example=width[1])
            elif row.code_from_number:
                row.add("number_code", CODE, value=row.code)
        if row.email:
            owner = directory.people_by_email.get(email_key(row.email))
            if owner is not None and (row.existing is None or owner.id != row.existing.id):
                row.add("email_taken", EMAIL, name=owner.full_name, code=owner.employee_code)
        if row.roles is not None:
            _check_roles(row, importer_id, importer_is_admin)


def _check_roles(row: RowValues, importer_id: int | None, importer_is_admin: bool) -> None:
    current = row.existing.roles if row.existing else frozenset()
    changed = current ^ row.roles
    if not changed:
        return
    if not importer_is_admin:
        row.add("role_not_allowed", ROLE, roles=", ".join(sorted(changed)))
    elif row.existing is not None and row.existing.id == importer_id and "admin" in current - row.roles:
        row.add("own_admin", ROLE)
