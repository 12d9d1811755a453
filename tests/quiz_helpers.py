"""Helpers for quiz tests: read lessons, know the right answers, move the clock."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms.extensions import db
from lms.learn.services import mark_read
from lms.models import Attempt


def read_all(user, course) -> None:
    for lesson in course.lessons:
        mark_read(user, lesson)
    db.session.commit()


def right_answers(attempt: Attempt) -> dict[int, list[int]]:
    """{position: [display indexes of the correct options]} — what a perfect candidate would tick."""
    answers = {}
    for question in attempt.questions:
        correct = {o.id for o in question.version.options if o.is_correct}
        answers[question.position] = [i for i, option_id in enumerate(question.option_order) if option_id in correct]
    return answers


def wrong_answers(attempt: Attempt) -> dict[int, list[int]]:
    """One wrong option per question."""
    answers = {}
    for question in attempt.questions:
        correct = {o.id for o in question.version.options if o.is_correct}
        answers[question.position] = [next(i for i, option_id in enumerate(question.option_order)
                                           if option_id not in correct)]
    return answers


class Clock:
    """A controllable replacement for lms.clock.now."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2024, 6, 3, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)
