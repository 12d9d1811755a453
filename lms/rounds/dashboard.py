"""A round's figures for a unit and everything below it: counts per status, per sub-unit, and the people.

Every figure is one GROUP BY over the membership table; sub-unit totals are rolled up over units
(hundreds), never over people.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, false, func, literal, select

from lms.extensions import db
from lms.models import CERTIFIED, EXEMPT, OVERDUE, STATUSES, Round, RoundMember, Unit, User
from lms.models.org import department
from lms.people.services import can_see_unit, sees_everyone
from lms.rounds.membership import local_today, rounds_of_units
from lms.text import fold, nfc, share_bp

PAGE_SIZE = 50


def status_column(round_: Round, today: date | None = None):
    """SQL giving a member's status: exempt, then certified, then overdue past the deadline, else the stage."""
    today = today or local_today()
    if today > round_.deadline:
        return case((RoundMember.exempt_reason.is_not(None), EXEMPT), (RoundMember.stage == CERTIFIED, CERTIFIED),
                    else_=literal(OVERDUE))
    return case((RoundMember.exempt_reason.is_not(None), EXEMPT), else_=RoundMember.stage)


def in_subtree(focus: Unit):
    """Condition on Unit: the focus unit or any unit below it.

    Written as a range on the path ("/1/5/" up to "/1/50", '0' being the character after '/') so
    that both databases walk the path index; a LIKE prefix would read every unit on SQLite.
    """
    return and_(Unit.path >= focus.path, Unit.path < focus.path[:-1] + "0")


def members_query(round_: Round, focus: Unit, *columns, with_unit: bool = True):
    """Current (not departed) members of the round in the focus unit or below it.

    The department holds every unit: there is no filter then, so the planner is free to walk the
    name index, and units are joined only when a column needs them (with_unit).
    """
    stmt = (select(*columns).select_from(RoundMember).join(User, User.id == RoundMember.user_id)
            .where(RoundMember.round_id == round_.id, RoundMember.left_on.is_(None)))
    if focus.parent_id is None:
        return stmt.join(Unit, Unit.id == User.unit_id) if with_unit else stmt
    return stmt.join(Unit, Unit.id == User.unit_id).where(in_subtree(focus))


@dataclass
class Tally:
    """Counts per status for a group of people, and the completion rate that follows."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def must_complete(self) -> int:
        return self.total - self.counts[EXEMPT]

    @property
    def certified(self) -> int:
        return self.counts[CERTIFIED]

    @property
    def not_finished(self) -> int:
        return self.must_complete - self.certified

    @property
    def rate_bp(self) -> int | None:
        return share_bp(self.certified, self.must_complete)

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)


@dataclass(frozen=True)
class UnitTally:
    unit: Unit
    tally: Tally
    own_only: bool  # the focus unit's own staff, not its sub-units


@dataclass(frozen=True)
class Overview:
    round: Round
    focus: Unit
    tally: Tally
    units: list[UnitTally]
    joined_late: int
    left: int


def overview(round_: Round, focus: Unit, today: date | None = None) -> Overview:
    """The focus unit's counts per status, and per direct sub-unit (with its whole subtree)."""
    status = status_column(round_, today).label("status")
    per_unit: dict[int, Tally] = {}
    for unit_id, value, count in db.session.execute(
            members_query(round_, focus, User.unit_id, status, func.count(), with_unit=False)
            .group_by(User.unit_id, status)):
        per_unit.setdefault(unit_id, Tally()).counts[value] += count
    children = list(db.session.scalars(select(Unit).where(Unit.parent_id == focus.id)
                                       .order_by(Unit.position, Unit.name)))
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(per_unit))).all()) if per_unit else {}
    total, own, by_child = Tally(), Tally(), {child.id: Tally() for child in children}
    for unit_id, tally in per_unit.items():
        total.add(tally)
        # "/1/5/9/" under focus "/1/": the direct child is the next id in the path, 5.
        below = paths[unit_id][len(focus.path):].split("/", 1)[0]
        (by_child.get(int(below), own) if below else own).add(tally)
    rows = [UnitTally(focus, own, True)] if own.total else []
    rows += [UnitTally(child, by_child[child.id], False) for child in children
             if child.active or by_child[child.id].total]
    joined_late, left = db.session.execute(
        select(func.count(case((RoundMember.joined_on > round_.starts_on, 1))),
               func.count(RoundMember.left_on))
        .select_from(RoundMember).join(User, User.id == RoundMember.user_id).join(Unit, Unit.id == User.unit_id)
        .where(RoundMember.round_id == round_.id, in_subtree(focus))).one()
    return Overview(round_, focus, total, rows, joined_late, left)


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    employee_code: str
    full_name: str
    unit_name: str
    job_title: str | None
    status: str
    joined_on: date
    exempt_reason: str | None


