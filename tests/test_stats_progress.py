"""Completions per local day: the day turns at 17:00 UTC, revoked certificates do not count."""
import itertools
from datetime import UTC, date, datetime

import pytest

from lms.extensions import db
from lms.models import REVOKED, SUPERSEDED, VALID, Certificate, Course, User
from lms.stats import completion_progress
from tests.factories import make_unit, make_user

_serials = itertools.count(1)


def certify(user, course, issued_at, status=VALID):
    n = next(_serials)
    db.session.add(Certificate(
        serial=f"2024/T-{n:05d}", code=f"code-{n}", user_id=user.id, course_id=course.id, status=status,
        full_name=user.full_name, name_search=user.name_search, course_title=course.title, score_bp=9000,
        passed_at=issued_at, issued_at=issued_at, issued_on=issued_at.date(), pdf_sha256="0" * 64, pdf_size=1))
    db.session.commit()


def utc(day, hour, minute=0, second=0):
    return datetime(2024, 6, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def history(ctx):
    course = Course(key="progress-course", title="Khóa tiến độ")
    other_course = Course(key="other-course", title="Khóa khác")
    db.session.add_all([course, other_course])
    department = make_unit(code="D")
    unit, elsewhere = make_unit(code="P1", parent=department), make_unit(code="P2", parent=department)
    people = {name: make_user(f"Trần Thị {name}", unit=unit, password=None) for name in "abcdefg"}
    people["h"] = make_user("Lê Văn h", unit=elsewhere, password=None)
    certify(people["a"], course, utc(2, 16, 59, 59))  # 23:59:59 on 2 June in Vietnam: before the range
    certify(people["b"], course, utc(2, 17))  # 00:00 on 3 June in Vietnam
    certify(people["c"], course, utc(3, 16, 59))  # 23:59 on 3 June
    certify(people["d"], course, utc(3, 17))  # 00:00 on 4 June
    certify(people["e"], course, utc(4, 3), status=REVOKED)  # revoked: does not count...
    certify(people["e"], course, utc(6, 10))  # ...the certificate issued again on 6 June does
    certify(people["f"], course, utc(4, 3), status=SUPERSEDED)  # first completion on 4 June...
    certify(people["f"], course, utc(5, 3))  # ...the renewal is not a new completion
    certify(people["g"], course, utc(6, 17))  # 00:00 on 7 June: after the range
    certify(people["h"], course, utc(5, 8))  # another unit
    certify(people["h"], other_course, utc(3, 8))  # another course
    return course, unit


def series(points):
    return [(p.day.day, p.new, p.cumulative) for p in points]


def test_days_turn_at_midnight_in_vietnam(history):
    course, unit = history
    points = completion_progress(course.id, date(2024, 6, 3), date(2024, 6, 6), [User.unit_id == unit.id])
    assert [p.day for p in points] == [date(2024, 6, d) for d in (3, 4, 5, 6)]
    # a counted before the range; b, c on the 3rd; d, f on the 4th; nothing on the 5th; e on the 6th
    assert series(points) == [(3, 2, 3), (4, 2, 5), (5, 0, 5), (6, 1, 6)]


def test_everyone_and_certificate_conditions(history):
    course, _ = history
    everyone = completion_progress(course.id, date(2024, 6, 3), date(2024, 6, 7))
    assert series(everyone) == [(3, 2, 3), (4, 2, 5), (5, 1, 6), (6, 1, 7), (7, 1, 8)]  # h on the 5th, g on the 7th
    # Counting only certificates still valid: f's first completion becomes the renewal on the 5th.
    valid = completion_progress(course.id, date(2024, 6, 3), date(2024, 6, 5), (),
                                [Certificate.status == VALID])
    assert series(valid) == [(3, 2, 3), (4, 1, 4), (5, 2, 6)]


def test_a_range_before_anything_and_a_single_day(history):
    course, _ = history
    assert series(completion_progress(course.id, date(2024, 5, 30), date(2024, 5, 31))) == [(30, 0, 0), (31, 0, 0)]
    assert series(completion_progress(course.id, date(2024, 6, 2), date(2024, 6, 2))) == [(2, 1, 1)]


def test_bad_ranges_are_refused(history):
    course, _ = history
    with pytest.raises(ValueError, match="before the start"):
        completion_progress(course.id, date(2024, 6, 3), date(2024, 6, 2))
    with pytest.raises(ValueError, match="at most"):
        completion_progress(course.id, date(2000, 1, 1), date(2024, 6, 2))
