"""Models: typed columns, UTC timestamps, the unit tree, roles and the constraints that guard data."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from lms.extensions import db
from lms.models import Lesson, LessonRead, Option, Question, QuestionVersion, Unit, User, UserRole
from tests.factories import make_unit, make_user


def test_timestamps_come_back_timezone_aware_utc(ctx):
    user = make_user()
    plus7 = timezone(timedelta(hours=7))
    user.deactivated_at = datetime(2024, 2, 5, 8, 30, tzinfo=plus7)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(User, user.id).deactivated_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2024, 2, 5, 1, 30, tzinfo=UTC)


def test_naive_timestamps_are_refused(ctx):
    user = make_user()
    user.deactivated_at = datetime(2024, 2, 5, 8, 30)
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_unit_tree_paths_and_depth(ctx):
    department = make_unit("SO")
    office = make_unit("VPDK", parent=department)
    branch = make_unit("VPDK-SS", parent=office)
    assert department.depth == 0 and office.depth == 1 and branch.depth == 2
    assert branch.path.startswith(office.path) and office.path.startswith(department.path)
    assert branch.kind == "branch" and office.kind == "unit" and department.kind == "department"
    assert [c.code for c in department.children] == ["VPDK"]


def test_roles_everyone_is_staff(ctx):
    user = make_user(roles=("hr",))
    assert user.roles == {"staff", "hr"}
    assert user.has_role("hr") and user.has_role("staff") and not user.has_role("admin")


def test_a_unit_head_can_answer_for_several_units(ctx):
    a, b = make_unit("A"), make_unit("B")
    head = make_user(roles=("unit_head",), head_of=(a, b))
    db.session.expire_all()
    assert {u.code for u in db.session.get(User, head.id).headed_units} == {"A", "B"}


def test_create_user_refuses_bad_requests(ctx):
    from lms.auth.services import AccountError, create_user

    make_user(code="NV01", email="a@example.gov.vn")
    with pytest.raises(AccountError):
        create_user(employee_code="nv01", full_name="Trùng Mã")
    with pytest.raises(AccountError):
        create_user(employee_code="NV02", full_name="Trùng Email", email="A@example.gov.vn")
    with pytest.raises(AccountError):
        create_user(employee_code="NV03", full_name="Vai Trò Lạ", roles=("king",))
    with pytest.raises(AccountError):
        create_user(employee_code="NV04", full_name="Không Đơn Vị", roles=("unit_head",))
    with pytest.raises(AccountError):
        create_user(employee_code="NV05", full_name="Mật Khẩu Ngắn", password="short")


def test_names_are_stored_nfc_with_keys(ctx):
    import unicodedata

    user = make_user(unicodedata.normalize("NFD", "  Nguyễn   Thị Hồng "))
    assert user.full_name == "Nguyễn Thị Hồng" and unicodedata.is_normalized("NFC", user.full_name)
    assert user.name_search == "nguyen thi hong"
    assert user.name_sort_key


def test_employee_code_is_unique_in_the_database(ctx):
    make_user(code="NV-UNIQUE")
    db.session.add(User(employee_code="NV-UNIQUE", full_name="B", name_sort_key=b"b", name_search="b"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_role_row_per_role(ctx):
    user = make_user(roles=("hr",))
    db.session.add(UserRole(user_id=user.id, role="hr"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_lesson_is_read_once_per_person(ctx, course):
    user = make_user()
    lesson = db.session.scalar(select(Lesson))
    db.session.add(LessonRead(user_id=user.id, lesson_id=lesson.id, lesson_hash=lesson.body_hash))
    db.session.commit()
    db.session.add(LessonRead(user_id=user.id, lesson_id=lesson.id, lesson_hash=lesson.body_hash))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_question_versions_are_numbered_uniquely(ctx, course):
    question = db.session.scalar(select(Question))
    db.session.add(QuestionVersion(question_id=question.id, number=1, content_hash="x", type="single",
                                   text="?", explanation="."))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(ctx, course):
    db.session.add(Option(version_id=999_999, position=0, text="?"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_every_single_question_version_has_exactly_one_correct_option(ctx, course):
    for version in db.session.scalars(select(QuestionVersion).where(QuestionVersion.type == "single")):
        assert sum(o.is_correct for o in version.options) == 1


def test_unit_codes_are_unique(ctx):
    make_unit("DUP")
    db.session.add(Unit(code="DUP", name="Khác", path="/"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
