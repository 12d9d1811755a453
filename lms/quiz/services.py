"""Quiz attempts: who may start, drawing and freezing, saving answers, finishing exactly once."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms import clock
from lms.certificates.issue import issue_if_complete
from lms.db_setup import begin_write
from lms.extensions import db
from lms.models import (
    FINISHED,
    OPEN,
    Attempt,
    AttemptQuestion,
    Course,
    QuestionVersion,
    User,
)
from lms.models.progress import lesson_counts
from lms.quiz import grading
from lms.quiz.drawing import DrawError, draw
from lms.quiz.pool import pool_of, previous_questions
from lms.rounds import progress
from lms.rounds.cycle import current_cycle


class QuizError(Exception):
    """A quiz action that cannot be done, with a reason the page explains."""

    def __init__(self, reason: str, until: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.until = until


@dataclass(frozen=True)
class QuizStatus:
    """Where a person stands with a course's quiz and whether they may start now."""

    attempts: list[Attempt]  # newest first
    open_attempt: Attempt | None
    passed_attempt: Attempt | None
    lessons_read: int
    lessons_total: int
    question_count: int
    blocked: str | None
    next_start_at: datetime | None
    cycle: int = 0

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.state == FINISHED]

    @property
    def can_start(self) -> bool:
        return self.open_attempt is not None or self.blocked is None

    @property
    def best_bp(self) -> int | None:
        scores = [a.score_bp for a in self.finished if a.score_bp is not None]
        return max(scores) if scores else None


def question_count(course: Course) -> int:
    return sum(item.count for item in course.blueprint)


def attempts_left(course: Course, status: QuizStatus) -> int | None:
    """None when attempts are unlimited."""
    if not course.max_attempts:
        return None
    return max(course.max_attempts - len(status.finished), 0)


def quiz_status(user: User, course: Course) -> QuizStatus:
    """The person's attempts in the current cycle and whether a new one may start (lessons, passed,
    limits, cooldown). An attempt left open when a new round began may still be finished."""
    cycle = current_cycle(user.id, course.id)
    attempts = list(db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.course_id == course.id,
                              or_(Attempt.cycle == cycle, Attempt.state == OPEN))
        .order_by(Attempt.number.desc())
    ))
    read, total = lesson_counts(user.id, course.id, cycle)
    open_attempt = next((a for a in attempts if a.state == OPEN), None)
    passed = next((a for a in reversed(attempts) if a.passed), None)
    finished = [a for a in attempts if a.state == FINISHED]
    blocked, until = None, None
    if passed is not None:
        blocked = "already_passed"
    elif course.require_lessons_read and read < total:
        blocked = "lessons_unread"
    elif question_count(course) == 0:
        blocked = "no_questions"
    elif course.max_attempts and len(finished) >= course.max_attempts:
        blocked = "max_attempts"
    elif course.cooldown_minutes and finished:
        until = finished[0].finished_at + timedelta(minutes=course.cooldown_minutes)
        if clock.now() < until:
            blocked = "cooldown"
        else:
            until = None
    return QuizStatus(attempts, open_attempt, passed, read, total, question_count(course), blocked, until, cycle)


def start_attempt(user: User, course: Course, seed: int | None = None) -> Attempt:
    """Resume the open attempt, or draw and freeze a new one; QuizError when not allowed."""
    begin_write()
    status = quiz_status(user, course)
    if status.open_attempt is not None:
        db.session.rollback()
        return status.open_attempt
    if status.blocked:
        db.session.rollback()
        raise QuizError(status.blocked, status.next_start_at)
    seed = secrets.randbits(62) if seed is None else seed
    try:
        drawn = draw(pool_of(course), [(b.clause_keys, b.count) for b in course.blueprint],
                     random.Random(seed), avoid=previous_questions(user, course))  # nosec B311  # noqa: S311 - reproducible, not secret
    except DrawError:
        db.session.rollback()
        current_app.logger.error("course %s: the question pool cannot fill the blueprint", course.key)
        raise QuizError("unavailable") from None
    now = clock.now()
    # Numbers run on across cycles: (person, course, number) is unique.
    number = (db.session.scalar(select(func.max(Attempt.number)).where(
        Attempt.user_id == user.id, Attempt.course_id == course.id)) or 0) + 1
    attempt = Attempt(
        user_id=user.id, course_id=course.id, number=number, seed=seed, state=OPEN, started_at=now,
        deadline_at=now + timedelta(minutes=course.time_limit_minutes) if course.time_limit_minutes else None,
        grace_seconds=course.grace_seconds, pass_mark=course.pass_mark,
        multiple_grading=course.multiple_grading, review_policy=course.review_policy, cycle=status.cycle,
        questions=[AttemptQuestion(position=i, question_version_id=d.question.version_id,
                                   option_order=list(d.option_order)) for i, d in enumerate(drawn, start=1)],
    )
    db.session.add(attempt)
    try:
        db.session.flush()
        progress.touch(user.id, course.id, status.cycle)
        db.session.commit()
    except IntegrityError:  # a parallel start won: use its attempt
        db.session.rollback()
        existing = quiz_status(user, course).open_attempt
        if existing is None:
            raise
        return existing
    return attempt


