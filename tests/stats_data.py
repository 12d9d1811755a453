"""A small quiz history whose statistics are worked out by hand in test_stats.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import null

from lms.extensions import db
from lms.models import (
    FINISHED,
    OPEN,
    Attempt,
    AttemptQuestion,
    Clause,
    Course,
    Option,
    Question,
    QuestionVersion,
    Unit,
)
from tests.factories import make_unit, make_user

T0 = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)

# Credit per attempt A1..A10 on Q1, Q2, Q3 (None: the question was not drawn). Attempts are listed
# best first: A1 has the highest total score. Q1 changed wording after A5 (version 1, then 2).
CREDITS = {
    "A1": (1, 0, 1),
    "A2": (1, 0, 1),
    "A3": (1, 1, None),
    "A4": (1, 1, 1),
    "A5": (1, 1, 0),
    "A6": (0.5, 0, 1),
    "A7": (1, 1, 0),
    "A8": (1, 1, 0),
    "A9": (1, 1, None),
    "A10": (1, 1, 0.5),
}
# Where each candidate works: U1 and its branch U1a, U2, the department D itself, or nowhere.
UNIT_OF = {"A1": "U1", "A2": "U1", "A3": "U1a", "A4": "U2", "A5": "U2", "A9": "U2",
           "A6": "D", "A7": "D", "A8": "D", "A10": None}


@dataclass
class StatsData:
    course: Course
    clauses: dict[str, Clause]
    questions: dict[str, Question]
    options: dict[str, Option]
    units: dict[str, Unit]
    users: dict[str, object] = field(default_factory=dict)
    attempts: dict[str, Attempt] = field(default_factory=dict)


def _question(course, key, position, clauses, wordings, retired=False):
    question = Question(course_id=course.id, key=key, position=position,
                        retired_at=T0 if retired else None)
    db.session.add(question)
    db.session.flush()
    versions = []
    for number, text in enumerate(wordings, start=1):
        version = QuestionVersion(
            question_id=question.id, number=number, content_hash=f"{key}-{number}", type="single", text=text,
            explanation="", is_current=number == len(wordings), clauses=clauses,
            options=[Option(position=0, text=f"{text}: right", is_correct=True),
                     Option(position=1, text=f"{text}: wrong", is_correct=False)])
        db.session.add(version)
        versions.append(version)
    db.session.flush()
    return question, versions


def _answer(version, credit):
    """The selected option ids for a credit: right option, wrong option, or nothing at all."""
    right, wrong = version.options
    if credit == 1:
        return [right.id]
    if credit == 0:
        return [wrong.id]
    return None  # partial credit cannot come from a single-choice pick; stored as unanswered


def build() -> StatsData:
    department = make_unit(code="D", name="Sở thử nghiệm")
    u1 = make_unit(code="U1", name="Phòng Một", parent=department)
    units = {"D": department, "U1": u1, "U1a": make_unit(code="U1a", name="Chi nhánh Một A", parent=u1),
             "U2": make_unit(code="U2", name="Phòng Hai", parent=department),
             "U3": make_unit(code="U3", name="Phòng Ba (chưa ai làm bài)", parent=department)}
    old = make_unit(code="OLD", name="Phòng đã giải thể", parent=department)
    old.active = False
    units["U2"].position, units["U1"].position, units["U3"].position = 1, 2, 3
    course = Course(key="stats-course", title="Khóa thống kê")
    db.session.add(course)
    db.session.flush()
    clause_a = Clause(course_id=course.id, key="1a", position=1, label="1a", title="Quy tắc chung", text="…")
    clause_b = Clause(course_id=course.id, key="1b-1", position=2, label="1b-1", title="Cán bộ", text="…")
    retired_clause = Clause(course_id=course.id, key="old", position=3, label="old", title="Cũ", text="…",
                            retired_at=T0)
    db.session.add_all([clause_a, clause_b, retired_clause])
    db.session.flush()
    q1, q1_versions = _question(course, "q1", 1, [clause_a], ["Q1 first wording", "Q1 current wording"])
    q2, (q2_version,) = _question(course, "q2", 2, [clause_b], ["Q2"])
    q3, (q3_version,) = _question(course, "q3", 3, [clause_a, clause_b], ["Q3"])
    q4, _ = _question(course, "q4", 4, [clause_a], ["Q4 never drawn"])
    _question(course, "q5", 5, [clause_b], ["Q5 retired, never drawn"], retired=True)
    data = StatsData(course, {"A": clause_a, "B": clause_b}, {"q1": q1, "q2": q2, "q3": q3, "q4": q4},
                     {"q2_right": q2_version.options[0], "q2_wrong": q2_version.options[1]}, units)
    for i, (name, credits) in enumerate(CREDITS.items()):
        unit = units[UNIT_OF[name]] if UNIT_OF[name] else None
        user = make_user(f"Nguyễn Văn {name}", unit=unit, password=None)
        q1_version = q1_versions[0] if i < 5 else q1_versions[1]
        attempt = Attempt(user_id=user.id, course_id=course.id, number=1, seed=i, state=FINISHED,
                          started_at=T0, finished_at=T0 + timedelta(minutes=10), pass_mark=80,
                          multiple_grading="all_or_nothing", review_policy="always",
                          score_bp=9500 - 500 * i, passed=i < 4)
        position = 0
        for version, credit in zip((q1_version, q2_version, q3_version), credits, strict=True):
            if credit is None:
                continue
            position += 1
            selected = _answer(version, credit)
            if name == "A2" and version is q2_version:
                selected = null()  # never answered: SQL NULL rather than JSON null
            attempt.questions.append(AttemptQuestion(
                position=position, question_version_id=version.id, option_order=[o.id for o in version.options],
                selected=selected, credit=float(credit)))
        db.session.add(attempt)
        data.users[name], data.attempts[name] = user, attempt
    # Still open: whatever it holds must not count anywhere.
    db.session.add(Attempt(
        user_id=data.users["A10"].id, course_id=course.id, number=2, seed=99, state=OPEN, started_at=T0,
        pass_mark=80, multiple_grading="all_or_nothing", review_policy="always",
        questions=[AttemptQuestion(position=1, question_version_id=q2_version.id, option_order=[0, 1],
                                   selected=[q2_version.options[1].id], credit=0.0)]))
    db.session.commit()
    return data
