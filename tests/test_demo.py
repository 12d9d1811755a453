"""`flask demo`: a realistic department, only into an empty database."""
import unicodedata
from collections import Counter

from sqlalchemy import func, select

from lms.demo.data import DEMO_PASSWORD, FIXED_PEOPLE
from lms.extensions import db
from lms.models import Attempt, LessonRead, Unit, UnitHead, User, UserRole
from lms.people.services import list_people
from tests.conftest import csrf_token


def _check_organisation():
    units = db.session.scalars(select(Unit)).all()
    kinds = Counter(u.kind for u in units)
    assert kinds["department"] == 1 and kinds["unit"] >= 12 and kinds["branch"] >= 2
    assert any(u.name == "Trung tâm Dữ liệu thông tin tài nguyên và môi trường" for u in units)
    branch = next(u for u in units if u.kind == "branch")
    assert branch.depth == 2 and branch.parent.code == "VPDK"

    users = db.session.scalars(select(User)).all()
    assert 140 <= len(users) <= 170
    assert all(unicodedata.is_normalized("NFC", u.full_name) for u in users)
    assert len({u.employee_code for u in users}) == len(users)
    assert len({u.email for u in users}) == len(users)
    roles = Counter(r.role for r in db.session.scalars(select(UserRole)))
    assert roles["hr"] == 1 and roles["admin"] == 1 and roles["unit_head"] >= 12
    assert db.session.scalar(select(func.count(UnitHead.id))) == roles["unit_head"]
    return len(users)


def _check_progress(lessons: int, total_users: int):
    per_user = dict(db.session.execute(
        select(LessonRead.user_id, func.count(LessonRead.id)).group_by(LessonRead.user_id)).all())
    assert any(0 < n < lessons for n in per_user.values())  # part-way
    assert len(per_user) < total_users  # some not started
    assert any(n == lessons for n in per_user.values())
    attempts = db.session.scalars(select(Attempt)).all()
    assert any(a.passed for a in attempts) and any(a.passed is False for a in attempts)
    assert all(a.state == "finished" and a.finished_at > a.started_at for a in attempts)
    fixed = {code for code, *_ in FIXED_PEOPLE}
    assert not {db.session.get(User, a.user_id).employee_code for a in attempts} & fixed
    from lms.models import Certificate

    certificates = db.session.scalars(select(Certificate)).all()
    assert certificates and all(c.status == "valid" for c in certificates)  # HR's list is never empty


def _check_scopes():
    director = db.session.scalar(select(User).where(User.employee_code == "TNMT0001"))
    office_head = db.session.scalar(select(User).where(User.employee_code == "TNMT0005"))
    assert list_people(director).total == db.session.scalar(select(func.count(User.id)))
    assert list_people(office_head).total == 10 + 4 * 8


def _check_logins(client):
    for code, name, *_ in FIXED_PEOPLE:
        page = client.get("/login").get_data(as_text=True)
        response = client.post("/login", data={"csrf_token": csrf_token(page), "identifier": code,
                                               "password": DEMO_PASSWORD})
        assert response.status_code == 302, code
        page = client.get("/courses").get_data(as_text=True)
        assert name in page
        client.post("/logout", data={"csrf_token": csrf_token(page)})


def test_demo_department(client, course):
    runner = client.application.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    total = _check_organisation()
    _check_progress(len(course.lessons), total)
    _check_scopes()
    _check_logins(client)
    # Only into an empty database: a second run refuses, --if-empty quietly does nothing.
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "not added" in quiet.output
    assert db.session.scalar(select(func.count(User.id))) == total


def test_demo_needs_the_course(ctx):
    result = ctx.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "content sync" in result.output
