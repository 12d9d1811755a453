"""Injection through course content: a question-bank folder whose titles, clauses, lessons, questions,
options, explanations and commitment carry payloads is loaded from the admin page, then every page a learner
and an admin see is read; lesson Markdown with raw HTML and script links comes out inert."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from lms.extensions import db
from lms.learn.services import get_course
from lms.models import Certificate
from lms.quiz import services as quiz
from lms.rounds.membership import open_round
from tests.conftest import BANK, COURSE_KEY, csrf_token, login_as
from tests.factories import make_unit, make_user
from tests.quiz_helpers import read_all, right_answers, wrong_answers
from tests.security.xss import injection_problems, marker, payload

# The checker refuses raw HTML in lesson bodies (test_content_loader), so the bank carries what Markdown allows:
# script links, an autolink and an indented code block holding a script tag.
LESSON_BODY = """
[a script link](javascript:qtxss_link()) · [entity](javascript&#58;qtxss_ent()) · [vb](vbscript:qtxss_vb())
· [data](data:text/html;base64,PHNjcmlwdD5xdHhzcygpPC9zY3JpcHQ+) · <javascript:qtxss_auto()>

    <script>qtxss_code()</script>

"""
CODE_SHOWN = "&lt;script&gt;qtxss_code()&lt;/script&gt;"
# What a bank that slipped past the checker, or a database edited by hand, might hold.
RAW_BODY = ("<script>qtxss_raw()</script> <img src=x onerror=qtxss_raw()> <svg onload=qtxss_raw()></svg> "
            "<iframe src=\"javascript:qtxss_raw()\"></iframe> <a href=\"javascript:qtxss_raw()\">a</a> "
            "<a href=\" jAvAsCrIpT:qtxss_raw()\">b</a> "
            "<form action=\"javascript:qtxss_raw()\"><button>c</button></form>"
            " <object data=\"data:text/html,x\"></object> <style>body{display:none}</style> **đậm**")


def _rewrite_yaml(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")


def _poison_course(course: dict) -> None:
    course["title"] = payload("ctitle") + course["title"]
    course["summary"] = payload("csummary") + course["summary"]
    course["directive"]["subject"] = payload("dsubject") + course["directive"]["subject"]
    course["directive"]["signatory"]["name"] = payload("signer")
    course["commitment"]["text"] = payload("commit") + course["commitment"]["text"]
    course["quiz"]["review"] = "always"


def _poison_clauses(clauses: list) -> None:
    for clause in clauses:
        clause["label"] = payload("clabel") + clause["label"]
        clause["title"] = payload("ctitle2") + clause["title"]
        clause["text"] = payload("ctext") + clause["text"]


def _poison_questions(questions: list) -> None:
    for question in questions:
        question["text"] = payload("qtext") + question["text"]
        question["explanation"] = payload("expl") + question["explanation"]
        for option in question.get("options", []):
            option["text"] = payload("opt") + option["text"]


def _poison_lesson(path) -> None:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    meta["title"] = payload("ltitle") + meta["title"]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=4096)
    path.write_text(f"---\n{front}---\n{LESSON_BODY}{body}", encoding="utf-8")


@pytest.fixture
def poisoned_bank(tmp_path):
    """A copy of the shipped bank with a payload in every field that reaches a page."""
    folder = tmp_path / "bank" / COURSE_KEY
    shutil.copytree(BANK / COURSE_KEY, folder)
    _rewrite_yaml(folder / "course.yaml", _poison_course)
    _rewrite_yaml(folder / "clauses.yaml", _poison_clauses)
    for path in sorted((folder / "questions").glob("*.yaml")):
        _rewrite_yaml(path, _poison_questions)
    for path in sorted((folder / "lessons").glob("*.md")):
        _poison_lesson(path)
    return folder.parent


@pytest.fixture
def loaded(app, client, ctx, clock, poisoned_bank, monkeypatch):
    """The poisoned bank loaded through the admin page's own button."""
    monkeypatch.setitem(app.config, "QUESTION_BANK_DIR", str(poisoned_bank))
    so = make_unit("SO", "Sở Tài nguyên và Môi trường")
    admin = make_user("Nguyễn Đức Anh", unit=so, roles=("admin",))
    login_as(client, admin)
    checked = client.post("/admin/content/check",
                          data={"csrf_token": csrf_token(client.get("/admin/content").get_data(as_text=True))})
    assert "qtxss" not in checked.get_data(as_text=True) or checked.status_code == 200
    token = csrf_token(client.get("/admin/content").get_data(as_text=True))
    synced = client.post("/admin/content/sync", data={"csrf_token": token})
    assert synced.status_code == 200, synced.get_data(as_text=True)[-3000:]
    course = get_course(COURSE_KEY)
    assert course.title.startswith(payload("ctitle"))
    return {"admin": admin, "so": so, "course": course, "synced": synced, "checked": checked}


def _problems(label: str, response, expected: list[str]) -> list[str]:
    if response.status_code != 200:
        return [f"{label}: status {response.status_code}"]
    return [f"{label}: {p}" for p in injection_problems(response.get_data(as_text=True), expected)]


def test_the_admin_pages_show_the_loaded_content_escaped(client, loaded):
    found = _problems("sync result", loaded["synced"], [marker("ctitle")])
    found += _problems("check result", loaded["checked"], [])
    found += _problems("content page", client.get("/admin/content"), [marker("ctitle")])
    assert not found, "\n".join(found)


def test_a_learners_pages(client, loaded):
    course = loaded["course"]
    learner = make_user("Lê Thị Học", unit=loaded["so"])
    login_as(client, learner)
    key = course.key
    first = course.lessons[0].key
    found = _problems("my courses", client.get("/courses"), [marker("ctitle"), marker("csummary")])
    found += _problems("course", client.get(f"/courses/{key}"),
                       [marker("ctitle"), marker("csummary"), marker("dsubject"), marker("signer"),
                        marker("ltitle"), marker("clabel")])
    lesson = client.get(f"/courses/{key}/lessons/{first}")
    found += _problems("lesson", lesson, [marker("ltitle"), marker("clabel"), marker("ctitle2"), marker("ctext"),
                                          CODE_SHOWN])
    body = lesson.get_data(as_text=True)
    assert "qtxss_link()" in body and "qtxss_auto()" in body  # shown as text, not as links
    token = csrf_token(body)
    read = client.post(f"/courses/{key}/lessons/{first}/read", data={"csrf_token": token}, follow_redirects=True)
    found += _problems("read flash", read, [marker("ltitle")])
    read_all(learner, course)
    found += _problems("quiz landing", client.get(f"/courses/{key}/quiz"), [marker("ctitle")])
    attempt = quiz.start_attempt(learner, course)
    found += _problems("quiz sheet", client.get(f"/attempts/{attempt.id}"), [marker("qtext"), marker("opt")])
    quiz.save_answers(learner.id, attempt.id, right_answers(quiz.load_attempt(learner.id, attempt.id)))
    quiz.finish_attempt(learner.id, attempt.id)
    found += _problems("review", client.get(f"/attempts/{attempt.id}/review"),
                       [marker("qtext"), marker("opt"), marker("expl")])
    commitment = client.get(f"/courses/{key}/commitment")
    found += _problems("commitment", commitment, [marker("commit")])
    signed = client.post(f"/courses/{key}/commitment", follow_redirects=True,
                         data={"csrf_token": csrf_token(commitment.get_data(as_text=True)), "agree": "y",
                               "full_name": learner.full_name})
    found += _problems("signed", signed, [marker("ctitle")])
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == learner.id))
    found += _problems("verify", client.application.test_client().get(f"/verify/{code}"), [marker("ctitle")])
    assert not found, "\n".join(found)


