"""Learning progress: what each person has read, computed with SQL aggregates."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.exc import IntegrityError

from lms import clock
from lms.extensions import db
from lms.models import (
    FINISHED,
    OPEN,
    Attempt,
    Certificate,
    Clause,
    Commitment,
    Course,
    Lesson,
    LessonRead,
    User,
)
from lms.rounds import progress
from lms.rounds.cycle import current_cycle, cycles_for


@dataclass(frozen=True)
class CourseProgress:
    """One course on "my courses": lessons read out of the total, and where the quiz stands."""

    course: Course
    lessons_total: int
    lessons_read: int
    quiz_finished: int = 0
    quiz_best_bp: int | None = None
    quiz_passed: bool = False
    quiz_open: bool = False

    @property
    def lessons_done(self) -> bool:
        return self.lessons_total > 0 and self.lessons_read >= self.lessons_total

    @property
    def steps_total(self) -> int:
        """Every lesson is a step, and so is passing the quiz."""
        return self.lessons_total + 1

    @property
    def steps_done(self) -> int:
        return min(self.lessons_read, self.lessons_total) + (1 if self.quiz_passed else 0)

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total)


@dataclass(frozen=True)
class LessonItem:
    lesson: Lesson
    clause: Clause
    read: bool


def active_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.title)))


def _cycle_of(course_id_column, cycles: dict[int, int]):
    """SQL giving each course's current cycle for the person (0 unless a renewing round began)."""
    return case(cycles, value=course_id_column, else_=0) if cycles else literal(0)


def course_progress(user: User, cycles: dict[int, int] | None = None) -> list[CourseProgress]:
    """Progress in every active course: lessons and quiz, in one query with grouped subqueries."""
    cycles = cycles_for(user.id) if cycles is None else cycles
    lessons = (
        select(Lesson.course_id, func.count(Lesson.id).label("total"), func.count(LessonRead.id).label("read"))
        .join(LessonRead, and_(LessonRead.lesson_id == Lesson.id, LessonRead.user_id == user.id,
                               LessonRead.cycle == _cycle_of(Lesson.course_id, cycles)), isouter=True)
        .where(Lesson.retired_at.is_(None)).group_by(Lesson.course_id).subquery()
    )
    quiz = (
        select(Attempt.course_id,
               func.sum(case((Attempt.state == FINISHED, 1), else_=0)).label("finished"),
               func.max(Attempt.score_bp).label("best"),
               func.max(case((Attempt.passed.is_(True), 1), else_=0)).label("passed"),
               func.max(case((Attempt.state == OPEN, 1), else_=0)).label("open"))
        .where(Attempt.user_id == user.id, Attempt.cycle == _cycle_of(Attempt.course_id, cycles))
        .group_by(Attempt.course_id).subquery()
    )
    rows = db.session.execute(
        select(Course, lessons.c.total, lessons.c.read, quiz.c.finished, quiz.c.best, quiz.c.passed, quiz.c.open)
        .join(lessons, lessons.c.course_id == Course.id, isouter=True)
        .join(quiz, quiz.c.course_id == Course.id, isouter=True)
        .where(Course.retired_at.is_(None))
        .order_by(Course.title)
    ).all()
    return [CourseProgress(course, total or 0, read or 0, finished or 0, best, bool(passed), bool(is_open))
            for course, total, read, finished, best, passed, is_open in rows]


def attempt_history(user: User, cycles: dict[int, int] | None = None) -> dict[int, list[Attempt]]:
    """The person's finished attempts per course in the current cycle, newest first (one query)."""
    history: dict[int, list[Attempt]] = {}
    cycles = cycles_for(user.id) if cycles is None else cycles
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.state == FINISHED,
                              Attempt.cycle == _cycle_of(Attempt.course_id, cycles))
        .order_by(Attempt.course_id, Attempt.number.desc())
    ):
        history.setdefault(attempt.course_id, []).append(attempt)
    return history


def certificates_by_course(user: User, cycles: dict[int, int] | None = None) -> dict[int, Certificate]:
    """The person's latest certificate per course in the current cycle (one query)."""
    latest: dict[int, Certificate] = {}
    cycles = cycles_for(user.id) if cycles is None else cycles
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id,
                                  Certificate.cycle == _cycle_of(Certificate.course_id, cycles))
        .order_by(Certificate.issued_at)
    ):
        latest[certificate.course_id] = certificate
    return latest


def signed_courses(user: User, cycles: dict[int, int] | None = None) -> set[int]:
    cycles = cycles_for(user.id) if cycles is None else cycles
    return set(db.session.scalars(select(Commitment.course_id).where(
        Commitment.user_id == user.id, Commitment.cycle == _cycle_of(Commitment.course_id, cycles))))


def my_courses_view(user: User) -> dict:
    """Everything "my courses" shows, with the person's round cycles looked up once for all of it."""
    cycles = cycles_for(user.id)
    return {"progress": course_progress(user, cycles), "history": attempt_history(user, cycles),
            "certificates": certificates_by_course(user, cycles), "signed": signed_courses(user, cycles)}


def get_course(key: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.key == key, Course.retired_at.is_(None)))


def course_lessons(course: Course, user: User) -> list[LessonItem]:
    """The course's lessons in order, each with its clause and whether the user has read it."""
    cycle = current_cycle(user.id, course.id)
    rows = db.session.execute(
        select(Lesson, Clause, LessonRead.id)
        .join(Clause, Clause.id == Lesson.clause_id)
        .join(LessonRead, and_(LessonRead.lesson_id == Lesson.id, LessonRead.user_id == user.id,
                               LessonRead.cycle == cycle), isouter=True)
        .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position)
    ).all()
    return [LessonItem(lesson, clause, read_id is not None) for lesson, clause, read_id in rows]


def mark_read(user: User, lesson: Lesson) -> bool:
    """Record "I have read and understood" in the current cycle; True when newly recorded. Safe to repeat or race."""
    cycle = current_cycle(user.id, lesson.course_id)
    exists = db.session.scalar(
        select(LessonRead.id).where(LessonRead.user_id == user.id, LessonRead.lesson_id == lesson.id,
                                    LessonRead.cycle == cycle)
    )
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonRead(user_id=user.id, lesson_id=lesson.id, lesson_hash=lesson.body_hash,
                                      read_at=clock.now(), cycle=cycle))
    except IntegrityError:
        return False
    progress.touch(user.id, lesson.course_id, cycle)
    return True
