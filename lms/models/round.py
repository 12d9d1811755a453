"""Rounds (đợt): a course opened for target units with a deadline, and who must complete it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow
from lms.models.content import Course
from lms.models.org import Unit

# A member's progress in the round's cycle, kept up to date on every step so dashboards only count.
NOT_STARTED, READING, FAILED, PASSED, CERTIFIED = "not_started", "reading", "failed", "passed", "certified"
STAGES = (NOT_STARTED, READING, FAILED, PASSED, CERTIFIED)
# What a dashboard shows: the stage, except that exemption and a missed deadline take precedence.
OVERDUE, EXEMPT = "overdue", "exempt"
STATUSES = (NOT_STARTED, READING, FAILED, PASSED, CERTIFIED, OVERDUE, EXEMPT)


class Round(db.Model):
    """One đợt of a course. The first round of a course counts what was done before it; a later round
    starts a new cycle: people read, pass and sign again, and its certificates supersede the old ones."""

    __tablename__ = "rounds"
    __table_args__ = (Index("ix_rounds_course_start", "course_id", "starts_at"), UniqueConstraint("course_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    # Local midnight of starts_on, in UTC: when the round's cycle begins.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    renews: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    course: Mapped[Course] = relationship()
    targets: Mapped[list[Unit]] = relationship(secondary="round_units", order_by="Unit.path")

    @property
    def cycle(self) -> int:
        """The cycle whose reads, attempts, commitments and certificates count in this round."""
        return self.id if self.renews else 0


class RoundUnit(db.Model):
    """A target unit of a round; everyone in it and below it must complete."""

    __tablename__ = "round_units"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class RoundMember(db.Model):
    """A person who must complete a round: since when, until when (a leaver), exempt or not, how far."""

    __tablename__ = "round_members"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        Index("ix_round_members_round_stage", "round_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    exempt_reason: Mapped[str | None] = mapped_column(Text)
    exempted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    exempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship()


class AnalysisSnapshot(db.Model):
    """The last computed analysis of a round for a unit (progress, clause mastery, question statistics).

    Those figures read every answer ever given; at department scale that takes seconds, so pages
    show the snapshot with its time and recompute it when it is older than a few minutes.
    """

    __tablename__ = "analysis_snapshots"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict] = mapped_column(JSON)
