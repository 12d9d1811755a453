"""Each member's stage in a round (not started → reading → failed/passed → certified), kept current.

The stage is stored on the membership row and recomputed by one UPDATE after every step a person
takes, so a dashboard of 50,000 people is a GROUP BY over one indexed table.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, exists, or_, select, update

from lms.extensions import db
from lms.models import (
    CERTIFIED,
    FAILED,
    FINISHED,
    NOT_STARTED,
    PASSED,
    READING,
    REVOKED,
    Attempt,
    Certificate,
    Lesson,
    LessonRead,
    Round,
    RoundMember,
)


def stage_expression(course_id: int, cycle: int, user_id_column, round_start):
    """SQL CASE giving the stage of the person in `user_id_column` for a course's cycle.

    A certificate counts unless revoked or already expired when the round began (`round_start`, a
    date or an SQL expression giving one): an expired certificate calls for a renewing round.
    """
    certified = exists().where(Certificate.user_id == user_id_column, Certificate.course_id == course_id,
                               Certificate.cycle == cycle, Certificate.status != REVOKED,
                               or_(Certificate.expires_on.is_(None), Certificate.expires_on >= round_start))
    in_cycle = and_(Attempt.user_id == user_id_column, Attempt.course_id == course_id, Attempt.cycle == cycle)
    passed = exists().where(in_cycle, Attempt.passed.is_(True))
    finished = exists().where(in_cycle, Attempt.state == FINISHED)
    attempted = exists().where(in_cycle)
    read = exists().where(LessonRead.user_id == user_id_column, LessonRead.cycle == cycle,
                          LessonRead.lesson_id == Lesson.id, Lesson.course_id == course_id)
    return case((certified, CERTIFIED), (passed, PASSED), (finished, FAILED), (or_(attempted, read), READING),
                else_=NOT_STARTED)


def recompute(round_: Round, user_ids: Iterable[int] | None = None) -> None:
    """Recompute the stage of a round's members (all, or the given people); the caller commits."""
    stmt = (update(RoundMember).where(RoundMember.round_id == round_.id)
            .values(stage=stage_expression(round_.course_id, round_.cycle, RoundMember.user_id, round_.starts_on)))
    if user_ids is not None:
        stmt = stmt.where(RoundMember.user_id.in_(list(user_ids)))
    db.session.execute(stmt, execution_options={"synchronize_session": False})


def touch(user_id: int, course_id: int, cycle: int) -> None:
    """After a person's step in a course's cycle: update their stage in the rounds of that cycle."""
    rounds_of_cycle = select(Round.id).where(
        Round.course_id == course_id, Round.id == cycle if cycle else Round.renews.is_(False))
    db.session.execute(
        update(RoundMember)
        .where(RoundMember.user_id == user_id, RoundMember.round_id.in_(rounds_of_cycle))
        .values(stage=stage_expression(course_id, cycle, RoundMember.user_id, select(Round.starts_on).where(
            Round.id == RoundMember.round_id).correlate(RoundMember).scalar_subquery())),
        execution_options={"synchronize_session": False})
