"""Quiz integrity from the outside: scores, flags and option ids a client sends are never believed, and a
finished attempt takes no more answers."""
from __future__ import annotations

import pytest

from lms.extensions import db
from lms.models import Attempt, Certificate
from tests.conftest import COURSE_KEY, csrf_token, login_as
from tests.factories import make_user
from tests.quiz_helpers import read_all, right_answers, wrong_answers

FORGED = {"score": "100", "score_bp": "10000", "passed": "1", "state": "finished", "credit": "1",
          "correct": "1", "is_correct": "1", "finish_reason": "submitted", "pass_mark": "0", "total": "1"}


@pytest.fixture
def sheet(client, course):
    learner = make_user("Lê Thị Học")
    read_all(learner, course)
    login_as(client, learner)
    page = client.get(f"/courses/{COURSE_KEY}/quiz").get_data(as_text=True)
    started = client.post(f"/courses/{COURSE_KEY}/quiz/start", data={"csrf_token": csrf_token(page)})
    url = started.headers["Location"]
    attempt = db.session.get(Attempt, int(url.rsplit("/", 1)[1]))
    token = csrf_token(client.get(url).get_data(as_text=True))
    return {"url": url, "attempt": attempt, "token": token, "learner": learner}


def _form(answers: dict[int, list[int]]) -> dict:
    data = {"shown": [str(p) for p in answers]}
    data.update({f"q{p}": [str(i) for i in picks] for p, picks in answers.items()})
    return data


def test_a_forged_score_or_pass_flag_is_ignored(client, sheet):
    response = client.post(sheet["url"] + "/finish",
                           data={"csrf_token": sheet["token"], **_form(wrong_answers(sheet["attempt"])), **FORGED})
    assert response.status_code == 302
    db.session.expire_all()
    attempt = db.session.get(Attempt, sheet["attempt"].id)
    assert attempt.score_bp == 0 and attempt.passed is False
    assert db.session.query(Certificate).count() == 0


def test_ticking_every_option_earns_nothing(client, sheet):
    """Several picks on a one-answer question are refused or graded wrong; on a multiple one they cancel out."""
    every = {q.position: list(range(len(q.option_order))) for q in sheet["attempt"].questions}
    client.post(sheet["url"] + "/save", data={"csrf_token": sheet["token"], **_form(every)})
    client.post(sheet["url"] + "/finish", data={"csrf_token": sheet["token"], **_form(every)})
    client.post(sheet["url"] + "/finish", data={"csrf_token": sheet["token"]})
    db.session.expire_all()
    attempt = db.session.get(Attempt, sheet["attempt"].id)
    assert not attempt.is_open and attempt.score_bp == 0 and attempt.passed is False


def test_option_ids_instead_of_positions_are_not_credited(client, sheet):
    """The sheet posts display positions; a client that learned the correct options' database ids and posts
    them gets no credit for it (they are refused as positions that do not exist, or graded as such)."""
    attempt = sheet["attempt"]
    by_id = {q.position: [o.id for o in q.version.options if o.is_correct] for q in attempt.questions}
    client.post(sheet["url"] + "/save", data={"csrf_token": sheet["token"], **_form(by_id)})
    client.post(sheet["url"] + "/finish", data={"csrf_token": sheet["token"]})
    db.session.expire_all()
    finished = db.session.get(Attempt, attempt.id)
    right = right_answers(finished)
    credited = sum(1 for q in finished.questions if by_id[q.position] == right[q.position])
    assert finished.score_bp <= credited * 10000 // len(finished.questions)


def test_a_finished_attempt_takes_no_more_answers(client, sheet):
    url, token = sheet["url"], sheet["token"]
    client.post(url + "/finish", data={"csrf_token": token, **_form(wrong_answers(sheet["attempt"]))})
    db.session.expire_all()
    before = [(q.position, q.selected) for q in db.session.get(Attempt, sheet["attempt"].id).questions]
    right = right_answers(sheet["attempt"])
    late = client.post(url + "/answer", data={"question": "1", "option": str(right[1][0])},
                       headers={"X-CSRFToken": token})
    assert late.status_code == 409 and late.get_json()["closed"] is True
    saved = client.post(url + "/save", data={"csrf_token": token, **_form(right)})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/review")
    again = client.post(url + "/finish", data={"csrf_token": token, **_form(right)})
    assert again.headers["Location"].endswith("/review")
    db.session.expire_all()
    attempt = db.session.get(Attempt, sheet["attempt"].id)
    assert [(q.position, q.selected) for q in attempt.questions] == before and attempt.score_bp == 0


def test_messages_about_refused_answers_never_say_which_option_is_right(client, sheet):
    attempt = sheet["attempt"]
    right_texts = {o.text for q in attempt.questions for o in q.version.options if o.is_correct}
    explanations = {q.version.explanation for q in attempt.questions}
    for data in ({"question": "1", "option": "99"}, {"question": "99", "option": "0"}, {"question": "x"}):
        response = client.post(sheet["url"] + "/answer", data=data, headers={"X-CSRFToken": sheet["token"]})
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and set(response.get_json()) <= {"ok", "error", "closed"}
        assert not any(text in body for text in right_texts | explanations)
    shown = client.post(sheet["url"] + "/save", data={"csrf_token": sheet["token"], "shown": "1", "q1": "99"},
                        follow_redirects=True).get_data(as_text=True)
    assert "không thuộc bài kiểm tra" in shown
    assert not any(text in shown for text in explanations)
    assert "tag-correct" not in shown and "is-correct" not in shown