def _attempt_query(user_id: int, attempt_id: int):
    version = selectinload(Attempt.questions).selectinload(AttemptQuestion.version)
    return (select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
            .options(version.selectinload(QuestionVersion.options), version.selectinload(QuestionVersion.clauses)))


def load_attempt(user_id: int, attempt_id: int) -> Attempt | None:
    """The person's own attempt with its questions; None for anyone else's (the page says 404)."""
    return db.session.scalar(_attempt_query(user_id, attempt_id))


def _close(attempt: Attempt, reason: str, now: datetime) -> bool:
    """Grade the frozen questions and close the attempt, only if it is still open (one winner).

    Returns whether the attempt passed.
    """
    credits = []
    for question in attempt.questions:
        options = frozenset(question.option_order)
        correct = frozenset(o.id for o in question.version.options if o.is_correct)
        selected = frozenset(question.selected or ())
        credits.append(grading.question_type(question.version.type).grade(
            options, correct, selected, attempt.multiple_grading))
    score = grading.percent(credits, len(attempt.questions))
    result = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.state == OPEN)
        .values(state=FINISHED, finished_at=now, finish_reason=reason, score_bp=grading.basis_points(score),
                passed=grading.passes(score, attempt.pass_mark))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    # The row changed behind the ORM's back: reload these fields from this transaction when next read.
    db.session.expire(attempt, ["state", "finished_at", "finish_reason", "score_bp", "passed"])
    for question, credit in zip(attempt.questions, credits, strict=True):
        question.credit = float(credit)
    return grading.passes(score, attempt.pass_mark)


def _locked(user_id: int, attempt_id: int, with_options: bool = True) -> Attempt:
    """The person's attempt, locked for this transaction; options are loaded only when grading needs them."""
    query = _attempt_query(user_id, attempt_id) if with_options else (
        select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
        .options(selectinload(Attempt.questions).joinedload(AttemptQuestion.version)))
    attempt = db.session.scalar(query.with_for_update(of=Attempt))
    if attempt is None:
        db.session.rollback()
        raise QuizError("not_found")
    return attempt


def finish_attempt(user_id: int, attempt_id: int) -> Attempt:
    """Finish and score the attempt; repeating it (or racing it) changes nothing."""
    begin_write()
    attempt = _locked(user_id, attempt_id)
    if attempt.state == OPEN:
        now = clock.now()
        late = attempt.closes_at is not None and now > attempt.closes_at
        # An attempt counts in the cycle it ends in: one begun just before a renewing round opened
        # still counts towards the new round.
        attempt.cycle = current_cycle(user_id, attempt.course_id)
        if _close(attempt, "timeout" if late else "submitted", now):
            # Passing may complete the course: the certificate is issued in this same transaction.
            issue_if_complete(db.session.get(User, user_id), attempt.course, attempt.cycle)
        progress.touch(user_id, attempt.course_id, attempt.cycle)
    db.session.commit()
    return load_attempt(user_id, attempt_id)


def close_if_due(user_id: int, attempt: Attempt) -> Attempt:
    """An open attempt past its deadline and grace is finished with what was saved in time."""
    if attempt.state == OPEN and attempt.closes_at is not None and clock.now() > attempt.closes_at:
        return finish_attempt(user_id, attempt.id)
    return attempt


@dataclass(frozen=True)
class SaveResult:
    answered: int
    total: int


def save_answers(user_id: int, attempt_id: int, answers: dict[int, list[int]]) -> SaveResult:
    """Save answers given as {question position: [option positions as shown]}; all or nothing.

    Refused when the attempt is finished, past its deadline and grace (it is then closed), or
    when a position is not in the drawn set.
    """
    begin_write()
    attempt = _locked(user_id, attempt_id, with_options=False)
    if attempt.state != OPEN:
        db.session.rollback()
        raise QuizError("closed")
    now = clock.now()
    if attempt.closes_at is not None and now > attempt.closes_at:
        db.session.rollback()
        finish_attempt(user_id, attempt_id)  # grades with the options loaded
        raise QuizError("time_up")
    by_position = {q.position: q for q in attempt.questions}
    changes = []
    for position, chosen in answers.items():
        question = by_position.get(position)
        if question is None:
            db.session.rollback()
            raise QuizError("bad_question")
        order = question.option_order
        if any(not 0 <= i < len(order) for i in chosen) or (
                len(set(chosen)) > 1 and not grading.question_type(question.version.type).multiple_answers):
            db.session.rollback()
            raise QuizError("bad_option")
        changes.append((question, sorted({order[i] for i in chosen})))
    for question, option_ids in changes:
        question.selected = option_ids or None
        question.answered_at = now if option_ids else None
    result = SaveResult(sum(1 for q in attempt.questions if q.selected), len(attempt.questions))
    db.session.commit()
    return result
