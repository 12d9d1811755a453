"""Rounds: who must complete (joiners, leavers, transfers, exemptions), stages, renewal and supersession."""
from datetime import date

import pytest
from sqlalchemy import select

from lms.certificates.services import sign_commitment
from lms.extensions import db
from lms.models import SUPERSEDED, VALID, Certificate, RoundMember
from lms.quiz import services as quiz
from lms.rounds.membership import MembershipChange, RoundError, open_round, refresh_round_memberships, set_exemption
from tests.cert_helpers import pass_quiz
from tests.factories import make_unit, make_user
from tests.quiz_helpers import read_all, wrong_answers


@pytest.fixture
def org(ctx):
    so = make_unit("SO", "Sở")
    p1 = make_unit("P1", "Phòng Một", parent=so)
    b1 = make_unit("B1", "Chi nhánh Một", parent=p1)
    p2 = make_unit("P2", "Phòng Hai", parent=so)
    db.session.commit()
    return {"so": so, "p1": p1, "b1": b1, "p2": p2}


def members(round_):
    rows = db.session.execute(select(RoundMember.user_id, RoundMember.left_on, RoundMember.joined_on,
                                     RoundMember.stage).where(RoundMember.round_id == round_.id))
    return {uid: (left, joined, stage) for uid, left, joined, stage in rows}


def sign(user, course):
    return sign_commitment(user, course, agreed=True, typed_name=user.full_name, ip_address=None, user_agent=None)


def test_open_round_takes_active_staff_of_target_subtrees(org, course, clock):
    inside = make_user(unit=org["p1"])
    below = make_user(unit=org["b1"])
    outside = make_user(unit=org["p2"])
    gone = make_user(unit=org["p1"], active=False)
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["p1"].id, org["b1"].id], by=None)
    assert set(members(round_)) == {inside.id, below.id}
    assert outside.id not in members(round_) and gone.id not in members(round_)
    assert round_.cycle == 0 and [u.code for u in round_.targets] == ["P1"]  # B1 is already inside P1


@pytest.mark.parametrize("kwargs, reason", [
    ({"name": " "}, "name_required"),
    ({"starts_on": date(2023, 5, 1)}, "start_too_early"),
    ({"renews": True}, "nothing_to_renew"),
    ({"deadline": date(2024, 5, 1)}, "deadline_before_start"),
    ({"starts_on": date(2024, 5, 1), "deadline": date(2024, 5, 2)}, "deadline_past"),
    ({"unit_ids": []}, "units_required"),
])
def test_open_round_refuses_bad_input(org, course, clock, kwargs, reason):
    args = {"name": "Đợt 1", "starts_on": date(2024, 6, 1), "deadline": date(2024, 6, 30),
            "unit_ids": [org["p1"].id], "by": None} | kwargs
    with pytest.raises(RoundError) as error:
        open_round(course, **args)
    assert error.value.reason == reason


def test_joiner_leaver_transfer_and_return(org, course, clock):
    stays = make_user(unit=org["p1"])
    moves_within = make_user(unit=org["p1"])
    moves_out = make_user(unit=org["p1"])
    quits = make_user(unit=org["b1"])
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["p1"].id], by=None)
    clock.advance(days=3)
    joiner = make_user(unit=org["b1"])
    moves_within.unit_id = org["b1"].id
    moves_out.unit_id = org["p2"].id
    quits.active = False
    change = refresh_round_memberships()
    db.session.commit()
    rows = members(round_)
    assert (change.joined, change.left, change.returned) == (1, 2, 0)
    assert rows[joiner.id][:2] == (None, date(2024, 6, 6))
    assert rows[stays.id][0] is None and rows[moves_within.id][0] is None
    assert rows[moves_out.id][0] == date(2024, 6, 6) and rows[quits.id][0] == date(2024, 6, 6)
    # Coming back clears the leave; refreshing again changes nothing more.
    moves_out.unit_id = org["p1"].id
    assert refresh_round_memberships().returned == 1
    db.session.commit()
    assert members(round_)[moves_out.id][0] is None
    assert refresh_round_memberships() == MembershipChange(0, 0, 0)


def test_membership_is_frozen_after_the_deadline(org, course, clock):
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 10),
                        unit_ids=[org["p1"].id], by=None)
    clock.advance(days=10)
    make_user(unit=org["p1"])
    assert refresh_round_memberships().joined == 0
    assert members(round_) == {}