def status_condition(round_: Round, status: str, today: date | None = None):
    """Condition on RoundMember equivalent to status_column(...) == status ("unfinished": neither
    certified nor exempt), written on the stored stage so that the (round, stage) index serves it."""
    past = (today or local_today()) > round_.deadline
    not_exempt = RoundMember.exempt_reason.is_(None)
    if status == EXEMPT:
        return RoundMember.exempt_reason.is_not(None)
    if status == CERTIFIED:
        return and_(RoundMember.stage == CERTIFIED, not_exempt)
    if status in (OVERDUE, "unfinished"):
        return and_(RoundMember.stage != CERTIFIED, not_exempt) if past or status != OVERDUE else false()
    return false() if past else and_(RoundMember.stage == status, not_exempt)


def _filters(round_: Round, status: str | None, q: str | None, today: date | None) -> tuple[list, list]:
    """(conditions on the membership row, conditions on the person) for a status and a search."""
    on_member, on_person = [], []
    if status in (*STATUSES, "unfinished"):
        on_member.append(status_condition(round_, status, today))
    needle = fold(nfc(q or "")).strip()
    if needle:
        on_person.append(User.name_search.contains(needle, autoescape=True)
                         | func.lower(User.employee_code).contains(needle, autoescape=True))
    return on_member, on_person


def _people_query(round_: Round, focus: Unit, status: str | None, q: str | None, today: date | None):
    on_member, on_person = _filters(round_, status, q, today)
    return members_query(round_, focus, User.id, User.employee_code, User.full_name, Unit.name, User.job_title,
                         status_column(round_, today), RoundMember.joined_on, RoundMember.exempt_reason
                         ).where(*on_member, *on_person)


def _people_count(round_: Round, focus: Unit, status: str | None, q: str | None, today: date | None) -> int:
    """How many match, joining people and units only when a filter needs them."""
    on_member, on_person = _filters(round_, status, q, today)
    stmt = select(func.count()).select_from(RoundMember).where(
        RoundMember.round_id == round_.id, RoundMember.left_on.is_(None), *on_member)
    if on_person or focus.parent_id is not None:
        stmt = stmt.join(User, User.id == RoundMember.user_id).where(*on_person)
    if focus.parent_id is not None:
        stmt = stmt.join(Unit, Unit.id == User.unit_id).where(in_subtree(focus))
    return db.session.scalar(stmt)


def must_complete(round_: Round, focus: Unit) -> int:
    """How many current members of the unit are not exempt (one count, for a chart's target line)."""
    stmt = select(func.count()).select_from(RoundMember).where(
        RoundMember.round_id == round_.id, RoundMember.left_on.is_(None), RoundMember.exempt_reason.is_(None))
    if focus.parent_id is not None:
        stmt = (stmt.join(User, User.id == RoundMember.user_id).join(Unit, Unit.id == User.unit_id)
                .where(in_subtree(focus)))
    return db.session.scalar(stmt)


def people_page(round_: Round, focus: Unit, *, status: str | None = None, q: str | None = None, page: int = 1,
                today: date | None = None) -> tuple[list[PersonRow], int, int]:
    """One page of members in Vietnamese name order (given name, then family and middle names)."""
    stmt = _people_query(round_, focus, status, q, today)
    total = _people_count(round_, focus, status, q, today)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(stmt.order_by(User.name_sort_key, User.employee_code)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return [PersonRow(*row) for row in rows], total, page


def people_rows(round_: Round, focus: Unit, *, status: str | None = None, q: str | None = None,
                today: date | None = None) -> Iterator[PersonRow]:
    """Every matching member in name order, streamed from the database in batches."""
    stmt = _people_query(round_, focus, status, q, today).order_by(User.name_sort_key, User.employee_code)
    for row in db.session.execute(stmt.execution_options(yield_per=1000)):
        yield PersonRow(*row)


def visible_rounds(viewer: User) -> list[Round]:
    """Rounds the viewer may look at, newest first: all for HR and admins, those touching their units for heads."""
    stmt = select(Round).order_by(Round.starts_on.desc(), Round.id.desc())
    if not sees_everyone(viewer):
        paths = [u.path for u in viewer.headed_units if u.path]
        if not paths:
            return []
        stmt = stmt.where(rounds_of_units(paths))
    return list(db.session.scalars(stmt))


def current_round(rounds: list[Round]) -> Round | None:
    """The latest round that has started, else the next one to start."""
    today = local_today()
    started = [r for r in rounds if r.starts_on <= today]
    return started[0] if started else (rounds[-1] if rounds else None)


def default_focus(viewer: User) -> Unit | None:
    """The department for HR and admins, the first unit a head answers for."""
    if sees_everyone(viewer):
        return department()
    units = sorted((u for u in viewer.headed_units if u.path), key=lambda u: u.path)
    return units[0] if units else None


def resolve_focus(viewer: User, unit_id: int | None) -> Unit | None:
    """The unit asked for if the viewer may see it, the default when none is asked; None when refused."""
    if unit_id is None:
        return default_focus(viewer)
    unit = db.session.get(Unit, unit_id)
    return unit if unit is not None and can_see_unit(viewer, unit) else None


def breadcrumbs(viewer: User, focus: Unit) -> list[Unit]:
    """The units above the focus that the viewer may open, top first."""
    ids = [int(part) for part in focus.path.strip("/").split("/") if part][:-1]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    return [units[i] for i in ids if i in units and can_see_unit(viewer, units[i])]
