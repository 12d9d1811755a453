"""The unit tree: creating and moving units (paths kept for one-LIKE subtree queries), unit heads."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.audit import record
from lms.db_setup import begin_write
from lms.extensions import db
from lms.models import Unit, UnitHead, User, UserRole
from lms.rounds.membership import refresh_round_memberships
from lms.text import clean_name, nfc


class UnitError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    staff: int
    heads: list[str]

    @property
    def depth(self) -> int:
        return self.unit.depth


def unit_tree() -> list[UnitRow]:
    """Every unit in tree order with its active staff count and heads (three queries in all)."""
    units = db.session.scalars(select(Unit).order_by(Unit.path)).all()
    staff = dict(db.session.execute(
        select(User.unit_id, func.count(User.id)).where(User.active.is_(True)).group_by(User.unit_id)).all())
    heads: dict[int, list[str]] = {}
    for unit_id, name in db.session.execute(
        select(UnitHead.unit_id, User.full_name).join(User, User.id == UnitHead.user_id).order_by(User.name_sort_key)
    ):
        heads.setdefault(unit_id, []).append(name)
    return [UnitRow(u, staff.get(u.id, 0), heads.get(u.id, [])) for u in units]


def _kind(parent: Unit | None) -> str:
    if parent is None:
        return "department"
    return "unit" if parent.parent_id is None else "branch"


def create_unit(code: str, name: str, short_name: str | None, parent_id: int | None) -> Unit:
    """A new unit under `parent_id` (or the department itself when the tree is empty)."""
    code, name = nfc(code).upper(), clean_name(name)
    if not code or not name:
        raise UnitError("required")
    begin_write()
    if db.session.scalar(select(Unit.id).where(func.upper(Unit.code) == code)):
        db.session.rollback()
        raise UnitError("code_taken")
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        db.session.rollback()
        raise UnitError("no_parent")
    if parent is None and db.session.scalar(select(Unit.id).where(Unit.parent_id.is_(None))):
        db.session.rollback()
        raise UnitError("one_department")
    unit = Unit(code=code, name=name, short_name=clean_name(short_name) or None, parent=parent, kind=_kind(parent),
                position=(db.session.scalar(select(func.max(Unit.position))) or 0) + 1)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.commit()
    return unit


def update_unit(unit_id: int, *, name: str, short_name: str | None, parent_id: int | None, active: bool) -> Unit:
    """Rename, move (with the whole subtree) or (de)activate a unit."""
    name = clean_name(name)
    if not name:
        raise UnitError("required")
    begin_write()
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        db.session.rollback()
        raise UnitError("not_found")
    if unit.parent_id is not None and parent_id != unit.parent_id:
        parent = db.session.get(Unit, parent_id) if parent_id else None
        if parent is None:
            db.session.rollback()
            raise UnitError("no_parent")
        if parent.path.startswith(unit.path):
            db.session.rollback()
            raise UnitError("cycle")
        _move(unit, parent)
        db.session.flush()
        # A unit moved into or out of a round's target units brings its people in or out of the round.
        refresh_round_memberships()
    if not active and unit.active:
        subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
        busy = db.session.scalar(select(func.count(User.id)).where(User.unit_id.in_(subtree), User.active.is_(True)))
        if busy:
            db.session.rollback()
            raise UnitError("has_staff")
        for child in db.session.scalars(select(Unit).where(Unit.path.startswith(unit.path, autoescape=True))):
            child.active = False
    elif active:
        unit.active = True
    unit.name, unit.short_name = name, clean_name(short_name) or None
    db.session.commit()
    return unit


def _move(unit: Unit, parent: Unit) -> None:
    """Re-root the subtree: every descendant's path and kind follow (a few hundred rows at most)."""
    old = unit.path
    new = f"{parent.path}{unit.id}/"
    for row in db.session.scalars(select(Unit).where(Unit.path.startswith(old, autoescape=True))):
        row.path = new + row.path[len(old):]
        row.kind = "unit" if row.path.count("/") == 3 else "branch"
    unit.parent = parent


def add_head(unit_id: int, employee_code: str) -> User:
    """Make the person a head of the unit (and everything below it); the role applies at their next request."""
    begin_write()
    unit = db.session.get(Unit, unit_id)
    user = db.session.scalar(select(User).where(func.lower(User.employee_code) == nfc(employee_code).lower()))
    if unit is None or user is None:
        db.session.rollback()
        raise UnitError("no_person" if unit is not None else "not_found")
    if not db.session.scalar(select(UnitHead.id).where(UnitHead.user_id == user.id, UnitHead.unit_id == unit_id)):
        db.session.add(UnitHead(user_id=user.id, unit_id=unit_id))
        record("unit_head.add", target=user, details=_unit_details(unit))
    if not db.session.scalar(select(UserRole.id).where(UserRole.user_id == user.id, UserRole.role == "unit_head")):
        db.session.add(UserRole(user_id=user.id, role="unit_head"))
        record("role.grant", target=user, details={"role": "unit_head"})
    db.session.commit()
    return user


def remove_head(unit_id: int, user_id: int) -> None:
    """Remove the person as head of this unit; without any unit left, the unit_head role goes too."""
    begin_write()
    row = db.session.scalar(select(UnitHead).where(UnitHead.unit_id == unit_id, UnitHead.user_id == user_id))
    if row is None:
        db.session.rollback()
        raise UnitError("not_found")
    db.session.delete(row)
    db.session.flush()
    person = db.session.get(User, user_id)
    record("unit_head.remove", target=person, details=_unit_details(db.session.get(Unit, unit_id)))
    if not db.session.scalar(select(UnitHead.id).where(UnitHead.user_id == user_id)):
        role = db.session.scalar(select(UserRole).where(UserRole.user_id == user_id, UserRole.role == "unit_head"))
        if role is not None:
            db.session.delete(role)
            record("role.revoke", target=person, details={"role": "unit_head"})
    db.session.commit()


def _unit_details(unit: Unit) -> dict:
    return {"unit_id": unit.id, "unit": f"{unit.code} — {unit.name}"}


def heads_of(unit_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(UnitHead, UnitHead.user_id == User.id).where(UnitHead.unit_id == unit_id)
        .order_by(User.name_sort_key)))
