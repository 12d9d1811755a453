"""Who a viewer may see, and one page of the staff list in Vietnamese name order."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select

from lms.extensions import db
from lms.models import Course, Lesson, LessonRead, Unit, User
from lms.text import fold, nfc

PAGE_SIZE = 50


def sees_everyone(viewer: User) -> bool:
    return viewer.has_role("admin", "hr")


def scope_condition(viewer: User):
    """SQL condition on Unit limiting rows to the viewer's units and everything below them."""
    if sees_everyone(viewer):
        return None
    if not viewer.headed_units:
        return false()
    return or_(*(Unit.path.startswith(unit.path, autoescape=True) for unit in viewer.headed_units))


def visible_units(viewer: User) -> list[Unit]:
    """Units the viewer may filter by, in tree order."""
    stmt = select(Unit).where(Unit.active.is_(True)).order_by(Unit.path)
    condition = scope_condition(viewer)
    if condition is not None:
        stmt = stmt.where(condition)
    return list(db.session.scalars(stmt))


def can_see_unit(viewer: User, unit: Unit) -> bool:
    return sees_everyone(viewer) or any(unit.path.startswith(u.path) for u in viewer.headed_units)


@dataclass(frozen=True)
class PeoplePage:
    rows: list[tuple[User, Unit | None, int]]
    total: int
    page: int
    pages: int
    lessons_total: int


def list_people(viewer: User, *, unit: Unit | None = None, query: str = "", page: int = 1,
                course: Course | None = None) -> PeoplePage:
    """One page of people the viewer may see, sorted by given name then family and middle names."""
    conditions = []
    scope = scope_condition(viewer)
    if scope is not None:
        conditions.append(scope)
    if unit is not None:
        conditions.append(Unit.path.startswith(unit.path, autoescape=True))
    query = nfc(query)
    if query:
        conditions.append(or_(User.name_search.contains(fold(query), autoescape=True),
                              func.lower(User.employee_code) == query.lower()))
    base = select(User.id).join(Unit, User.unit_id == Unit.id, isouter=True).where(and_(True, *conditions))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)

    lessons_total = 0
    read_count = select(func.count(LessonRead.id)).where(False).scalar_subquery()
    if course is not None:
        lessons_total = db.session.scalar(
            select(func.count(Lesson.id)).where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        ) or 0
        read_count = (
            select(func.count(LessonRead.id))
            .join(Lesson, Lesson.id == LessonRead.lesson_id)
            .where(LessonRead.user_id == User.id, Lesson.course_id == course.id, Lesson.retired_at.is_(None))
            .correlate(User).scalar_subquery()
        )
    rows = db.session.execute(
        select(User, Unit, read_count)
        .join(Unit, User.unit_id == Unit.id, isouter=True)
        .where(and_(True, *conditions))
        .order_by(User.name_sort_key, User.employee_code)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return PeoplePage([tuple(r) for r in rows], total, page, pages, lessons_total)
