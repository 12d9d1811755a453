"""Quiz lifecycle as services: eligibility, drawing and freezing, saving, finishing, limits, time."""
import copy
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import clock
from lms.content.importer import sync_course
from lms.content.loader import load_course
from lms.extensions import db
from lms.models import Attempt, QuestionVersion
from lms.quiz import services
from lms.quiz.review import build_review, build_sheet
from lms.quiz.services import QuizError
from tests.conftest import BANK, COURSE_KEY
from tests.factories import make_user
from tests.quiz_helpers import Clock, read_all, right_answers, wrong_answers


@pytest.fixture
def learner(ctx, course):
    user = make_user()
    read_all(user, course)
    return user


@pytest.fixture
def fake_clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    return fake


def test_lessons_must_be_read_first(ctx, course):
    user = make_user()
    with pytest.raises(QuizError) as error:
        services.start_attempt(user, course)
    assert error.value.reason == "lessons_unread"
    course.require_lessons_read = False
    db.session.commit()
    assert services.start_attempt(user, course).is_open


def test_start_draws_the_blueprint_and_freezes_versions(learner, course):
    attempt = services.start_attempt(learner, course)
    assert len(attempt.questions) == sum(b.count for b in course.blueprint) == 12
    assert [q.position for q in attempt.questions] == list(range(1, 13))
    for question in attempt.questions:
        assert sorted(question.option_order) == sorted(o.id for o in question.version.options)
    covered = {c.key for q in attempt.questions for c in q.version.clauses}
    assert covered == {c.key for c in course.clauses}


def test_starting_again_resumes_the_open_attempt(learner, course):
    first = services.start_attempt(learner, course)
    assert services.start_attempt(learner, course).id == first.id
    assert db.session.query(Attempt).count() == 1


def test_answers_are_saved_and_resumed(learner, course):
    attempt = services.start_attempt(learner, course)
    services.save_answers(learner.id, attempt.id, {1: [0], 2: [1]})
    services.save_answers(learner.id, attempt.id, {2: [0]})
    db.session.expire_all()
    sheet = build_sheet(services.load_attempt(learner.id, attempt.id))
    assert [o.selected for o in sheet[0].options][0] is True
    assert [o.index for o in sheet[1].options if o.selected] == [0]
    assert sum(q.answered for q in sheet) == 2


def test_bad_answers_change_nothing(learner, course):
    attempt = services.start_attempt(learner, course)
    services.save_answers(learner.id, attempt.id, {1: [0]})
    for answers, reason in (({99: [0]}, "bad_question"), ({1: [0], 2: [42]}, "bad_option")):
        with pytest.raises(QuizError) as error:
            services.save_answers(learner.id, attempt.id, answers)
        assert error.value.reason == reason
    single = next(q for q in attempt.questions if q.version.type == "single")
    with pytest.raises(QuizError):
        services.save_answers(learner.id, attempt.id, {single.position: [0, 1]})
    db.session.expire_all()
    saved = services.load_attempt(learner.id, attempt.id)
    assert [q.selected is not None for q in saved.questions].count(True) == 1


def test_another_persons_attempt_is_not_found(learner, course):
    attempt = services.start_attempt(learner, course)
    other = make_user()
    assert services.load_attempt(other.id, attempt.id) is None
    for call in (lambda: services.save_answers(other.id, attempt.id, {1: [0]}),
                 lambda: services.finish_attempt(other.id, attempt.id)):
        with pytest.raises(QuizError) as error:
            call()
        assert error.value.reason == "not_found"


def test_perfect_answers_pass_and_finishing_twice_changes_nothing(learner, course):
    attempt = services.start_attempt(learner, course)
    services.save_answers(learner.id, attempt.id, right_answers(attempt))
    done = services.finish_attempt(learner.id, attempt.id)
    assert done.state == "finished" and done.passed and done.score_bp == 10000
    first_finish = done.finished_at
    again = services.finish_attempt(learner.id, attempt.id)
    assert again.finished_at == first_finish and again.score_bp == 10000
    with pytest.raises(QuizError) as error:
        services.save_answers(learner.id, attempt.id, {1: [0]})
    assert error.value.reason == "closed"


def test_missing_answers_score_zero(learner, course):
    attempt = services.start_attempt(learner, course)
    answers = right_answers(attempt)
    services.save_answers(learner.id, attempt.id, {p: answers[p] for p in range(1, 10)})  # 9 of 12
    done = services.finish_attempt(learner.id, attempt.id)
    assert done.score_bp == 7500 and not done.passed


def test_passing_blocks_a_new_attempt(learner, course):
    attempt = services.start_attempt(learner, course)
    services.save_answers(learner.id, attempt.id, right_answers(attempt))
    services.finish_attempt(learner.id, attempt.id)
    with pytest.raises(QuizError) as error:
        services.start_attempt(learner, course)
    assert error.value.reason == "already_passed"


def test_retry_avoids_the_previous_questions(learner, course):
    first = services.start_attempt(learner, course)
    services.finish_attempt(learner.id, first.id)
    second = services.start_attempt(learner, course)
    assert second.number == 2 and second.seed != first.seed
    before = {q.version.question_id for q in first.questions}
    after = {q.version.question_id for q in second.questions}
    assert not before & after  # every clause has at least 6 questions, the blueprint asks for 1 or 2


