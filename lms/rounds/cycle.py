"""Which cycle a person's reads, attempts, commitment and certificate for a course belong to now."""
from __future__ import annotations

from sqlalchemy import select

from lms import clock
from lms.extensions import db
from lms.models import Round, RoundMember


def current_cycle(user_id: int, course_id: int) -> int:
    """0, or the latest started renewing round of the course that the person must complete (and has
    not left: someone moved out of a renewal's units goes back to the course's first cycle)."""
    cycle = db.session.scalar(
        select(Round.id).join(RoundMember, RoundMember.round_id == Round.id)
        .where(RoundMember.user_id == user_id, RoundMember.left_on.is_(None), Round.course_id == course_id,
               Round.renews.is_(True), Round.starts_at <= clock.now())
        .order_by(Round.starts_at.desc(), Round.id.desc()).limit(1))
    return cycle or 0


def cycles_for(user_id: int) -> dict[int, int]:
    """The current cycle of every course the person has one for (absent means 0), in one query."""
    rows = db.session.execute(
        select(Round.course_id, Round.id).join(RoundMember, RoundMember.round_id == Round.id)
        .where(RoundMember.user_id == user_id, RoundMember.left_on.is_(None), Round.renews.is_(True),
               Round.starts_at <= clock.now())
        .order_by(Round.starts_at, Round.id))
    return {course_id: round_id for course_id, round_id in rows}  # later rows win
