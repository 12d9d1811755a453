"""What the content page shows: loaded courses with their counts, and bank folders with their problems."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from lms.audit import Target, record
from lms.content.importer import SyncReport, sync_course
from lms.content.loader import course_folders, load_course
from lms.content.spec import Problem
from lms.extensions import db
from lms.models import Clause, Course, Lesson, Question


@dataclass(frozen=True)
class CourseCounts:
    course: Course
    clauses: int
    lessons: int
    questions: int


@dataclass(frozen=True)
class FolderCheck:
    name: str
    problems: list[Problem]
    questions: int


def loaded_courses() -> list[CourseCounts]:
    """Every course in the database with its active clause, lesson and question counts."""
    def count(model, column):
        return (select(func.count(model.id)).where(column == Course.id, model.retired_at.is_(None))
                .correlate(Course).scalar_subquery())

    rows = db.session.execute(
        select(Course, count(Clause, Clause.course_id), count(Lesson, Lesson.course_id),
               count(Question, Question.course_id)).order_by(Course.title)
    ).all()
    return [CourseCounts(*row) for row in rows]


def check_bank(bank: Path) -> list[FolderCheck]:
    """Check every course folder of the bank without touching the database."""
    result = []
    for folder in course_folders(bank):
        spec, problems = load_course(folder)
        result.append(FolderCheck(folder.name, problems, len(spec.questions) if spec else 0))
    return result


def sync_bank(bank: Path) -> tuple[list[FolderCheck], list[SyncReport]]:
    """Load every course of the bank, or nothing at all if any folder has a problem (caller commits)."""
    checks, specs = [], []
    for folder in course_folders(bank):
        spec, problems = load_course(folder)
        checks.append(FolderCheck(folder.name, problems, len(spec.questions) if spec else 0))
        specs.append(spec)
    if any(c.problems for c in checks) or any(s is None for s in specs):
        return checks, []
    reports = [sync_course(spec) for spec in specs]
    record_sync(reports)
    return checks, reports


def record_sync(reports: list[SyncReport]) -> None:
    """Audit a content load (web or command line) in its transaction: which courses, what changed."""
    record("content.sync", target=Target("question_bank", None, ", ".join(r.course for r in reports)),
           details={"courses": [r.summary() for r in reports]})