def test_raw_html_that_reaches_a_lesson_is_inert(client, loaded):
    lesson = loaded["course"].lessons[0]
    lesson.body_md = RAW_BODY
    db.session.commit()
    login_as(client, make_user())
    response = client.get(f"/courses/{COURSE_KEY}/lessons/{lesson.key}")
    found = _problems("lesson", response, ["&lt;script&gt;qtxss_raw()&lt;/script&gt;"])
    html = response.get_data(as_text=True)
    assert "<strong>đậm</strong>" in html and "<style>" not in html and "<form action" not in html
    assert not found, "\n".join(found)


def test_statistics_pages_quote_clauses_and_questions_escaped(client, loaded):
    course, so = loaded["course"], loaded["so"]
    learner = make_user("Lê Thị Học", unit=so)
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[so.id], by=loaded["admin"])
    db.session.commit()
    read_all(learner, course)
    attempt = quiz.start_attempt(learner, course)
    quiz.save_answers(learner.id, attempt.id, wrong_answers(quiz.load_attempt(learner.id, attempt.id)))
    quiz.finish_attempt(learner.id, attempt.id)
    login_as(client, loaded["admin"])
    found = _problems("analysis", client.get(f"/rounds/{round_.id}/analysis?unit={so.id}"),
                      [marker("ctitle"), marker("clabel"), marker("ctitle2"), marker("qtext")])
    found += _problems("round", client.get(f"/rounds/{round_.id}"), [marker("ctitle")])
    assert not found, "\n".join(found)
