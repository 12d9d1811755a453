"""Who a viewer may see, and one page of the staff list in Vietnamese name order."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import lazyload

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
    paths = _scope_paths(viewer)
    if not paths:
        return false()
    return or_(*(Unit.path.startswith(path, autoescape=True) for path in paths))


def _scope_paths(viewer: User) -> list[str]:
    """Tree paths of the units a head answers for; a unit whose path was never set grants nothing."""
    return [unit.path for unit in viewer.headed_units if unit.path and unit.path.endswith(f"/{unit.id}/")]


@dataclass(frozen=True)
class UnitChoice:
    """A unit as offered in a filter: id, name and depth for indentation."""

    id: int
    name: str
    path: str

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


def visible_units(viewer: User) -> list[UnitChoice]:
    """Units the viewer may filter by, in tree order (plain rows: hundreds of them are cheap)."""
    stmt = select(Unit.id, Unit.name, Unit.path).where(Unit.active.is_(True)).order_by(Unit.path)
    condition = scope_condition(viewer)
    if condition is not None:
        stmt = stmt.where(condition)
    return [UnitChoice(*row) for row in db.session.execute(stmt)]


def can_see_unit(viewer: User, unit: Unit) -> bool:
    return sees_everyone(viewer) or any(unit.path.startswith(path) for path in _scope_paths(viewer))


@dataclass(frozen=True)
class PeoplePage:
    rows: list[tuple[User, Unit | None, int]]
    total: int
    page: int
    pages: int
    lessons_total: int


def list_people(viewer: User, *, unit: Unit | None = None, query: str = "", page: int = 1,
                course: Course | None = None) -> PeoplePage:
    """One page of people the viewer may see, sorted by given name then family and middle names.

    The page's ids are found first with a narrow query on the sort index; only those rows are then
    loaded with their unit and lesson count, so deep pages cost no more than the first.
    """
    conditions = []
    scope = scope_condition(viewer)
    if scope is not None or unit is not None:
        # Resolve the (few hundred at most) units first; people are then found through their unit index.
        units = select(Unit.id)
        if scope is not None:
            units = units.where(scope)
        if unit is not None:
            units = units.where(Unit.path.startswith(unit.path, autoescape=True))
        conditions.append(User.unit_id.in_(list(db.session.scalars(units))))
    query = nfc(query)
    if query:
        conditions.append(or_(User.name_search.contains(fold(query), autoescape=True),
                              func.lower(User.employee_code) == query.lower()))

    def filtered(stmt):
        return stmt.where(and_(True, *conditions))

    total = db.session.scalar(filtered(select(func.count(User.id)))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    ids = list(db.session.scalars(
        filtered(select(User.id)).order_by(User.name_sort_key, User.employee_code)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ))

    lessons_total = 0
    read_count = select(func.count(LessonRead.id)).where(false()).scalar_subquery()
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
        select(User, Unit, read_count).join(Unit, User.unit_id == Unit.id, isouter=True).where(User.id.in_(ids))
        .options(lazyload(User.role_rows), lazyload(User.headed_units))  # not shown in the list
    ).all() if ids else []
    order = {user_id: i for i, user_id in enumerate(ids)}
    rows.sort(key=lambda row: order[row[0].id])
    return PeoplePage([tuple(r) for r in rows], total, page, pages, lessons_total)
