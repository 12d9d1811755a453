"""Per-clause mastery by unit: the share of credit earned on each clause's questions, for a heat map.

The database sums credit per (person's unit, clause) in one statement; a small pure function then
rolls those leaf sums up the unit tree by path prefix, so any level of the tree (the department's
units, or the children of one unit) costs the same single query plus a loop over units.

A person counts in the unit they belong to *now* (`users.unit_id`): attempts do not record a unit,
and a dashboard is read as "how well do the people of this unit know each clause". People without
a unit are left out. A question citing two clauses counts towards both.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from lms.extensions import db
from lms.models import Attempt, AttemptQuestion, Clause, Unit, User, question_version_clauses
from lms.stats.sql import finished_attempts, restrict


@dataclass(frozen=True)
class Tally:
    """Credit earned and questions answered; percent is None when nothing was answered."""

    credit: float = 0.0
    count: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.credit + other.credit, self.count + other.count)

    @property
    def percent(self) -> float | None:
        return None if not self.count else 100 * self.credit / self.count


@dataclass(frozen=True)
class ClauseColumn:
    id: int
    key: str
    label: str
    title: str


@dataclass(frozen=True)
class UnitNode:
    """What the roll-up needs to know about a unit."""

    id: int
    name: str
    path: str
    parent_id: int | None = None


@dataclass(frozen=True)
class MasteryRow:
    unit_id: int
    name: str
    own_only: bool  # the parent's own staff, apart from its sub-units
    cells: tuple[Tally, ...]  # aligned with MasteryTable.clauses

    @property
    def total(self) -> Tally:
        return sum(self.cells, Tally())


@dataclass(frozen=True)
class MasteryTable:
    clauses: tuple[ClauseColumn, ...]
    rows: tuple[MasteryRow, ...]

    @property
    def empty(self) -> bool:
        return not any(row.total.count for row in self.rows)

    def column_totals(self) -> tuple[Tally, ...]:
        return tuple(sum((row.cells[i] for row in self.rows), Tally()) for i in range(len(self.clauses)))


def leaf_sums(course_id: int, attempt_conditions: Sequence[ColumnElement[bool]] = ()
              ) -> dict[tuple[int, int], Tally]:
    """{(unit id, clause id): Tally} over finished attempts, by the person's current unit."""
    # Sum per (unit, question version) over every answer first; only those few thousand rows
    # meet the clause links, so the big pass never multiplies by clauses.
    stmt = select(User.unit_id.label("unit_id"), AttemptQuestion.question_version_id.label("version_id"),
                  func.sum(func.coalesce(AttemptQuestion.credit, 0.0)).label("credit"),
                  func.count().label("n")).select_from(Attempt)
    stmt = restrict(stmt, Attempt.user_id, attempt_conditions, need_user=True)
    per_version = (stmt.join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
                   .where(*finished_attempts(course_id), User.unit_id.is_not(None))
                   .group_by(User.unit_id, AttemptQuestion.question_version_id)).subquery("per_version")
    links = question_version_clauses.c
    per_clause = (select(per_version.c.unit_id, links.clause_id, func.sum(per_version.c.credit),
                         func.sum(per_version.c.n))
                  .join(question_version_clauses, links.version_id == per_version.c.version_id)
                  .group_by(per_version.c.unit_id, links.clause_id))
    return {(unit_id, clause_id): Tally(float(credit_sum or 0), int(count))
            for unit_id, clause_id, credit_sum, count in db.session.execute(per_clause)}


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part.isdigit()]


def roll_up(leaves: dict[tuple[int, int], Tally], units: Iterable[UnitNode], targets: Sequence[UnitNode],
            clause_ids: Sequence[int], own_row_for: UnitNode | None = None) -> list[MasteryRow]:
    """Sum leaf tallies into the target units (each with everything below it), one row per target.

    `own_row_for`, if given, is the parent of the targets: a row for its own people (those in the
    parent itself, not in any target) is added first when it has any data.
    """
    path_of = {unit.id: unit.path for unit in units}
    target_ids = {target.id for target in targets}
    sums: dict[tuple[int, int], Tally] = {}
    for (unit_id, clause_id), tally in leaves.items():
        # The first unit on the leaf's path from the root that is a target owns it.
        owner = next((uid for uid in _path_ids(path_of.get(unit_id, "")) if uid in target_ids), None)
        if owner is None and own_row_for is not None and unit_id == own_row_for.id:
            owner = -own_row_for.id
        if owner is not None:
            sums[(owner, clause_id)] = sums.get((owner, clause_id), Tally()) + tally
    rows = []
    if own_row_for is not None and any(key[0] == -own_row_for.id for key in sums):
        rows.append(MasteryRow(own_row_for.id, own_row_for.name, True,
                               tuple(sums.get((-own_row_for.id, c), Tally()) for c in clause_ids)))
    rows.extend(MasteryRow(t.id, t.name, False, tuple(sums.get((t.id, c), Tally()) for c in clause_ids))
                for t in targets)
    return rows


def clause_mastery(course_id: int, attempt_conditions: Sequence[ColumnElement[bool]] = (),
                   parent_unit_id: int | None = None) -> MasteryTable:
    """Units × clauses of the course, percent correct in each cell.

    Rows are the children of `parent_unit_id` in their order (with the parent's own staff as a
    first row when they have answers), or, without a parent, the units directly under the top of
    the tree (the department's units). Each row includes every unit below it; a retired unit is
    listed only if it has answers. Columns are the course's clauses in their order; retired
    clauses appear only if they still have answers. LookupError for an unknown parent.
    """
    leaves = leaf_sums(course_id, attempt_conditions)
    tree = db.session.execute(
        select(Unit.id, Unit.name, Unit.path, Unit.parent_id, Unit.position, Unit.active).order_by(Unit.path)).all()
    units = [UnitNode(uid, name, path, parent_id) for uid, name, path, parent_id, _, _ in tree]
    by_id = {unit.id: unit for unit in units}
    if parent_unit_id is None:
        roots = {unit.id for unit in units if unit.parent_id is None}
        # One department at the top, as usual: its units are the rows. Several tops: they are.
        parent = by_id[next(iter(roots))] if len(roots) == 1 else None
        roots = roots if parent is not None else {None}
    else:
        parent = by_id.get(parent_unit_id)
        if parent is None:
            raise LookupError(f"no unit {parent_unit_id}")
        roots = {parent.id}
    retired = {row[0] for row in tree if not row[5]}
    targets = [by_id[row[0]] for row in sorted(tree, key=lambda r: (r[4], r[0])) if row[3] in roots]
    used_clauses = {clause_id for _, clause_id in leaves}
    clauses = tuple(ClauseColumn(c.id, c.key, c.label, c.title) for c in db.session.scalars(
        select(Clause).where(Clause.course_id == course_id).order_by(Clause.position, Clause.id))
        if c.retired_at is None or c.id in used_clauses)
    rows = roll_up(leaves, units, targets, [c.id for c in clauses], own_row_for=parent)
    # A retired unit keeps its row only while answers of people still placed in it exist.
    return MasteryTable(clauses, tuple(r for r in rows if r.unit_id not in retired or r.total.count))
