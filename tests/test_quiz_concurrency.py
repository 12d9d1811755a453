"""Races: many finishes, starts and saves at once give one attempt, one score, no lost answer."""
import threading

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Attempt, Course, User
from lms.quiz import services
from lms.quiz.services import QuizError
from tests.factories import make_user
from tests.quiz_helpers import read_all, right_answers

THREADS = 8


def _in_parallel(app, work, count=THREADS):
    """Run work(index) in `count` threads released together; return results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(index)
            except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def started(ctx, course):
    user = make_user()
    read_all(user, course)
    attempt = services.start_attempt(user, course)
    services.save_answers(user.id, attempt.id, right_answers(attempt))
    return user.id, attempt.id


def test_parallel_finishes_score_once(app, started):
    user_id, attempt_id = started

    def finish(_index):
        attempt = services.finish_attempt(user_id, attempt_id)
        return attempt.score_bp, attempt.finished_at

    results = _in_parallel(app, finish)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert results[0][0] == 10000


def test_parallel_starts_make_one_attempt(app, ctx, course):
    user = make_user()
    read_all(user, course)
    user_id, course_id = user.id, course.id

    def start(_index):
        return services.start_attempt(db.session.get(User, user_id), db.session.get(Course, course_id)).id

    results = _in_parallel(app, start)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    db.session.rollback()  # leave this session's old snapshot (SQLite WAL readers see a fixed state)
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == user_id)) == 1


def test_saves_racing_a_finish_lose_nothing_that_was_accepted(app, ctx, course):
    user = make_user()
    read_all(user, course)
    attempt = services.start_attempt(user, course)
    answers = right_answers(attempt)
    user_id, attempt_id = user.id, attempt.id

    def work(index):
        if index == THREADS - 1:
            return services.finish_attempt(user_id, attempt_id).score_bp
        accepted = []
        for position in range(1 + index, 13, THREADS - 1):
            try:
                services.save_answers(user_id, attempt_id, {position: answers[position]})
                accepted.append(position)
            except QuizError as error:
                assert error.reason == "closed"
        return accepted

    results = _in_parallel(app, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    accepted = sorted(p for r in results[:-1] for p in r)
    db.session.rollback()
    final = services.load_attempt(user_id, attempt_id)
    saved = sorted(q.position for q in final.questions if q.selected)
    assert saved == accepted  # every accepted save is in the scored attempt, nothing more
    assert final.score_bp == round(10000 * len(accepted) / 12)
    assert final.score_bp == results[-1]
