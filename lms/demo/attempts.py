"""Quiz history for the demo: people who finished reading have passed, failed, or passed on a retry."""
from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms import clock
from lms.certificates.services import sign_commitment
from lms.extensions import db
from lms.models import Attempt, Course, LessonRead, User
from lms.quiz import services


def _answers(attempt: Attempt, rng: random.Random, right: int) -> dict[int, list[int]]:
    """Answer `right` questions correctly and the rest with a wrong option."""
    answers = {}
    good = set(rng.sample([q.position for q in attempt.questions], right))
    for question in attempt.questions:
        correct = {o.id for o in question.version.options if o.is_correct}
        if question.position in good:
            answers[question.position] = [i for i, oid in enumerate(question.option_order) if oid in correct]
        else:
            answers[question.position] = [next(i for i, oid in enumerate(question.option_order) if oid not in correct)]
    return answers


@contextmanager
def _clock_at(moment: datetime):
    """Run the real services as if it were `moment`, so the history has realistic dates throughout."""
    real = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = real


def _sit(user: User, course: Course, rng: random.Random, right: int, when: datetime) -> Attempt:
    with _clock_at(when):
        started = services.start_attempt(user, course, seed=rng.getrandbits(62))
        attempt = services.load_attempt(user.id, started.id)
        services.save_answers(user.id, attempt.id, _answers(attempt, rng, right))
        services.finish_attempt(user.id, attempt.id)
    attempt = db.session.get(Attempt, attempt.id)
    attempt.started_at = when
    attempt.finished_at = when + timedelta(minutes=rng.randint(6, 15))
    if attempt.deadline_at is not None:
        attempt.deadline_at = when + timedelta(minutes=course.time_limit_minutes)
    db.session.commit()
    return attempt


def add_attempts(rng: random.Random, course: Course, skip_codes: set[str]) -> int:
    """Give about two thirds of those who read every lesson a quiz history; return how many sat it."""
    lessons = len([lesson for lesson in course.lessons if lesson.retired_at is None])
    readers = db.session.execute(
        select(User, func.max(LessonRead.read_at)).join(LessonRead, LessonRead.user_id == User.id)
        .group_by(User.id).having(func.count(LessonRead.id) >= lessons).order_by(User.id)
    ).all()
    sat = 0
    latest = clock.now() - timedelta(hours=2)  # nothing in the future, even for the last readers
    for user, last_read in readers:
        if user.employee_code in skip_codes:
            continue
        plan = rng.choice(["pass", "pass", "retry_pass", "fail", "none"])
        if plan == "none":
            continue
        when = min(last_read + timedelta(minutes=rng.randint(5, 120)), latest)
        if plan in {"fail", "retry_pass"}:
            _sit(user, course, rng, rng.randint(5, 9), when)
            when = min(when + timedelta(hours=rng.randint(1, 30)), latest)
        if plan in {"pass", "retry_pass"}:
            _sit(user, course, rng, rng.randint(10, 12), when)
            if rng.random() < 0.85:  # most who passed have signed the commitment and hold a certificate
                with _clock_at(when + timedelta(minutes=rng.randint(20, 90))):
                    sign_commitment(user, course, agreed=True, typed_name=user.full_name,
                                    ip_address="10.36.1.20", user_agent="demo")
        sat += 1
    return sat
