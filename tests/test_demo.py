"""`flask demo`: a realistic department, only into an empty database."""
import unicodedata
from collections import Counter

from sqlalchemy import func, select

from lms.demo.data import DEMO_PASSWORD, FIXED_PEOPLE
from lms.extensions import db
from lms.models import LessonRead, Unit, UnitHead, User, UserRole


def test_demo_builds_the_department(ctx, course):
    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
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


def test_demo_staff_are_part_way_through(ctx, course):
    ctx.test_cli_runner().invoke(args=["demo"])
    per_user = dict(db.session.execute(
        select(LessonRead.user_id, func.count(LessonRead.id)).group_by(LessonRead.user_id)).all())
    total_users = db.session.scalar(select(func.count(User.id)))
    lessons = len(course.lessons)
    partly = [n for n in per_user.values() if 0 < n < lessons]
    assert partly and len(per_user) < total_users  # some not started, some part-way
    assert any(n == lessons for n in per_user.values())


def test_fixed_demo_logins_work(client, course):
    from tests.conftest import csrf_token

    client.application.test_cli_runner().invoke(args=["demo"])
    for code, name, *_ in FIXED_PEOPLE:
        page = client.get("/login").get_data(as_text=True)
        response = client.post("/login", data={"csrf_token": csrf_token(page), "identifier": code,
                                               "password": DEMO_PASSWORD})
        assert response.status_code == 302, code
        assert name in client.get("/courses").get_data(as_text=True)
        page = client.get("/courses").get_data(as_text=True)
        client.post("/logout", data={"csrf_token": csrf_token(page)})


def test_demo_director_sees_everyone_and_branch_head_only_theirs(client, course):
    from lms.people.services import list_people

    client.application.test_cli_runner().invoke(args=["demo"])
    director = db.session.scalar(select(User).where(User.employee_code == "TNMT0001"))
    office_head = db.session.scalar(select(User).where(User.employee_code == "TNMT0005"))
    everyone = db.session.scalar(select(func.count(User.id)))
    assert list_people(director).total == everyone
    assert list_people(office_head).total == 10 + 4 * 8


def test_demo_refuses_a_database_with_users(ctx, course):
    runner = ctx.test_cli_runner()
    runner.invoke(args=["demo"])
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "not added" in quiet.output


def test_demo_needs_the_course(ctx):
    result = ctx.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "content sync" in result.output
