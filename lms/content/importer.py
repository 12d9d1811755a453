"""Load a checked CourseSpec into the database: upsert by stable key, version edits, retire removals."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lms import clock
from lms.content.spec import CourseSpec, QuestionSpec
from lms.extensions import db
from lms.models import BlueprintItem, Clause, Course, Lesson, Option, Question, QuestionVersion


@dataclass
class SyncReport:
    """What a sync changed, counted by kind; all zeros means the database already matched."""

    course: str
    created: dict[str, int] = field(default_factory=lambda: {"clauses": 0, "lessons": 0, "questions": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"course": 0, "clauses": 0, "lessons": 0})
    new_versions: int = 0
    retired: dict[str, int] = field(default_factory=lambda: {"clauses": 0, "lessons": 0, "questions": 0})

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + self.new_versions
                    + sum(self.retired.values()))

    def summary(self) -> str:
        parts = [f"{n} {kind} created" for kind, n in self.created.items() if n]
        parts += [f"{n} {kind} updated" for kind, n in self.updated.items() if n]
        if self.new_versions:
            parts.append(f"{self.new_versions} new question versions")
        parts += [f"{n} {kind} retired" for kind, n in self.retired.items() if n]
        return f"{self.course}: " + (", ".join(parts) if parts else "no changes")


def _assign(row, values: dict) -> bool:
    """Set attributes that differ; report whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _retire_missing(existing: dict, wanted: set[str], now) -> int:
    """Retire (never delete) rows whose key the files no longer have; return how many."""
    retired = 0
    for key, row in existing.items():
        if key not in wanted and row.retired_at is None:
            row.retired_at = now
            retired += 1
    return retired


def sync_course(spec: CourseSpec) -> SyncReport:
    """Bring the database in line with the spec in the current transaction (the caller commits)."""
    report = SyncReport(spec.key)
    now = clock.now()
    course = db.session.scalar(select(Course).where(Course.key == spec.key))
    is_new = course is None
    if course is None:
        course = Course(key=spec.key, **spec.settings())
        db.session.add(course)
        db.session.flush()
    elif _assign(course, spec.settings() | {"retired_at": None}):
        report.updated["course"] += 1

    clauses = _sync_clauses(course, spec, report, now)
    _sync_lessons(course, spec, clauses, report, now)
    blueprint = [(item.clauses, item.count) for item in spec.blueprint]
    if [(b.clause_keys, b.count) for b in course.blueprint] != blueprint:
        course.blueprint = [BlueprintItem(position=i, clause_keys=list(keys), count=count)
                            for i, (keys, count) in enumerate(blueprint)]
        report.updated["course"] = 0 if is_new else 1
    _sync_questions(course, spec, clauses, report, now)
    content_hash = spec.content_hash
    if course.content_hash != content_hash:
        course.content_hash = content_hash
        course.synced_at = now
    db.session.flush()
    return report


def _sync_clauses(course: Course, spec: CourseSpec, report: SyncReport, now) -> dict[str, Clause]:
    existing = {c.key: c for c in db.session.scalars(select(Clause).where(Clause.course_id == course.id))}
    for item in spec.clauses:
        values = {"position": item.position, "label": item.label, "title": item.title, "text": item.text,
                  "retired_at": None}
        row = existing.get(item.key)
        if row is None:
            existing[item.key] = Clause(course_id=course.id, key=item.key, **values)
            db.session.add(existing[item.key])
            report.created["clauses"] += 1
        elif _assign(row, values):
            report.updated["clauses"] += 1
    report.retired["clauses"] += _retire_missing(existing, {c.key for c in spec.clauses}, now)
    db.session.flush()
    return existing


def _sync_lessons(course: Course, spec: CourseSpec, clauses: dict[str, Clause], report: SyncReport, now) -> None:
    existing = {row.key: row for row in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    for item in spec.lessons:
        values = {"position": item.position, "title": item.title, "body_md": item.body,
                  "body_hash": item.body_hash, "clause_id": clauses[item.clause].id, "retired_at": None}
        row = existing.get(item.key)
        if row is None:
            db.session.add(Lesson(course_id=course.id, key=item.key, updated_at=now, **values))
            report.created["lessons"] += 1
        elif _assign(row, values):
            row.updated_at = now
            report.updated["lessons"] += 1
    report.retired["lessons"] += _retire_missing(existing, {lesson.key for lesson in spec.lessons}, now)


def _new_version(question: Question, item: QuestionSpec, clauses: dict[str, Clause], number: int) -> QuestionVersion:
    version = QuestionVersion(
        question=question, number=number, content_hash=item.content_hash, type=item.type,
        text=item.text, explanation=item.explanation, scenario=item.scenario, is_current=True,
        options=[Option(position=i, text=o.text, is_correct=o.correct, pinned=o.pinned)
                 for i, o in enumerate(item.options)],
        clauses=[clauses[key] for key in dict.fromkeys(item.clauses)],
    )
    db.session.add(version)
    return version


def _sync_questions(course: Course, spec: CourseSpec, clauses: dict[str, Clause], report: SyncReport, now) -> None:
    questions = {q.key: q for q in db.session.scalars(select(Question).where(Question.course_id == course.id))}
    versions: dict[int, list[QuestionVersion]] = {}
    for version in db.session.scalars(
        select(QuestionVersion).join(Question).where(Question.course_id == course.id)
    ):
        versions.setdefault(version.question_id, []).append(version)

    for item in spec.questions:
        question = questions.get(item.key)
        if question is None:
            question = Question(course_id=course.id, key=item.key, position=item.position, created_at=now)
            db.session.add(question)
            questions[item.key] = question
            report.created["questions"] += 1
        else:
            _assign(question, {"position": item.position, "retired_at": None})
        own = versions.get(question.id, []) if question.id else []
        match = next((v for v in own if v.content_hash == item.content_hash), None)
        if match is not None and match.is_current:
            continue
        for version in own:
            version.is_current = False
        if match is not None:
            match.is_current = True  # an edit was undone: the earlier wording is current again
        else:
            number = max((v.number for v in own), default=0) + 1
            _new_version(question, item, clauses, number)
            if number > 1:
                report.new_versions += 1

    report.retired["questions"] += _retire_missing(questions, {q.key for q in spec.questions}, now)
