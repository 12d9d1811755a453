"""What a person has done in a course: lessons read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, and_, func, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow


def lesson_counts(user_id: int, course_id: int, cycle: int = 0) -> tuple[int, int]:
    """(lessons read in the cycle, live lessons) of one course for one person, in one query."""
    from lms.models.content import Lesson

    total, read = db.session.execute(
        select(func.count(Lesson.id), func.count(LessonRead.id)).select_from(Lesson)
        .join(LessonRead, and_(LessonRead.lesson_id == Lesson.id, LessonRead.user_id == user_id,
                                    LessonRead.cycle == cycle), isouter=True)
        .where(Lesson.course_id == course_id, Lesson.retired_at.is_(None))
    ).one()
    return read, total


class LessonRead(db.Model):
    """A person confirmed "Tôi đã đọc và hiểu" on a lesson; one row per person and lesson."""

    __tablename__ = "lesson_reads"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    lesson_hash: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # 0, or the renewing round whose cycle this read belongs to (lms.rounds.cycle).
    cycle: Mapped[int] = mapped_column(default=0, server_default="0")
