"""Learning progress: what each person has read, computed with SQL aggregates."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from lms import clock
from lms.extensions import db
from lms.models import Clause, Course, Lesson, LessonRead, User


@dataclass(frozen=True)
class CourseProgress:
    """One course on "my courses": lessons read out of the total."""

    course: Course
    lessons_total: int
    lessons_read: int

    @property
    def lessons_done(self) -> bool:
        return self.lessons_total > 0 and self.lessons_read >= self.lessons_total

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_read / self.lessons_total) if self.lessons_total else 0


@dataclass(frozen=True)
class LessonItem:
    lesson: Lesson
    clause: Clause
    read: bool


def active_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.title)))


def course_progress(user: User) -> list[CourseProgress]:
    """Progress in every active course, in one grouped query."""
    reads = func.count(LessonRead.id)
    rows = db.session.execute(
        select(Course, func.count(Lesson.id), reads)
        .join(Lesson, and_(Lesson.course_id == Course.id, Lesson.retired_at.is_(None)), isouter=True)
        .join(LessonRead, and_(LessonRead.lesson_id == Lesson.id, LessonRead.user_id == user.id), isouter=True)
        .where(Course.retired_at.is_(None))
        .group_by(Course.id)
        .order_by(Course.title)
    ).all()
    return [CourseProgress(course, total, read) for course, total, read in rows]


def get_course(key: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.key == key, Course.retired_at.is_(None)))


def course_lessons(course: Course, user: User) -> list[LessonItem]:
    """The course's lessons in order, each with its clause and whether the user has read it."""
    rows = db.session.execute(
        select(Lesson, Clause, LessonRead.id)
        .join(Clause, Clause.id == Lesson.clause_id)
        .join(LessonRead, and_(LessonRead.lesson_id == Lesson.id, LessonRead.user_id == user.id), isouter=True)
        .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position)
    ).all()
    return [LessonItem(lesson, clause, read_id is not None) for lesson, clause, read_id in rows]


def mark_read(user: User, lesson: Lesson) -> bool:
    """Record "I have read and understood"; True when newly recorded. Safe to repeat or race."""
    exists = db.session.scalar(
        select(LessonRead.id).where(LessonRead.user_id == user.id, LessonRead.lesson_id == lesson.id)
    )
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonRead(user_id=user.id, lesson_id=lesson.id, lesson_hash=lesson.body_hash,
                                      read_at=clock.now()))
    except IntegrityError:
        return False
    return True
