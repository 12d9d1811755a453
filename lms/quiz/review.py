"""What an attempt shows: the question sheet while open; score, clause breakdown and answers once finished.

Everything comes from the attempt's frozen question versions and option order. The sheet of an
open attempt carries option texts and their display positions only — never which is correct.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.extensions import db
from lms.models import Attempt, Lesson
from lms.models.content import Clause


@dataclass(frozen=True)
class ReviewOption:
    text: str
    selected: bool
    correct: bool | None  # None when the review policy hides answers


@dataclass(frozen=True)
class ReviewQuestion:
    position: int
    text: str
    multiple: bool
    options: list[ReviewOption]
    credit: float
    answered: bool
    explanation: str | None
    clause_labels: list[str]

    @property
    def outcome(self) -> str:
        if self.credit >= 1:
            return "correct"
        return "partial" if self.credit > 0 else "wrong"


@dataclass(frozen=True)
class ClauseScore:
    key: str
    label: str
    title: str
    earned: float
    total: int
    lesson_key: str | None

    @property
    def percent(self) -> int:
        return round(100 * self.earned / self.total) if self.total else 0

    @property
    def missed(self) -> bool:
        return self.earned < self.total


@dataclass(frozen=True)
class Review:
    attempt: Attempt
    questions: list[ReviewQuestion]
    clauses: list[ClauseScore]
    show_answers: bool

    @property
    def correct_count(self) -> int:
        return sum(1 for q in self.questions if q.credit >= 1)


@dataclass(frozen=True)
class SheetOption:
    index: int  # display position: the only option identifier the browser ever sees
    text: str
    selected: bool


@dataclass(frozen=True)
class SheetQuestion:
    position: int
    text: str
    multiple: bool
    clause_labels: list[str]
    options: list[SheetOption]

    @property
    def answered(self) -> bool:
        return any(o.selected for o in self.options)


def build_sheet(attempt: Attempt) -> list[SheetQuestion]:
    """The questions of an open attempt as shown: texts, display positions, what is already picked."""
    sheet = []
    for question in attempt.questions:
        texts = {o.id: o.text for o in question.version.options}
        selected = set(question.selected or ())
        sheet.append(SheetQuestion(
            position=question.position, text=question.version.text, multiple=question.version.type == "multiple",
            clause_labels=[c.label for c in sorted(question.version.clauses, key=lambda c: c.position)],
            options=[SheetOption(i, texts[option_id], option_id in selected)
                     for i, option_id in enumerate(question.option_order)],
        ))
    return sheet


def answers_visible(attempt: Attempt) -> bool:
    """The policy frozen on the attempt: always, only after passing, or never."""
    if attempt.review_policy == "always":
        return True
    return attempt.review_policy == "after_pass" and bool(attempt.passed)


def build_review(attempt: Attempt) -> Review:
    """Review of a finished attempt, from its frozen question versions and option order."""
    show = answers_visible(attempt)
    questions: list[ReviewQuestion] = []
    earned: dict[int, float] = {}
    counted: dict[int, int] = {}
    for question in attempt.questions:
        version = question.version
        options = {o.id: o for o in version.options}
        selected = set(question.selected or ())
        credit = question.credit or 0.0
        for clause in version.clauses:
            earned[clause.id] = earned.get(clause.id, 0.0) + credit
            counted[clause.id] = counted.get(clause.id, 0) + 1
        questions.append(ReviewQuestion(
            position=question.position, text=version.text, multiple=version.type == "multiple",
            options=[ReviewOption(options[i].text, i in selected, options[i].is_correct if show else None)
                     for i in question.option_order],
            credit=credit, answered=bool(selected), explanation=version.explanation if show else None,
            clause_labels=[c.label for c in sorted(version.clauses, key=lambda c: c.position)],
        ))
    clauses = db.session.scalars(
        select(Clause).where(Clause.id.in_(list(counted))).order_by(Clause.position)
    ).all()
    lessons = dict(db.session.execute(
        select(Lesson.clause_id, Lesson.key).where(Lesson.clause_id.in_(list(counted)), Lesson.retired_at.is_(None))
    ).all())
    breakdown = [ClauseScore(c.key, c.label, c.title, earned[c.id], counted[c.id], lessons.get(c.id))
                 for c in clauses]
    return Review(attempt, questions, breakdown, show)
