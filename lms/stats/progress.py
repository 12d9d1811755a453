"""Progress over time: how many people had completed a course by the end of each local day.

A completion is a person's first certificate for the course that is not revoked (superseded and
expired ones still prove the person completed at that time). Days are Asia/Ho_Chi_Minh calendar
days, computed by the database (`local_date`), so midnight is 17:00 UTC of the day before.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select

from lms.extensions import db
from lms.models import REVOKED, Certificate
from lms.stats.sql import local_date, local_midnight_utc, restrict

MAX_DAYS = 3660  # ten years of points is already more than a chart can show


@dataclass(frozen=True)
class ProgressPoint:
    day: date
    new: int  # first completions on this day
    cumulative: int  # everyone completed by the end of this day (including before the range)


def completion_progress(course_id: int, start: date, end: date,
                        people_conditions: Sequence[ColumnElement[bool]] = (),
                        certificate_conditions: Sequence[ColumnElement[bool]] = ()) -> list[ProgressPoint]:
    """One point per local day from `start` to `end` inclusive, zero days included.

    `people_conditions` restrict who counts (SQL conditions on User or Unit, e.g. the members of
    a round); `certificate_conditions` restrict which certificates count (e.g. a round's cycle).
    The first point's cumulative count includes completions before `start`.
    ValueError when the range is reversed or absurdly long.
    """
    if end < start:
        raise ValueError("the end date is before the start date")
    if (end - start).days >= MAX_DAYS:
        raise ValueError(f"a progress chart covers at most {MAX_DAYS} days")
    stmt = select(Certificate.user_id, func.min(Certificate.issued_at).label("first_at")).select_from(Certificate)
    stmt = restrict(stmt, Certificate.user_id, people_conditions)
    firsts = (stmt.where(Certificate.course_id == course_id, Certificate.status != REVOKED,
                         *certificate_conditions)
              .group_by(Certificate.user_id).subquery("firsts"))
    range_start, range_end = local_midnight_utc(start), local_midnight_utc(end + timedelta(days=1))
    before = db.session.scalar(select(func.count()).select_from(firsts).where(firsts.c.first_at < range_start))
    day = local_date(firsts.c.first_at)
    per_day = dict(db.session.execute(
        select(day, func.count()).select_from(firsts)
        .where(firsts.c.first_at >= range_start, firsts.c.first_at < range_end)
        .group_by(day)
    ).all())
    points, running = [], before or 0
    for offset in range((end - start).days + 1):
        current = start + timedelta(days=offset)
        new = int(per_day.get(current, 0))
        running += new
        points.append(ProgressPoint(current, new, running))
    return points
