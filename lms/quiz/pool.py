"""The drawable pool of a course and the questions a person saw last time (data access for drawing)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import (
    FINISHED,
    Attempt,
    AttemptQuestion,
    Course,
    Question,
    QuestionVersion,
    User,
    question_version_clauses,
)
from lms.models.content import Clause
from lms.quiz.drawing import PoolQuestion


def pool_of(course: Course) -> list[PoolQuestion]:
    """Current versions of the course's live questions, with their clause keys and options."""
    versions = db.session.scalars(
        select(QuestionVersion).join(Question)
        .where(Question.course_id == course.id, Question.retired_at.is_(None), QuestionVersion.is_current.is_(True))
        .options(selectinload(QuestionVersion.options))
    ).all()
    clause_rows = db.session.execute(
        select(question_version_clauses.c.version_id, Clause.key)
        .join(Clause, Clause.id == question_version_clauses.c.clause_id)
        .where(question_version_clauses.c.version_id.in_([v.id for v in versions]))
    ).all()
    clauses: dict[int, set[str]] = {}
    for version_id, key in clause_rows:
        clauses.setdefault(version_id, set()).add(key)
    return [PoolQuestion(v.question_id, v.id, frozenset(clauses.get(v.id, ())),
                         tuple((o.id, o.pinned) for o in v.options)) for v in versions]


def previous_questions(user: User, course: Course) -> frozenset[int]:
    """Questions of the person's latest finished attempt, to avoid repeating them."""
    latest = db.session.scalar(
        select(Attempt.id).where(Attempt.user_id == user.id, Attempt.course_id == course.id,
                                 Attempt.state == FINISHED).order_by(Attempt.number.desc()).limit(1)
    )
    if latest is None:
        return frozenset()
    return frozenset(db.session.scalars(
        select(QuestionVersion.question_id)
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .where(AttemptQuestion.attempt_id == latest)
    ))
