"""Fill a database with a large organisation: `python -m bench.generate --staff 50000 --units 300 --attempts 300000`.

Uses DATABASE_URL (default: the development SQLite file). The database must be migrated and the
course loaded (`make run` does both); generated people get codes BENCH000001… and never collide
with the demo's. Lesson reads: a third none, a third part-way, a third all.
"""
from __future__ import annotations

import argparse
import random
import time

from sqlalchemy import func, insert, select

from app import app
from bench.history import generate_history
from lms import clock
from lms.auth.services import hash_password
from lms.demo.data import FAMILY_NAMES, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE
from lms.extensions import db
from lms.models import Lesson, LessonRead, Unit, UnitHead, User, UserRole
from lms.text import fold, name_sort_key

BATCH = 5000


def _name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def _units(count: int) -> list[Unit]:
    root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    if root is None:
        root = Unit(code="BENCH", name="Sở thử tải", kind="department")
        db.session.add(root)
        db.session.flush()
        root.path = f"/{root.id}/"
    units: list[Unit] = []
    parents = []
    for i in range(count):
        is_branch = parents and i % 4 == 3
        parent = parents[i % len(parents)] if is_branch else root
        unit = Unit(code=f"BU{i:04d}", name=f"{'Chi nhánh' if is_branch else 'Phòng'} thử tải số {i + 1}",
                    kind="branch" if is_branch else "unit", parent=parent, position=i)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path}{unit.id}/"
        units.append(unit)
        if not is_branch:
            parents.append(unit)
    db.session.commit()
    return units


def generate(staff: int, unit_count: int, seed: int = 50) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    units = _units(unit_count)
    lessons = list(db.session.scalars(select(Lesson).where(Lesson.retired_at.is_(None)).order_by(Lesson.position)))
    password = hash_password("bench-password-123")
    offset = db.session.scalar(select(func.count(User.id))) or 0
    now = clock.now()
    for start in range(0, staff, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, staff)):
            name = _name(rng)
            rows.append({"employee_code": f"BENCH{offset + n:06d}", "full_name": name,
                         "name_sort_key": name_sort_key(name), "name_search": fold(name),
                         "email": f"bench{offset + n}@bench.invalid", "unit_id": units[n % len(units)].id,
                         "job_title": "Chuyên viên", "password_hash": password, "active": True,
                         "session_version": 1, "created_at": now, "updated_at": now})
        db.session.execute(insert(User), rows)
        db.session.commit()
    first_id = db.session.scalar(select(func.min(User.id)).where(User.employee_code.like("BENCH%")))
    heads = []
    for i, unit in enumerate(units):
        heads.append({"user_id": first_id + i, "unit_id": unit.id})
    db.session.execute(insert(UnitHead), heads)
    db.session.execute(insert(UserRole), [{"user_id": h["user_id"], "role": "unit_head"} for h in heads])
    # One person in HR and administration, for the department-wide pages.
    db.session.execute(insert(UserRole), [{"user_id": first_id + len(units), "role": role} for role in ("hr", "admin")])
    db.session.commit()
    reads = []
    for user_id in range(first_id, first_id + staff):
        count = rng.choice([0, len(lessons), rng.randint(1, max(1, len(lessons) - 1))])
        for lesson in lessons[:count]:
            reads.append({"user_id": user_id, "lesson_id": lesson.id, "lesson_hash": lesson.body_hash, "read_at": now})
        if len(reads) >= BATCH * 4:
            db.session.execute(insert(LessonRead), reads)
            db.session.commit()
            reads = []
    if reads:
        db.session.execute(insert(LessonRead), reads)
        db.session.commit()
    print(f"{staff} staff in {unit_count} units generated in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--attempts", type=int, default=300_000, help="quiz attempts (0: none, and no round)")
    args = parser.parse_args()
    with app.app_context():
        generate(args.staff, args.units)
        if args.attempts:
            generate_history(args.attempts)


if __name__ == "__main__":
    main()
