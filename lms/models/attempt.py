"""Quiz attempts: the drawn questions frozen at start, the answers, the score."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow
from lms.models.content import Course, QuestionVersion

OPEN = "open"
FINISHED = "finished"


class Attempt(db.Model):
    """One sitting of a course's quiz by one person, with the rules in force when it started."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "number"),
        # At most one open attempt per person and course: a double-clicked "start" cannot make two.
        Index("uq_attempts_one_open", "user_id", "course_id", unique=True,
              sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    number: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20), default=OPEN)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grace_seconds: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finish_reason: Mapped[str | None] = mapped_column(String(20))
    # Rules frozen at start, so later edits to the course never change this attempt or its review.
    pass_mark: Mapped[int] = mapped_column()
    multiple_grading: Mapped[str] = mapped_column(String(20))
    review_policy: Mapped[str] = mapped_column(String(20))
    # Score in hundredths of a percent (8333 = 83.33 %), exact integers on every database.
    score_bp: Mapped[int | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()
    # 0, or the renewing round whose cycle this attempt belongs to (lms.rounds.cycle).
    cycle: Mapped[int] = mapped_column(default=0, server_default="0")

    course: Mapped[Course] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def closes_at(self) -> datetime | None:
        """The last moment the server accepts answers: deadline plus grace."""
        if self.deadline_at is None:
            return None
        return self.deadline_at + timedelta(seconds=self.grace_seconds)

    @property
    def score_percent(self) -> float | None:
        return None if self.score_bp is None else self.score_bp / 100


class AttemptQuestion(db.Model):
    """A drawn question: the exact version and the option order shown, and the answer given."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    position: Mapped[int] = mapped_column()
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    option_order: Mapped[list[int]] = mapped_column(JSON)
    selected: Mapped[list[int] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credit: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship()

    @property
    def answered(self) -> bool:
        return bool(self.selected)
