"""Create the demo department: units, about 150 staff, unit heads, HR, an admin, some progress."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.auth.services import hash_password, set_name
from lms.demo.attempts import add_attempts
from lms.demo.data import (
    DEMO_PASSWORD,
    DEPARTMENT,
    EMAIL_DOMAIN,
    FAMILY_NAMES,
    FIXED_PEOPLE,
    GIVEN_FEMALE,
    GIVEN_MALE,
    GRADES,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    UNITS,
)
from lms.extensions import db
from lms.models import Course, Lesson, LessonRead, Unit, UnitHead, User, UserRole
from lms.rounds.membership import open_round, set_exemption
from lms.text import fold, to_local


class DemoError(RuntimeError):
    """The demo cannot be created in the current state of the database."""


def _random_name(rng: random.Random) -> str:
    family = rng.choice(FAMILY_NAMES)
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def _email(full_name: str, taken: set[str]) -> str:
    """Government style: given name plus initials of family and middle names, e.g. hungtv@…"""
    words = fold(full_name).split()
    local = words[-1] + "".join(w[0] for w in words[:-1])
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}"
    taken.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def _create_units() -> dict[str, Unit]:
    code, name, short = DEPARTMENT
    root = Unit(code=code, name=name, short_name=short, kind="department", position=0)
    db.session.add(root)
    db.session.flush()
    root.path = f"/{root.id}/"
    units = {code: root}
    for position, (ucode, uname, ushort, *_rest, parent_code) in enumerate(UNITS, start=1):
        parent = units[parent_code] if parent_code else root
        unit = Unit(code=ucode, name=uname, short_name=ushort, kind="branch" if parent_code else "unit",
                    parent=parent, position=position)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path}{unit.id}/"
        units[ucode] = unit
    return units


def _slots(rng: random.Random, spec: tuple) -> list[str]:
    """Job titles for a unit: its head, one deputy (all deputies in the board), then grades."""
    _code, _name, _short, head, deputy, grade, size, _parent = spec
    titles = [head]
    for i in range(1, size):
        if grade is None or i == 1:
            titles.append(deputy)
        else:
            titles.append(rng.choice(GRADES[grade]))
    return titles


def seed_demo(seed: int = 2024) -> str:
    """Create the demo organisation and people; the caller commits. Returns a one-line summary."""
    courses = list(db.session.scalars(select(Course).where(Course.retired_at.is_(None))))
    if not courses:
        raise DemoError("no course is loaded; run `flask --app app content sync` first.")
    rng = random.Random(seed)  # nosec B311  # one seed, one demo department, every time
    now = clock.now()
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for every demo account keeps seeding fast
    units = _create_units()
    taken_emails: set[str] = set()
    fixed_by_unit: dict[str, list[tuple]] = {}
    for person in FIXED_PEOPLE:
        fixed_by_unit.setdefault(person[2], []).append(person)

    people: list[tuple[User, int]] = []
    next_code = 1001
    for spec in UNITS:
        unit = units[spec[0]]
        titles = _slots(rng, spec)
        fixed = fixed_by_unit.get(spec[0], [])
        head_fixed = next((p for p in fixed if p[3] == spec[3]), None)
        others = [p for p in fixed if p is not head_fixed]
        for index, title in enumerate(titles):
            if index == 0 and head_fixed:
                code, name, _unit, title, roles, reads = head_fixed
            elif others and index >= len(titles) - len(others):
                code, name, _unit, title, roles, reads = others[len(titles) - index - 1]
            else:
                code, name, roles = f"TNMT{next_code:04d}", _random_name(rng), ()
                next_code += 1
                reads = rng.choice([0, 0, 0, 9, 9, 9, rng.randint(1, 8), rng.randint(1, 8)])
            if index == 0 and "unit_head" not in roles:
                roles = (*roles, "unit_head")
            user = User(employee_code=code, email=_email(name, taken_emails), unit=unit, job_title=title,
                        password_hash=password_hash, active=True)
            set_name(user, name)
            user.role_rows = [UserRole(role=r) for r in roles]
            db.session.add(user)
            people.append((user, reads))
            if "unit_head" in roles:
                scope = units[DEPARTMENT[0]] if title == "Giám đốc Sở" else unit
                user.headed_units.append(scope)
    db.session.flush()
    _add_reads(rng, courses, people, now)
    heads = db.session.query(UnitHead).count()
    db.session.commit()
    _demo_signing_key()
    # The fixed accounts keep the quiz untouched, so a demo can take it from the start.
    sat = sum(add_attempts(rng, course, {p[0] for p in FIXED_PEOPLE}) for course in courses)
    rounds = _open_rounds(rng, courses, units[DEPARTMENT[0]], [p[0] for p in people])
    return (f"Demo data: {len(units)} units, {len(people)} staff ({heads} unit heads), "
            f"{sat} with a quiz history, {rounds} open round(s). Password for every demo account: {DEMO_PASSWORD}")


def _open_rounds(rng: random.Random, courses: list[Course], department: Unit, staff: list[User]) -> int:
    """One round per course for the whole department, begun two weeks ago; a few exemptions."""
    today = to_local(clock.now()).date()
    for course in courses:
        round_ = open_round(course, name=f"Đợt 1 năm {today.year}", starts_on=today - timedelta(days=15),
                            deadline=today + timedelta(days=20), unit_ids=[department.id], by=None)
        fixed = {p[0] for p in FIXED_PEOPLE}
        for person, reason in zip(rng.sample([u for u in staff if u.employee_code not in fixed], 2),
                                  ("Nghỉ thai sản", "Đi học tập trung dài hạn"), strict=True):
            set_exemption(round_, person.id, reason, by=None)
    return len(courses)


def _demo_signing_key() -> None:
    """A self-signed key under instance/, so demo certificates carry a verifiable signature."""
    import secrets

    from flask import current_app

    from lms.config import instance_dir
    from lms.pdf.signing import create_self_signed

    path = instance_dir() / "demo-signing.p12"
    if path.exists() or current_app.config.get("TESTING"):
        return
    passphrase = secrets.token_urlsafe(16)
    create_self_signed(path, passphrase, "Sở TN&MT Thanh Hóa (chữ ký thử nghiệm)")
    (instance_dir() / "demo-signing.pass").write_text(passphrase, encoding="utf-8")
    (instance_dir() / "demo-signing.pass").chmod(0o600)
    current_app.config.update(CERT_SIGNING_P12=str(path), CERT_SIGNING_PASSPHRASE=passphrase)


def _add_reads(rng: random.Random, courses: list[Course], people: list[tuple[User, int]], now) -> None:
    """Give each person the number of lessons read the plan says, over the last two weeks."""
    for course in courses:
        lessons = list(db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id, Lesson.retired_at.is_(None)).order_by(Lesson.position)
        ))
        rows = []
        for user, count in people:
            start = now - timedelta(days=rng.randint(1, 14), minutes=rng.randint(0, 600))
            for i, lesson in enumerate(lessons[:count]):
                rows.append(LessonRead(user_id=user.id, lesson_id=lesson.id, lesson_hash=lesson.body_hash,
                                       read_at=start + timedelta(minutes=4 * i)))
        db.session.add_all(rows)