def test_exemption_needs_a_reason_and_a_member(org, course, clock):
    person = make_user(unit=org["p1"])
    other = make_user(unit=org["p2"])
    admin = make_user(unit=org["so"], roles=("admin",))
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["p1"].id], by=admin)
    with pytest.raises(RoundError, match="reason_required"):
        set_exemption(round_, person.id, "  ", admin)
    with pytest.raises(RoundError, match="not_member"):
        set_exemption(round_, other.id, "Nghỉ thai sản", admin)
    set_exemption(round_, person.id, "Nghỉ thai sản", admin)
    member = db.session.scalar(select(RoundMember).where(RoundMember.user_id == person.id))
    assert member.exempt_reason == "Nghỉ thai sản" and member.exempted_by_id == admin.id
    set_exemption(round_, person.id, None, admin)
    db.session.refresh(member)
    assert member.exempt_reason is None


def test_stage_follows_each_step(org, course, clock):
    person = make_user(unit=org["p1"])
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["p1"].id], by=None)
    assert members(round_)[person.id][2] == "not_started"
    read_all(person, course)
    assert members(round_)[person.id][2] == "reading"
    attempt = quiz.start_attempt(person, course)
    quiz.save_answers(person.id, attempt.id, wrong_answers(quiz.load_attempt(person.id, attempt.id)))
    quiz.finish_attempt(person.id, attempt.id)
    assert members(round_)[person.id][2] == "failed"
    clock.advance(days=1)
    pass_quiz(person, course)
    assert members(round_)[person.id][2] == "passed"
    sign(person, course)
    assert members(round_)[person.id][2] == "certified"


def test_progress_made_before_the_first_round_counts(org, course, clock):
    person = make_user(unit=org["p1"])
    pass_quiz(person, course)
    sign(person, course)
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["p1"].id], by=None)
    assert members(round_)[person.id][2] == "certified"


def test_a_new_round_renews_and_supersedes_when_the_new_certificate_is_issued(org, course, clock, client):
    person = make_user(unit=org["p1"])
    first = open_round(course, name="Đợt 2024", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                       unit_ids=[org["p1"].id], by=None)
    pass_quiz(person, course)
    old = sign(person, course)
    clock.advance(days=200)
    second = open_round(course, name="Đợt 2025", starts_on=date(2024, 12, 20), deadline=date(2025, 1, 31),
                        unit_ids=[org["so"].id], by=None, renews=True)
    assert second.cycle == second.id
    assert members(second)[person.id][2] == "not_started" and members(first)[person.id][2] == "certified"
    # The old certificate stays valid until the new one is issued.
    assert db.session.get(Certificate, old.id).status == VALID
    assert quiz.quiz_status(person, course).blocked == "lessons_unread"
    pass_quiz(person, course)
    new = sign(person, course)
    assert new is not None and new.cycle == second.id and new.id != old.id
    db.session.refresh(old)
    assert old.status == SUPERSEDED and old.superseded_by_id == new.id
    assert members(second)[person.id][2] == "certified" and members(first)[person.id][2] == "certified"
    page = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "superseded" in page or "thay thế" in page


def test_revoking_moves_the_stage_back(org, course, clock):
    person = make_user(unit=org["p1"])
    hr = make_user(unit=org["so"], roles=("hr",))
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["p1"].id], by=None)
    pass_quiz(person, course)
    certificate = sign(person, course)
    from lms.certificates.services import revoke

    revoke(certificate, hr, "Cấp nhầm")
    assert members(round_)[person.id][2] == "passed"


def test_a_second_round_shares_the_first_cycle_unless_it_starts_afresh(org, course, clock):
    person = make_user(unit=org["p2"])
    open_round(course, name="Đợt 1 - P1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
               unit_ids=[org["p1"].id], by=None)
    pass_quiz(person, course)
    sign(person, course)
    second = open_round(course, name="Đợt 1 - P2", starts_on=date(2024, 6, 3), deadline=date(2024, 6, 30),
                        unit_ids=[org["p2"].id], by=None)
    assert second.cycle == 0 and members(second)[person.id][2] == "certified"
    with pytest.raises(RoundError, match="name_taken"):  # a double-clicked "open" makes no second round
        open_round(course, name="đợt 1 - p2", starts_on=date(2024, 6, 3), deadline=date(2024, 6, 30),
                   unit_ids=[org["p2"].id], by=None)
    with pytest.raises(RoundError, match="renewal_overlaps"):
        open_round(course, name="Đợt 2", starts_on=date(2024, 6, 20), deadline=date(2024, 7, 30),
                   unit_ids=[org["so"].id], by=None, renews=True)


