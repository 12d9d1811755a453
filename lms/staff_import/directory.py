"""The people and units an import is checked against, read in three queries and indexed the ways rows look them up."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lms.extensions import db
from lms.models import Unit, User, UserRole
from lms.text import fold, nfc

# Roles an import may set; unit_head follows the units admin.
IMPORT_ROLES = ("hr", "admin")


def code_key(code: str) -> str:
    """Employee codes are the same when they differ only in case or Unicode form."""
    return nfc(code).casefold()


def email_key(email: str) -> str:
    return nfc(email).casefold()


@dataclass(frozen=True)
class Person:
    id: int
    employee_code: str
    full_name: str
    email: str | None
    unit_id: int | None
    job_title: str | None
    active: bool
    roles: frozenset[str]


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    short_name: str | None
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass
class Directory:
    """Everyone and every unit, indexed by what a spreadsheet row names them by."""

    people_by_code: dict[str, Person] = field(default_factory=dict)
    people_by_email: dict[str, Person] = field(default_factory=dict)
    units_by_id: dict[int, UnitInfo] = field(default_factory=dict)
    units_by_code: dict[str, UnitInfo] = field(default_factory=dict)
    units_by_name: dict[str, list[UnitInfo]] = field(default_factory=dict)
    # "123" → ["00123"]: existing all-digit codes with leading zeros, by their value without them.
    zero_padded: dict[str, list[str]] = field(default_factory=dict)

    def find_units(self, text: str) -> list[UnitInfo]:
        """Units whose code (case-insensitive) or name or short name (accent- and case-insensitive) is `text`."""
        by_code = self.units_by_code.get(code_key(text))
        if by_code is not None:
            return [by_code]
        return self.units_by_name.get(fold(text), [])


def load_directory() -> Directory:
    directory = Directory()
    roles: dict[int, set[str]] = {}
    for user_id, role in db.session.execute(
            select(UserRole.user_id, UserRole.role).where(UserRole.role.in_(IMPORT_ROLES))):
        roles.setdefault(user_id, set()).add(role)
    for row in db.session.execute(select(User.id, User.employee_code, User.full_name, User.email, User.unit_id,
                                         User.job_title, User.active)):
        person = Person(*row, roles=frozenset(roles.get(row.id, ())))
        directory.people_by_code[code_key(person.employee_code)] = person
        if person.email:
            directory.people_by_email[email_key(person.email)] = person
        code = person.employee_code
        if code.isdigit() and code.startswith("0"):
            directory.zero_padded.setdefault(code.lstrip("0") or "0", []).append(code)
    for row in db.session.execute(select(Unit.id, Unit.code, Unit.name, Unit.short_name, Unit.active)):
        unit = UnitInfo(*row)
        directory.units_by_id[unit.id] = unit
        directory.units_by_code[code_key(unit.code)] = unit
        for name in {fold(unit.name), fold(unit.short_name or "")} - {""}:
            directory.units_by_name.setdefault(name, []).append(unit)
    return directory
