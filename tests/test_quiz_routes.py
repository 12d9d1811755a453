"""Quiz pages and their integrity: nothing correct reaches the browser early, nobody else's attempt, no late answers."""
import re

import pytest

from lms import clock
from lms.extensions import db
from lms.models import Attempt
from lms.quiz import services
from tests.conftest import COURSE_KEY, csrf_token, login_as
from tests.factories import make_user
from tests.quiz_helpers import Clock, read_all, right_answers, wrong_answers

QUIZ = f"/courses/{COURSE_KEY}/quiz"


@pytest.fixture
def learner(client, course):
    user = make_user("Lê Thị Học")
    read_all(user, course)
    login_as(client, user)
    return user


def _token(client, url=QUIZ):
    return csrf_token(client.get(url).get_data(as_text=True))


def _start(client):
    response = client.post(f"{QUIZ}/start", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(Attempt, attempt_id)


def _form(answers: dict[int, list[int]]) -> dict:
    data = {"shown": [str(p) for p in answers]}
    for position, picks in answers.items():
        data[f"q{position}"] = [str(i) for i in picks]
    return data


def test_landing_explains_rules_and_starts(client, learner, course):
    html = client.get(QUIZ).get_data(as_text=True)
    assert "12 câu hỏi" in html and "Điểm đạt: 80%." in html and "Bắt đầu làm bài" in html
    attempt = _start(client)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert page.count('<fieldset class="card question"') == 12
    assert "Đã trả lời 0/12 câu" in page


def test_lessons_unread_blocks_start(client, course):
    login_as(client, make_user())
    html = client.get(QUIZ).get_data(as_text=True)
    assert "Hãy đọc hết các bài học trước khi làm bài kiểm tra." in html
    response = client.post(f"{QUIZ}/start", data={"csrf_token": _token(client)}, follow_redirects=True)
    assert "Hãy đọc hết các bài học trước khi làm bài kiểm tra." in response.get_data(as_text=True)
    assert db.session.query(Attempt).count() == 0


def test_the_sheet_never_carries_correct_answers(client, learner, course):
    attempt = _start(client)
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    values = re.findall(r'<input type="(?:radio|checkbox)" name="q(\d+)" value="(\d+)"', html)
    for question in attempt.questions:
        shown = [int(v) for p, v in values if int(p) == question.position]
        assert shown == list(range(len(question.option_order)))  # display positions, never option ids
        assert question.version.explanation not in html
    assert "correct" not in html.lower().replace("select every correct answer", "")


def test_autosave_json_says_nothing_about_correctness(client, learner, course):
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    response = client.post(f"/attempts/{attempt.id}/answer", data={"question": "1", "option": "0"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "answered": 1, "total": 12}
    bad = client.post(f"/attempts/{attempt.id}/answer", data={"question": "1", "option": "9"},
                      headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and set(bad.get_json()) == {"ok", "error", "closed"}
    assert "Câu trả lời này không thuộc bài kiểm tra" in bad.get_json()["error"]


def test_autosave_needs_csrf(client, learner, course):
    attempt = _start(client)
    assert client.post(f"/attempts/{attempt.id}/answer", data={"question": "1", "option": "0"}).status_code == 400


def test_question_outside_the_drawn_set_is_refused(client, learner, course):
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    for question in ("13", "0", "-1", "abc"):
        response = client.post(f"/attempts/{attempt.id}/answer", data={"question": question, "option": "0"},
                               headers={"X-CSRFToken": token})
        assert response.status_code == 400


def test_save_without_javascript_and_resume(client, learner, course):
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    answers = {1: [0], 2: [1]}
    response = client.post(f"/attempts/{attempt.id}/save", data={"csrf_token": token, **_form(answers)})
    assert response.status_code == 302
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Đã trả lời 2/12 câu" in page
    assert re.search(r'name="q1" value="0" checked', page) and re.search(r'name="q2" value="1" checked', page)


def test_finish_scores_once_and_replay_goes_to_the_review(client, learner, course):
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    response = client.post(f"/attempts/{attempt.id}/finish",
                           data={"csrf_token": token, **_form(right_answers(attempt))})
    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"
    db.session.expire_all()
    finished = db.session.get(Attempt, attempt.id)
    score, when = finished.score_bp, finished.finished_at
    replay = client.post(f"/attempts/{attempt.id}/finish", data={"csrf_token": token, **_form(wrong_answers(attempt))})
    assert replay.headers["Location"] == f"/attempts/{attempt.id}/review"
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).score_bp == score == 10000
    assert db.session.get(Attempt, attempt.id).finished_at == when
    back = client.get(f"/attempts/{attempt.id}")
    assert back.status_code == 302 and back.headers["Location"].endswith("/review")
    review = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Đạt — 100%" in review


def test_review_after_failing_links_back_to_lessons(client, learner, course):
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    client.post(f"/attempts/{attempt.id}/finish", data={"csrf_token": token, **_form(wrong_answers(attempt))})
    html = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Chưa đạt — 0%" in html
    assert html.count("Đọc lại bài học") == len(course.clauses)
    assert f'/courses/{COURSE_KEY}/lessons/1a"' in html
    assert "tag-correct" in html and 'class="explanation"' in html  # policy: always
    assert "Làm lại" in html


def test_another_persons_attempt_is_404_everywhere(client, learner, course):
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    intruder = make_user()
    login_as(client, intruder)
    token = _token(client, "/courses")
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 404
    assert client.post(f"/attempts/{attempt.id}/answer", data={"question": "1", "option": "0"},
                       headers={"X-CSRFToken": token}).status_code == 404
    assert client.post(f"/attempts/{attempt.id}/save", data={"csrf_token": token, **_form({1: [0]})}).status_code == 404
    assert client.post(f"/attempts/{attempt.id}/finish", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).is_open
    assert all(q.selected is None for q in db.session.get(Attempt, attempt.id).questions)


def test_late_answers_are_refused(client, learner, course, monkeypatch):
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    course.time_limit_minutes, course.grace_seconds = 10, 15
    db.session.commit()
    attempt = _start(client)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert 'id="quiz-timer"' in page
    token = csrf_token(page)
    fake.advance(minutes=10, seconds=16)
    late = client.post(f"/attempts/{attempt.id}/answer", data={"question": "1", "option": "0"},
                       headers={"X-CSRFToken": token})
    assert late.status_code == 409 and late.get_json()["closed"] is True
    db.session.expire_all()
    closed = db.session.get(Attempt, attempt.id)
    assert closed.finish_reason == "timeout" and closed.questions[0].selected is None
    follow = client.get(f"/attempts/{attempt.id}", follow_redirects=True).get_data(as_text=True)
    assert "Đã hết giờ" in follow


def test_my_courses_shows_quiz_progress_and_history(client, learner, course):
    attempt = _start(client)
    assert "Đang làm bài" in client.get("/courses").get_data(as_text=True)
    token = _token(client, f"/attempts/{attempt.id}")
    client.post(f"/attempts/{attempt.id}/finish", data={"csrf_token": token, **_form(wrong_answers(attempt))})
    html = client.get("/courses").get_data(as_text=True)
    assert "Chưa đạt" in html and "Tiến độ: 9/10 bước" in html
    second = _start(client)
    token = _token(client, f"/attempts/{second.id}")
    client.post(f"/attempts/{second.id}/finish", data={"csrf_token": token, **_form(right_answers(second))})
    html = client.get("/courses").get_data(as_text=True)
    assert "Đạt" in html and "Tiến độ: 10/10 bước" in html and 'aria-valuenow="10"' in html
    assert "2 lần làm bài" in html
    assert f'/attempts/{attempt.id}/review">Lần 1</a>' in html and f'/attempts/{second.id}/review">Lần 2</a>' in html
    assert "100%, Đạt" in html and "0%, Chưa đạt" in html
    landing = client.get(QUIZ).get_data(as_text=True)
    assert landing.count("/review") == 2 and "Bạn đã đạt với 100% ở lần làm bài 2." in landing


def test_never_policy_hides_answers_in_the_review(client, learner, course):
    course.review_policy = "never"
    db.session.commit()
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    client.post(f"/attempts/{attempt.id}/finish", data={"csrf_token": token, **_form(right_answers(attempt))})
    html = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "tag-correct" not in html and 'class="explanation"' not in html
    assert "Bài kiểm tra này không hiển thị đáp án đúng." in html
    for question in attempt.questions:
        assert question.version.explanation not in html


def test_service_level_resume_after_reload(client, learner, course):
    attempt = _start(client)
    services.save_answers(learner.id, attempt.id, {3: [1]})
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert re.search(r'name="q3" value="1" checked', page)


def test_hidden_answers_also_hide_which_questions_were_right(client, learner, course):
    course.review_policy = "never"
    db.session.commit()
    attempt = _start(client)
    token = _token(client, f"/attempts/{attempt.id}")
    answers = wrong_answers(attempt)
    answers[1] = right_answers(attempt)[1]
    client.post(f"/attempts/{attempt.id}/finish", data={"csrf_token": token, **_form(answers)})
    html = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "outcome-correct" not in html and "outcome-wrong" not in html
    assert "✓ Đúng" not in html and "✗ Sai" not in html
    assert "Bạn chọn" in html  # the answer given is still shown


def test_a_pool_too_small_for_the_blueprint_is_a_message_not_an_error(client, learner, course):
    from lms.models import BlueprintItem

    db.session.add(BlueprintItem(course_id=course.id, position=99, clause_keys=["1c"], count=50))
    db.session.commit()
    response = client.post(f"{QUIZ}/start", data={"csrf_token": _token(client)}, follow_redirects=True)
    assert response.status_code == 200
    assert "Bài kiểm tra tạm thời chưa sẵn sàng" in response.get_data(as_text=True)
    assert db.session.query(Attempt).count() == 0