def test_max_attempts_and_cooldown(learner, course, fake_clock):
    course.max_attempts, course.cooldown_minutes = 2, 30
    db.session.commit()
    first = services.start_attempt(learner, course)
    services.finish_attempt(learner.id, first.id)
    with pytest.raises(QuizError) as error:
        services.start_attempt(learner, course)
    assert error.value.reason == "cooldown" and error.value.until == fake_clock.current + timedelta(minutes=30)
    fake_clock.advance(minutes=31)
    second = services.start_attempt(learner, course)
    services.finish_attempt(learner.id, second.id)
    fake_clock.advance(days=1)
    with pytest.raises(QuizError) as error:
        services.start_attempt(learner, course)
    assert error.value.reason == "max_attempts"


def test_time_limit_with_grace_is_enforced_on_the_server(learner, course, fake_clock):
    course.time_limit_minutes, course.grace_seconds = 20, 30
    db.session.commit()
    attempt = services.start_attempt(learner, course)
    assert attempt.deadline_at == fake_clock.current + timedelta(minutes=20)
    answers = right_answers(attempt)
    fake_clock.advance(minutes=20, seconds=20)  # past the deadline, within grace: accepted
    services.save_answers(learner.id, attempt.id, {p: answers[p] for p in range(1, 11)})
    fake_clock.advance(seconds=11)  # past grace: refused, and the attempt closes with what was saved
    with pytest.raises(QuizError) as error:
        services.save_answers(learner.id, attempt.id, {11: answers[11], 12: answers[12]})
    assert error.value.reason == "time_up"
    closed = services.load_attempt(learner.id, attempt.id)
    assert closed.state == "finished" and closed.finish_reason == "timeout"
    assert closed.score_bp == 8333 and closed.passed


def test_an_expired_attempt_closes_when_next_seen(learner, course, fake_clock):
    course.time_limit_minutes, course.grace_seconds = 5, 0
    db.session.commit()
    attempt = services.start_attempt(learner, course)
    fake_clock.advance(minutes=6)
    closed = services.close_if_due(learner.id, services.load_attempt(learner.id, attempt.id))
    assert closed.finish_reason == "timeout" and closed.score_bp == 0


def test_finishing_late_is_recorded_as_timeout(learner, course, fake_clock):
    course.time_limit_minutes = 1
    db.session.commit()
    attempt = services.start_attempt(learner, course)
    fake_clock.advance(minutes=2)
    assert services.finish_attempt(learner.id, attempt.id).finish_reason == "timeout"


def test_editing_the_bank_never_changes_a_past_attempt(learner, course):
    attempt = services.start_attempt(learner, course)
    services.save_answers(learner.id, attempt.id, right_answers(attempt))
    done = services.finish_attempt(learner.id, attempt.id)
    review_before = build_review(done)
    texts_before = [q.text for q in review_before.questions]
    options_before = [[o.text for o in q.options] for q in review_before.questions]

    spec, _ = load_course(BANK / COURSE_KEY)
    edited = copy.deepcopy(spec)
    drawn_keys = {q.version.question.key for q in done.questions}
    for question in edited.questions:
        if question.key in drawn_keys:
            question.text += " (đã sửa)"
            for option in question.options:
                option.correct = not option.correct
    sync_course(edited)
    db.session.commit()
    db.session.expire_all()

    again = services.load_attempt(learner.id, attempt.id)
    review_after = build_review(again)
    assert again.score_bp == 10000 and again.passed
    assert [q.text for q in review_after.questions] == texts_before
    assert [[o.text for o in q.options] for q in review_after.questions] == options_before
    assert all(q.credit == 1 for q in review_after.questions)
    assert db.session.scalar(select(QuestionVersion).where(QuestionVersion.text.endswith("(đã sửa)"))) is not None


def test_review_policy(learner, course):
    course.review_policy = "after_pass"
    db.session.commit()
    attempt = services.start_attempt(learner, course)
    services.save_answers(learner.id, attempt.id, wrong_answers(attempt))
    failed = services.finish_attempt(learner.id, attempt.id)
    review = build_review(failed)
    assert not review.show_answers
    assert all(o.correct is None for q in review.questions for o in q.options)
    assert all(q.explanation is None for q in review.questions)
    assert all(c.missed for c in review.clauses)
    assert all(c.lesson_key for c in review.clauses)


def test_review_breakdown_by_clause(learner, course):
    attempt = services.start_attempt(learner, course)
    right, wrong = right_answers(attempt), wrong_answers(attempt)
    target = attempt.questions[0].version.clauses[0].key
    answers = {q.position: (wrong if any(c.key == target for c in q.version.clauses) else right)[q.position]
               for q in attempt.questions}
    services.save_answers(learner.id, attempt.id, answers)
    review = build_review(services.finish_attempt(learner.id, attempt.id))
    assert review.show_answers
    missed = [c.key for c in review.clauses if c.missed]
    assert target in missed
    for question in review.questions:
        assert question.explanation and sum(1 for o in question.options if o.correct) >= 1


def test_same_seed_draws_the_same_quiz(learner, course):
    seed = random.Random(7).getrandbits(62)
    first = services.start_attempt(learner, course, seed=seed)
    order = [(q.question_version_id, q.option_order) for q in first.questions]
    other = make_user()
    read_all(other, course)
    second = services.start_attempt(other, course, seed=seed)
    assert [(q.question_version_id, q.option_order) for q in second.questions] == order
