"""Opening a round and keeping its membership true: joiners join, leavers leave with their date,
exemptions carry a reason. Everything here is set-based SQL; the callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, exists, func, insert, literal, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from lms import clock
from lms.audit import record
from lms.db_setup import begin_write, refresh_statistics
from lms.extensions import db
from lms.models import (
    NOT_STARTED,
    AnalysisSnapshot,
    Attempt,
    Certificate,
    Commitment,
    Course,
    LessonRead,
    Round,
    RoundMember,
    RoundUnit,
    Unit,
    User,
)
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


EARLIEST_START = timedelta(days=366)


def open_round(course: Course, *, name: str, starts_on: date, deadline: date, unit_ids: list[int],
               by: User | None, renews: bool = False) -> Round:
    """Open a course for target units: everyone active in them now must complete it by the deadline.

    A renewing round starts a new cycle for its members (read, pass and sign again; the new
    certificate supersedes the old). It must begin after every earlier round of the course has
    ended, so that no one's progress counts towards two rounds at once. Any other round shares
    the course's first cycle: opening a course unit by unit is several such rounds.
    """
    name = clean_name(name)
    today = local_today()
    if not name:
        raise RoundError("name_required")
    if deadline < starts_on:
        raise RoundError("deadline_before_start")
    if deadline < today:
        raise RoundError("deadline_past")
    if starts_on < today - EARLIEST_START:
        raise RoundError("start_too_early")
    begin_write()
    earlier = db.session.execute(select(func.count(Round.id), func.max(Round.deadline)).where(
        Round.course_id == course.id)).one()
    problem = None
    names = db.session.scalars(select(Round.name).where(Round.course_id == course.id))  # a few per course
    if any(other.casefold() == name.casefold() for other in names):  # SQLite's lower() knows no "Đ"
        problem = "name_taken"  # also what a double-clicked "open" meets
    elif renews and not earlier[0]:
        problem = "nothing_to_renew"
    elif renews and starts_on <= earlier[1]:
        problem = "renewal_overlaps"
    units = [u for u in _top_units(unit_ids) if u.active]
    if problem is None and (not units or len(units) != len(_top_units(unit_ids))):
        problem = "units_required"
    if problem:
        db.session.rollback()
        raise RoundError(problem)
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
    record("round.open", actor=by, target=round_,
           details={"course": course.key, "starts_on": starts_on, "deadline": deadline, "renews": renews,
                    "units": [unit.code for unit in units]})
    try:
        db.session.commit()
    except IntegrityError:  # the same round opened a second time at the same moment
        db.session.rollback()
        raise RoundError("name_taken") from None
    refresh_statistics()  # the membership table may just have grown by thousands of rows
    return round_


def delete_round(round_: Round) -> None:
    """Delete a round opened by mistake: refused once it holds exemptions or, for a renewing round,
    anything done in its cycle (reads, attempts, commitments, certificates are never deleted)."""
    begin_write()
    round_ = db.session.get(Round, round_.id)
    used = db.session.scalar(select(func.count(RoundMember.id)).where(
        RoundMember.round_id == round_.id, RoundMember.exempt_reason.is_not(None)))
    if not used and round_.renews:
        used = any(db.session.scalar(select(exists().where(model.cycle == round_.id)))
                   for model in (LessonRead, Attempt, Commitment, Certificate))
    if used:
        db.session.rollback()
        raise RoundError("round_in_use")
    record("round.delete", target=round_, details={"starts_on": round_.starts_on, "deadline": round_.deadline})
    db.session.execute(delete(AnalysisSnapshot).where(AnalysisSnapshot.round_id == round_.id))
    db.session.execute(delete(RoundMember).where(RoundMember.round_id == round_.id))
    db.session.execute(delete(RoundUnit).where(RoundUnit.round_id == round_.id))
    db.session.delete(round_)
    db.session.commit()


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
    if db.engine.dialect.name == "postgresql":
        # Imports and unit moves may refresh at the same moment; SQLite's write lock already queues them.
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('round_membership'))"))
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
    record("round.exempt", actor=by, target=db.session.get(User, user_id),
           details={"round_id": round_.id, "round": round_.name, "exempt": reason is not None,
                    "reason": member.exempt_reason})
    db.session.commit()


def rounds_of_units(unit_paths: list[str]):
    """Condition on Round: it targets one of these units, a unit above them or a unit below them."""
    touching = [or_(Unit.path.startswith(path), literal(path).startswith(Unit.path)) for path in unit_paths]
    return exists().where(RoundUnit.round_id == Round.id, RoundUnit.unit_id == Unit.id, or_(*touching))
