"""Opening a round and keeping its membership true: joiners join, leavers leave with their date,
exemptions carry a reason. Everything here is set-based SQL; the callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from lms import clock
from lms.db_setup import begin_write, refresh_statistics
from lms.extensions import db
from lms.models import NOT_STARTED, Course, Round, RoundMember, RoundUnit, Unit, User
from lms.rounds import progress
from lms.text import LOCAL_TZ, clean_name, to_local


class RoundError(Exception):
    """A round action that cannot be done, with a reason the page explains."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def local_today() -> date:
    return to_local(clock.now()).date()


def local_midnight(day: date) -> datetime:
    """The first moment of a local (Asia/Ho_Chi_Minh) day."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _target_users(round_id: int, *columns):
    """SELECT (of the ids, or the given columns) of active people in the round's target units or below."""
    target = aliased(Unit)
    in_target = exists().where(RoundUnit.round_id == round_id, target.id == RoundUnit.unit_id,
                               Unit.path.startswith(target.path))
    return (select(*(columns or (User.id,))).select_from(User).join(Unit, Unit.id == User.unit_id)
            .where(User.active.is_(True), in_target))


def _top_units(unit_ids: list[int]) -> list[Unit]:
    """The chosen units without those already covered by a chosen unit above them."""
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.path)))
    kept: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in kept):
            kept.append(unit)
    return kept


def open_round(course: Course, *, name: str, starts_on: date, deadline: date, unit_ids: list[int],
               by: User | None) -> Round:
    """Open a course for target units: everyone active in them now must complete it by the deadline."""
    name = clean_name(name)
    if not name:
        raise RoundError("name_required")
    if deadline < starts_on:
        raise RoundError("deadline_before_start")
    if deadline < local_today():
        raise RoundError("deadline_past")
    begin_write()
    units = [u for u in _top_units(unit_ids) if u.active]
    if not units or len(units) != len(_top_units(unit_ids)):
        db.session.rollback()
        raise RoundError("units_required")
    renews = db.session.scalar(select(func.count(Round.id)).where(Round.course_id == course.id)) > 0
    round_ = Round(course_id=course.id, name=name, starts_on=starts_on, deadline=deadline,
                   starts_at=local_midnight(starts_on), renews=renews, created_by_id=by.id if by else None,
                   created_at=clock.now())
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(RoundUnit(round_id=round_.id, unit_id=unit.id) for unit in units)
    db.session.flush()
    db.session.execute(insert(RoundMember).from_select(
        ["round_id", "user_id", "joined_on", "stage"],
        _target_users(round_.id, literal(round_.id), User.id, literal(starts_on), literal(NOT_STARTED))))
    progress.recompute(round_)
    db.session.commit()
    refresh_statistics()  # the membership table may just have grown by thousands of rows
    return round_


@dataclass(frozen=True)
class MembershipChange:
    joined: int
    left: int
    returned: int


def refresh_round_memberships(today: date | None = None) -> MembershipChange:
    """Bring every round still before its deadline up to date with the staff list; the caller commits.

    Called after anything that changes who works where (imports, moving or retiring units).
    After its deadline a round's membership is frozen: it is the record the report is made from.
    """
    today = today or local_today()
    joined = left = returned = 0
    for round_ in db.session.scalars(select(Round).where(Round.deadline >= today)):
        targets = _target_users(round_.id)
        member = select(RoundMember.user_id).where(RoundMember.round_id == round_.id)
        join_day = max(today, round_.starts_on)
        new_ids = list(db.session.scalars(targets.where(User.id.not_in(member))))
        if new_ids:
            db.session.execute(insert(RoundMember), [
                {"round_id": round_.id, "user_id": uid, "joined_on": join_day, "stage": NOT_STARTED}
                for uid in new_ids])
            progress.recompute(round_, new_ids)
        left += db.session.execute(
            update(RoundMember).where(RoundMember.round_id == round_.id, RoundMember.left_on.is_(None),
                                      RoundMember.user_id.not_in(targets))
            .values(left_on=today), execution_options={"synchronize_session": False}).rowcount
        returned += db.session.execute(
            update(RoundMember).where(RoundMember.round_id == round_.id, RoundMember.left_on.is_not(None),
                                      RoundMember.user_id.in_(targets))
            .values(left_on=None), execution_options={"synchronize_session": False}).rowcount
        joined += len(new_ids)
    return MembershipChange(joined, left, returned)


def set_exemption(round_: Round, user_id: int, reason: str | None, by: User | None) -> None:
    """Exempt a member with a reason (or clear it with None); refused for people outside the round."""
    begin_write()
    member = db.session.scalar(select(RoundMember).where(
        RoundMember.round_id == round_.id, RoundMember.user_id == user_id).with_for_update())
    if member is None:
        db.session.rollback()
        raise RoundError("not_member")
    if reason is None:
        member.exempt_reason = member.exempted_by_id = member.exempted_at = None
    else:
        reason = clean_name(reason)
        if not reason:
            db.session.rollback()
            raise RoundError("reason_required")
        member.exempt_reason, member.exempted_by_id = reason[:500], by.id if by else None
        member.exempted_at = clock.now()
    db.session.commit()


def rounds_of_units(unit_paths: list[str]):
    """Condition on Round: it targets one of these units, a unit above them or a unit below them."""
    touching = [or_(Unit.path.startswith(path), literal(path).startswith(Unit.path)) for path in unit_paths]
    return exists().where(RoundUnit.round_id == Round.id, RoundUnit.unit_id == Unit.id, or_(*touching))
