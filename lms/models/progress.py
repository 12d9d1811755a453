"""What a person has done in a course: lessons read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow


class LessonRead(db.Model):
    """A person confirmed "Tôi đã đọc và hiểu" on a lesson; one row per person and lesson."""

    __tablename__ = "lesson_reads"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    lesson_hash: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
