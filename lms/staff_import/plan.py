"""What an import would change: per row new, updated, moved, reactivated or unchanged; in sync mode, who leaves."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from lms.sheets import Note
from lms.staff_import.directory import Directory, UnitInfo, code_key
from lms.staff_import.problems import CODE, EMAIL, NAME, ROLE, TITLE, UNIT, Problem
from lms.staff_import.validate import RowValues

NEW, UPDATED, MOVED, REACTIVATED, UNCHANGED = "new", "updated", "moved", "reactivated", "unchanged"


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowPlan:
    """One row of the file: its cells, its problems and, when it has no error, what applying it does."""

    values: RowValues
    kinds: tuple[str, ...] = ()  # NEW, or any of UPDATED / MOVED / REACTIVATED, or UNCHANGED
    changes: list[Change] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.values.number

    @property
    def problems(self) -> list[Problem]:
        return self.values.problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def applies(self) -> bool:
        """Whether applying the import writes this row."""
        return not self.errors and bool(self.kinds) and self.kinds != (UNCHANGED,)

    @property
    def status(self) -> str:
        """The one word the preview shows for the row."""
        if self.errors:
            return "error"
        for kind in (NEW, REACTIVATED, MOVED, UPDATED):
            if kind in self.kinds:
                return kind
        return UNCHANGED

    def problems_in(self, column: str) -> list[Problem]:
        return [p for p in self.problems if p.column == column]


@dataclass(frozen=True)
class Deactivation:
    user_id: int
    employee_code: str
    full_name: str
    unit: str


@dataclass
class ImportPlan:
    """The whole preview: file-level problems and notes, every row, and (sync mode) who would be deactivated."""

    sync: bool
    file_problems: list[Problem] = field(default_factory=list)
    notes: list[Note | Problem] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    deactivations: list[Deactivation] = field(default_factory=list)
    columns: tuple[str, ...] = ()

    @property
    def can_apply(self) -> bool:
        return not any(p.is_error for p in self.file_problems)

    @property
    def applicable(self) -> list[RowPlan]:
        return [row for row in self.rows if row.applies] if self.can_apply else []

    @property
    def has_changes(self) -> bool:
        return bool(self.applicable or self.deactivations) and self.can_apply

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, UPDATED, MOVED, REACTIVATED, UNCHANGED, "deactivated", "errors", "warnings"), 0)
        for row in self.rows:
            if row.errors:
                counts["errors"] += 1
            else:
                for kind in row.kinds:
                    counts[kind] += 1
            if row.warnings:
                counts["warnings"] += 1
        counts["deactivated"] = len(self.deactivations)
        return counts

    def fingerprint(self) -> str:
        """Identifies exactly what applying would write; the preview's value must still hold at apply time."""
        payload = {
            "sync": self.sync,
            "rows": [[row.number, row.values.existing.id if row.values.existing else None, list(row.kinds),
                      [[c.column, c.old, c.new] for c in row.changes]] for row in self.applicable],
            "deactivate": [d.user_id for d in self.deactivations] if self.can_apply else [],
        }
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _roles_text(roles: frozenset[str]) -> str:
    return ", ".join(sorted(roles)) or "staff"


def _unit_text(directory: Directory, unit_id: int | None) -> str:
    unit = directory.units_by_id.get(unit_id) if unit_id else None
    return unit.label if unit else ""


def plan_row(values: RowValues, directory: Directory, importer_is_admin: bool = True) -> RowPlan:
    """Compare a row without errors with the person it names (by employee code).

    Someone who is not an administrator may list administrators unchanged, but not change them: a
    new email or a reactivation would hand over an administrator's account.
    """
    plan = RowPlan(values)
    if values.has_errors:
        return plan
    unit: UnitInfo = values.unit
    person = values.existing
    if person is None:
        plan.kinds = (NEW,)
        plan.changes = [Change(column, "", new) for column, new in (
            (CODE, values.code), (NAME, values.name), (EMAIL, values.email), (UNIT, unit.label),
            (TITLE, values.title), (ROLE, _roles_text(values.roles or frozenset()))) if new]
        return plan
    kinds = []
    if not person.active:
        kinds.append(REACTIVATED)
    if person.unit_id != unit.id:
        kinds.append(MOVED)
        plan.changes.append(Change(UNIT, _unit_text(directory, person.unit_id), unit.label))
    for column, old, new in ((NAME, person.full_name, values.name), (EMAIL, person.email or "", values.email),
                             (TITLE, person.job_title or "", values.title)):
        if new and new != old:
            plan.changes.append(Change(column, old, new))
    if values.roles is not None and values.roles != person.roles:
        plan.changes.append(Change(ROLE, _roles_text(person.roles), _roles_text(values.roles)))
    if any(change.column != UNIT for change in plan.changes):
        kinds.append(UPDATED)
    plan.kinds = tuple(kinds) or (UNCHANGED,)
    if kinds and not importer_is_admin and "admin" in person.roles:
        values.add("admin_record", CODE, name=person.full_name)
        return RowPlan(values)
    return plan


def plan_deactivations(rows: list[RowValues], directory: Directory, importer_id: int | None,
                       importer_is_admin: bool) -> tuple[list[Deactivation], list[Problem]]:
    """Sync mode: active people whose code is in no row leave — never the importer, never an account deleted."""
    unreadable = [row.number for row in rows if not row.code_readable]
    if unreadable:
        return [], [Problem("sync_unsafe", params={"rows": ", ".join(map(str, unreadable[:20]))})]
    present = {code_key(row.code) for row in rows}
    for row in rows:
        # A code that lost its zeros still names the person it probably is: they are not absent.
        present.update(code_key(p.params["likely"]) for p in row.problems if p.code == "zeros_lost")
    leaving, notes = [], []
    for key, person in directory.people_by_code.items():
        if not person.active or key in present or person.id == importer_id:
            continue
        if "admin" in person.roles and not importer_is_admin:
            notes.append(Problem("admin_kept", params={"name": person.full_name, "code": person.employee_code}))
            continue
        leaving.append(Deactivation(person.id, person.employee_code, person.full_name,
                                    _unit_text(directory, person.unit_id)))
    leaving.sort(key=lambda d: d.employee_code)
    return leaving, notes
