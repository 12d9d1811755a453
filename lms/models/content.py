"""Courses built from a directive: clauses, lessons, the draw blueprint and versioned questions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow

QUESTION_TYPES = ("single", "multiple", "true_false")


class Course(db.Model):
    """A course and its rules, loaded from question_bank/<key>/course.yaml."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    directive: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pass_mark: Mapped[int] = mapped_column(default=80)
    time_limit_minutes: Mapped[int] = mapped_column(default=0)
    grace_seconds: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=0)
    cooldown_minutes: Mapped[int] = mapped_column(default=0)
    require_lessons_read: Mapped[bool] = mapped_column(default=True)
    multiple_grading: Mapped[str] = mapped_column(String(20), default="all_or_nothing")
    review_policy: Mapped[str] = mapped_column(String(20), default="always")
    certificate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    commitment_required: Mapped[bool] = mapped_column(default=False)
    commitment_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    clauses: Mapped[list[Clause]] = relationship(back_populates="course", order_by="Clause.position")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="course", order_by="Lesson.position")
    blueprint: Mapped[list[BlueprintItem]] = relationship(
        back_populates="course", order_by="BlueprintItem.position", cascade="all, delete-orphan"
    )


class Clause(db.Model):
    """One clause of the source text, quoted verbatim, addressed by a stable key such as '1b-3'."""

    __tablename__ = "clauses"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship(back_populates="clauses")


class Lesson(db.Model):
    """A short lesson teaching one clause; body in Markdown, rendered through a sanitiser."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    body_md: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship(back_populates="lessons")
    clause: Mapped[Clause] = relationship()


class BlueprintItem(db.Model):
    """Draw `count` questions citing any of `clause_keys` into every quiz of the course."""

    __tablename__ = "blueprint_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    clause_keys: Mapped[list[str]] = mapped_column(JSON)
    count: Mapped[int] = mapped_column()

    course: Mapped[Course] = relationship(back_populates="blueprint")


class Question(db.Model):
    """A question's stable identity; what it says lives in its versions."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


question_version_clauses = db.Table(
    "question_version_clauses",
    db.Column("version_id", ForeignKey("question_versions.id"), primary_key=True),
    db.Column("clause_id", ForeignKey("clauses.id"), primary_key=True),
)


class QuestionVersion(db.Model):
    """One immutable wording of a question; an edit makes a new version, past attempts keep theirs."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        UniqueConstraint("question_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    number: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    scenario: Mapped[bool] = mapped_column(Boolean, default=False)
    is_current: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")
    options: Mapped[list[Option]] = relationship(
        back_populates="version", order_by="Option.position", cascade="all, delete-orphan"
    )
    clauses: Mapped[list[Clause]] = relationship(secondary=question_version_clauses)


class Option(db.Model):
    """An answer option of one question version; `pinned` options keep their place when shuffling."""

    __tablename__ = "options"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)

    version: Mapped[QuestionVersion] = relationship(back_populates="options")
