"""Scoring, completion and certificate issue are one transaction: when issuing fails, nothing of the step
that completed the course is kept either — not the score, not the signature, not the lesson read."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.certificates import services as certificates
from lms.extensions import db
from lms.models import Attempt, Certificate, CertificateFile, Commitment, LessonRead
from lms.quiz import services as quiz
from tests.conftest import COURSE_KEY, csrf_token, login_as
from tests.factories import make_user
from tests.quiz_helpers import read_all, right_answers


class RenderFailed(RuntimeError):
    pass


@pytest.fixture
def failing_render(monkeypatch):
    def broken(*args, **kwargs):
        raise RenderFailed("the PDF could not be made")

    monkeypatch.setattr("lms.certificates.issue.render", broken)
    return monkeypatch


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_failed_issue_undoes_the_passing_score(ctx, course, failing_render):
    course.commitment_required = False  # passing completes the course
    db.session.commit()
    learner = make_user()
    read_all(learner, course)
    attempt = quiz.start_attempt(learner, course)
    quiz.save_answers(learner.id, attempt.id, right_answers(quiz.load_attempt(learner.id, attempt.id)))
    with pytest.raises(RenderFailed):
        quiz.finish_attempt(learner.id, attempt.id)
    db.session.rollback()
    db.session.expire_all()
    again = db.session.get(Attempt, attempt.id)
    assert again.state == "open" and again.score_bp is None and not again.passed
    assert _count(Certificate) == 0 and _count(CertificateFile) == 0
    failing_render.undo()
    finished = quiz.finish_attempt(learner.id, attempt.id)
    assert finished.passed and _count(Certificate) == 1


def test_a_failed_issue_undoes_the_signature(ctx, course, failing_render):
    learner = make_user("Phan Văn Đức")
    read_all(learner, course)
    attempt = quiz.start_attempt(learner, course)
    quiz.save_answers(learner.id, attempt.id, right_answers(quiz.load_attempt(learner.id, attempt.id)))
    quiz.finish_attempt(learner.id, attempt.id)
    with pytest.raises(RenderFailed):
        certificates.sign_commitment(learner, course, agreed=True, typed_name=learner.full_name,
                                     ip_address=None, user_agent=None)
    db.session.rollback()
    assert _count(Commitment) == 0 and _count(Certificate) == 0


def test_a_failed_issue_undoes_the_last_lesson_read(app, client, course, monkeypatch):
    """Through the page: the last lesson completes a course whose quiz was already passed."""
    course.commitment_required = False
    db.session.commit()
    learner = make_user()
    read_all(learner, course)
    attempt = quiz.start_attempt(learner, course)
    quiz.save_answers(learner.id, attempt.id, right_answers(quiz.load_attempt(learner.id, attempt.id)))
    last = course.lessons[-1]
    db.session.query(LessonRead).filter_by(user_id=learner.id, lesson_id=last.id).delete()
    db.session.commit()
    quiz.finish_attempt(learner.id, attempt.id)  # passed, one lesson short of complete
    assert _count(Certificate) == 0

    def broken(*args, **kwargs):
        raise RenderFailed("the PDF could not be made")

    monkeypatch.setattr("lms.certificates.issue.render", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    login_as(client, learner)
    page = client.get(f"/courses/{COURSE_KEY}/lessons/{last.key}").get_data(as_text=True)
    response = client.post(f"/courses/{COURSE_KEY}/lessons/{last.key}/read", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.query(LessonRead).filter_by(user_id=learner.id, lesson_id=last.id).count() == 0
    assert _count(Certificate) == 0
