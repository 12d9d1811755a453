"""A department with people, attempts, a certificate, rounds and an upload owned by someone else."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from lms.extensions import db, limiter
from lms.models import Attempt, Certificate, Course, Round, Unit, User


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Each test starts with empty rate-limit counters, so requests made by earlier tests do not count."""
    with app.app_context():
        limiter.reset()
    yield


@dataclass
class World:
    """Everything a request in these tests may point at; the roles' users are in `people`."""

    course: Course
    units: dict[str, Unit]
    people: dict[str, User]
    finished_attempt: Attempt  # the victim's, passed
    open_attempt: Attempt  # another person's, still open
    certificate: Certificate  # the victim's
    round_other: Round  # targets only the other unit: the head of P1 must not learn of it
    round_all: Round  # targets the whole department: the head of P1 sees it, scoped to P1
    round_spare: Round  # unused, so an admin may delete it
    foreign_token: str  # an upload stored by another HR user

    def ids(self) -> dict[str, object]:
        """Values for the placeholders of URL templates."""
        return {
            "course": self.course.key, "lesson": "1a",
            "p1": self.units["p1"].id, "p2": self.units["p2"].id,
            "victim": self.people["victim"].id, "head2": self.people["head2"].id,
            "admin2": self.people["admin2"].id,
            "finished_attempt": self.finished_attempt.id, "open_attempt": self.open_attempt.id,
            "certificate": self.certificate.id, "code": self.certificate.code,
            "round_other": self.round_other.id, "round_all": self.round_all.id, "round_spare": self.round_spare.id,
            "foreign_token": self.foreign_token,
        }


def build_world(course) -> World:
    """Units SO > P1 > B1 and SO > P2; the role users work in P1 or SO; every object belongs to P2 people."""
    from lms.certificates import services as certificates
    from lms.quiz import services as quiz
    from lms.rounds.membership import open_round
    from lms.staff_import.uploads import store_upload
    from tests.cert_helpers import pass_quiz
    from tests.factories import make_unit, make_user
    from tests.quiz_helpers import read_all

    so = make_unit("SO", "Sở Tài nguyên và Môi trường")
    p1 = make_unit("P1", "Phòng Quản lý đất đai", parent=so)
    b1 = make_unit("B1", "Chi nhánh Đông Sơn", parent=p1)
    p2 = make_unit("P2", "Thanh tra Sở", parent=so)
    db.session.commit()
    people = {
        "staff": make_user("Nguyễn Văn An", unit=p1),
        "unit_head": make_user("Phạm Văn Cường", unit=p1, roles=("unit_head",), head_of=(p1,)),
        "hr": make_user("Lê Thị Thu Hà", unit=so, roles=("hr",)),
        "admin": make_user("Nguyễn Đức Anh", unit=so, roles=("admin",)),
        "victim": make_user("Lê Văn Khoa", unit=p2),
        "other": make_user("Hồ Thị Cúc", unit=p2),
        "head2": make_user("Đỗ Văn Hải", unit=p2, roles=("unit_head",), head_of=(p2,)),
        "hr2": make_user("Trần Thị Mai", unit=so, roles=("hr",)),
        "admin2": make_user("Vũ Quang Huy", unit=so, roles=("admin",)),
    }
    round_other = open_round(course, name="Đợt Thanh tra", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                             unit_ids=[p2.id], by=people["admin"])
    round_all = open_round(course, name="Đợt toàn Sở", starts_on=date(2024, 6, 2), deadline=date(2024, 6, 30),
                           unit_ids=[so.id], by=people["admin"])
    round_spare = open_round(course, name="Đợt mở nhầm", starts_on=date(2024, 6, 5), deadline=date(2024, 6, 30),
                             unit_ids=[p2.id], by=people["admin"])
    victim = people["victim"]
    finished = pass_quiz(victim, course)
    certificate = certificates.sign_commitment(victim, course, agreed=True, typed_name=victim.full_name,
                                               ip_address="10.0.0.9", user_agent="pytest")
    read_all(people["other"], course)
    open_attempt = quiz.start_attempt(people["other"], course)
    token = store_upload(b"Ma nhan vien,Ho va ten\r\nNV9,Ai Do\r\n", "cua-nguoi-khac.csv",
                         user_id=people["hr2"].id, sync=False)
    db.session.commit()
    return World(course=course, units={"so": so, "p1": p1, "b1": b1, "p2": p2}, people=people,
                 finished_attempt=finished, open_attempt=open_attempt, certificate=certificate,
                 round_other=round_other, round_all=round_all, round_spare=round_spare, foreign_token=token)


@pytest.fixture
def world(ctx, course, clock) -> World:
    return build_world(course)