def test_expired_certificate_does_not_count_in_a_later_round(org, course, clock):
    person = make_user(unit=org["p1"])
    pass_quiz(person, course)
    certificate = sign(person, course)
    certificate.expires_on = date(2024, 6, 10)
    db.session.commit()
    clock.advance(days=30)
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 7, 1), deadline=date(2024, 7, 30),
                        unit_ids=[org["p1"].id], by=None)
    assert members(round_)[person.id][2] == "passed"


def test_leaving_a_renewal_returns_the_person_to_the_first_cycle(org, course, clock):
    from lms.rounds.cycle import current_cycle

    person = make_user(unit=org["p1"])
    open_round(course, name="Đợt 1", starts_on=date(2024, 5, 1), deadline=date(2024, 6, 5), unit_ids=[org["p1"].id],
               by=None)
    renewal = open_round(course, name="Đợt 2", starts_on=date(2024, 6, 6), deadline=date(2024, 7, 30),
                         unit_ids=[org["p1"].id], by=None, renews=True)
    clock.advance(days=4)
    assert current_cycle(person.id, course.id) == renewal.id
    person.unit_id = org["p2"].id
    refresh_round_memberships()
    db.session.commit()
    assert current_cycle(person.id, course.id) == 0


def test_an_attempt_counts_in_the_cycle_it_ends_in(org, course, clock):
    from tests.quiz_helpers import right_answers

    person = make_user(unit=org["p1"])
    open_round(course, name="Đợt 1", starts_on=date(2024, 5, 1), deadline=date(2024, 6, 3), unit_ids=[org["p1"].id],
               by=None)
    renewal = open_round(course, name="Đợt 2", starts_on=date(2024, 6, 4), deadline=date(2024, 7, 30),
                         unit_ids=[org["p1"].id], by=None, renews=True)
    read_all(person, course)  # read in cycle 0, on 3 June
    attempt = quiz.start_attempt(person, course)
    quiz.save_answers(person.id, attempt.id, right_answers(quiz.load_attempt(person.id, attempt.id)))
    clock.advance(hours=16)  # 4 June in Vietnam: the renewal has begun
    finished = quiz.finish_attempt(person.id, attempt.id)
    assert finished.cycle == renewal.id and finished.passed


def test_a_round_opened_by_mistake_can_be_deleted_until_it_is_used(org, course, clock):
    from lms.models import Round
    from lms.rounds.membership import delete_round

    person = make_user(unit=org["p1"])
    admin = make_user(unit=org["so"], roles=("admin",))
    first = open_round(course, name="Đợt 1", starts_on=date(2024, 5, 1), deadline=date(2024, 6, 3),
                       unit_ids=[org["p1"].id], by=None)
    renewal = open_round(course, name="Đợt 2", starts_on=date(2024, 6, 4), deadline=date(2024, 7, 30),
                         unit_ids=[org["p1"].id], by=None, renews=True)
    clock.advance(days=2)
    read_all(person, course)  # work done in the renewal's cycle
    with pytest.raises(RoundError, match="round_in_use"):
        delete_round(renewal)
    set_exemption(first, person.id, "Nghỉ phép", admin)
    with pytest.raises(RoundError, match="round_in_use"):
        delete_round(first)
    spare = open_round(course, name="Đợt nhầm", starts_on=date(2024, 6, 5), deadline=date(2024, 7, 30),
                       unit_ids=[org["p2"].id], by=None)
    delete_round(spare)
    assert db.session.get(Round, spare.id) is None and db.session.get(Round, first.id) is not None


def test_each_round_judges_expiry_from_its_own_start(org, course, clock):
    from lms.rounds import progress

    person = make_user(unit=org["p1"])
    june = open_round(course, name="Đợt tháng 6", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                      unit_ids=[org["p1"].id], by=None)
    july = open_round(course, name="Đợt tháng 7", starts_on=date(2024, 7, 1), deadline=date(2024, 7, 31),
                      unit_ids=[org["so"].id], by=None)
    pass_quiz(person, course)
    certificate = sign(person, course)
    certificate.expires_on = date(2024, 6, 20)
    progress.touch(person.id, course.id, 0)
    db.session.commit()
    assert members(june)[person.id][2] == "certified" and members(july)[person.id][2] == "passed"
