"""Applying a staff import: what each row does, NFC text, transfers that keep history, sync, all or nothing."""
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.auth.services import authenticate
from lms.extensions import db
from lms.models import Attempt, Certificate, RoundMember, User, UserRole
from lms.rounds.membership import open_round
from lms.staff_import import apply as apply_module
from lms.staff_import.apply import PlanChanged, apply_import
from lms.staff_import.preview import build_plan
from lms.text import name_sort_key
from tests.cert_helpers import pass_quiz
from tests.factories import make_user
from tests.import_helpers import HEADINGS, make_org, xlsx_bytes
from tests.quiz_helpers import Clock

WITH_ROLE = HEADINGS + ["Vai trò"]


@pytest.fixture
def org(ctx):
    return make_org()


def run(data, *, sync=False, importer=None, filename="staff.xlsx"):
    """Preview then apply, as the pages and the command do."""
    plan = build_plan(data, filename, sync=sync, importer=importer)
    assert plan.can_apply, [p.code for p in plan.file_problems]
    return plan, apply_import(data, filename, sync=sync, importer=importer, expected_fingerprint=plan.fingerprint())


def person(code):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.employee_code == code))


def test_new_updated_moved_reactivated_and_unchanged(org):
    make_user("Lê Thị Hoa", code="NV2", unit=org["land"], email="hoa@stnmt.vn")
    make_user("Trần Văn Chuyển", code="NV3", unit=org["land"], email="chuyen@stnmt.vn")
    make_user("Đỗ Văn Về", code="NV4", unit=org["land"], active=False)
    same = make_user("Bùi Thị Giữ", code="NV5", unit=org["land"], email="giu@stnmt.vn")
    rows = [HEADINGS,
            ["NV1", "Nguyễn Văn An", "An@Stnmt.vn", "QLDD", "Chuyên viên"],
            ["NV2", "Lê Thị Thu Hoa", "", "QLDD", "Chuyên viên chính"],
            ["NV3", "Trần Văn Chuyển", "chuyen@stnmt.vn", "Chi nhánh Sầm Sơn", ""],
            ["NV4", "Đỗ Văn Về", "", "QLDD", ""],
            ["NV5", "Bùi Thị Giữ", "giu@stnmt.vn", "qldd", "Chuyên viên"]]
    plan, result = run(xlsx_bytes(rows))
    assert [row.status for row in plan.rows] == ["new", "updated", "moved", "reactivated", "unchanged"]
    assert result.counts == {"new": 1, "updated": 1, "moved": 1, "reactivated": 1, "unchanged": 1,
                             "deactivated": 0, "errors": 0, "warnings": 0}
    new = person("NV1")
    assert new.email == "an@stnmt.vn" and new.unit_id == org["land"].id and new.job_title == "Chuyên viên"
    assert new.roles == {"staff"} and new.active
    updated = person("NV2")
    assert updated.full_name == "Lê Thị Thu Hoa" and updated.name_sort_key == name_sort_key("Lê Thị Thu Hoa")
    assert updated.email == "hoa@stnmt.vn" and updated.job_title == "Chuyên viên chính"  # blank email kept
    assert person("NV3").unit_id == org["branch"].id and person("NV3").job_title == "Chuyên viên"  # blank title kept
    back = person("NV4")
    assert back.active and back.deactivated_at is None
    assert person("NV5").updated_at == same.updated_at


def test_new_accounts_get_a_password_shown_once_and_stored_hashed(org):
    _, result = run(xlsx_bytes([HEADINGS, ["NV1", "Nguyễn Văn An", "an@x.vn", "QLDD", ""],
                                ["NV2", "Lê Văn Bình", "", "VPDK", ""]]))
    assert [a.employee_code for a in result.created] == ["NV1", "NV2"]
    first, second = result.created
    assert first.password != second.password and len(first.password) >= 12
    user = person("NV1")
    assert first.password not in (user.password_hash or "")
    assert authenticate("NV1", first.password).id == user.id
    assert authenticate("an@x.vn", first.password).id == user.id
    assert authenticate("NV2", first.password) is None


def test_text_is_stored_in_nfc_from_nfd_input(org):
    name, title = (unicodedata.normalize("NFD", s) for s in ("Nguyễn  Thị Hồng", "Phó Trưởng phòng"))
    unit = unicodedata.normalize("NFD", "Phòng Quản lý đất đai")
    run(xlsx_bytes([HEADINGS, ["NV1", name, "", unit, title]]))
    user = person("NV1")
    assert user.full_name == "Nguyễn Thị Hồng" and unicodedata.is_normalized("NFC", user.full_name)
    assert user.job_title == "Phó Trưởng phòng" and unicodedata.is_normalized("NFC", user.job_title)
    assert user.unit_id == org["land"].id and user.name_sort_key == name_sort_key("Nguyễn Thị Hồng")
    # Importing the same person again in NFC changes nothing.
    plan = build_plan(xlsx_bytes([HEADINGS, ["NV1", "Nguyễn Thị Hồng", "", "QLDD", "Phó Trưởng phòng"]]),
                      "staff.xlsx", sync=False, importer=None)
    assert plan.rows[0].status == "unchanged"


def test_a_transfer_keeps_the_account_and_its_history(org, course, monkeypatch):
    monkeypatch.setattr("lms.clock.now", Clock())
    user = make_user("Nguyễn Văn Chuyển", code="NV1", unit=org["land"])
    attempt = pass_quiz(user, course)
    round_ = open_round(course, name="Đợt 1", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[org["land"].id], by=None)
    db.session.commit()
    _, result = run(xlsx_bytes([HEADINGS, ["NV1", "Nguyễn Văn Chuyển", "", "VPDK", ""]]))
    assert result.counts["moved"] == 1
    moved = person("NV1")
    assert moved.id == user.id and moved.unit_id == org["office"].id
    assert db.session.scalar(select(Attempt.user_id).where(Attempt.id == attempt.id)) == user.id
    assert db.session.scalar(select(func.count(User.id))) == 1
    # The round's membership followed the transfer in the same transaction: they left the target unit.
    left_on = db.session.scalar(select(RoundMember.left_on).where(RoundMember.round_id == round_.id,
                                                                  RoundMember.user_id == user.id))
    assert left_on == date(2024, 6, 3)


def test_a_transfer_keeps_certificates(org, course):
    from lms.certificates.services import sign_commitment

    user = make_user("Lê Văn Giấy", code="NV1", unit=org["land"])
    pass_quiz(user, course)
    certificate = sign_commitment(user, course, agreed=True, typed_name=user.full_name, ip_address=None,
                                  user_agent=None)
    run(xlsx_bytes([HEADINGS, ["NV1", "Lê Văn Giấy", "", "Chi nhánh Sầm Sơn", ""]]))
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).user_id == user.id
    assert person("NV1").unit_id == org["branch"].id


def test_sync_deactivates_only_active_people_missing_from_the_file(org):
    importer = make_user("Phạm Quản Trị", code="AD01", unit=org["root"], roles=("admin",))
    make_user("Ở Lại", code="NV1", unit=org["land"])
    gone = make_user("Đã Nghỉ", code="NV2", unit=org["land"])
    make_user("Nghỉ Từ Trước", code="NV3", unit=org["land"], active=False)
    before = gone.session_version
    plan, result = run(xlsx_bytes([HEADINGS, ["NV1", "Ở Lại", "", "QLDD", ""]]), sync=True, importer=importer)
    assert [d.employee_code for d in plan.deactivations] == ["NV2"]
    assert result.counts["deactivated"] == 1
    left = person("NV2")
    assert not left.active and left.deactivated_at is not None and left.session_version == before + 1
    assert person("AD01").active and person("NV1").active and not person("NV3").active
    assert db.session.scalar(select(func.count(User.id))) == 4  # nobody deleted


def test_without_sync_nobody_is_deactivated(org):
    make_user("Vắng Mặt", code="NV2", unit=org["land"])
    plan, _ = run(xlsx_bytes([HEADINGS, ["NV1", "Người Mới", "", "QLDD", ""]]))
    assert plan.deactivations == [] and person("NV2").active


def test_sync_by_hr_keeps_admins_and_rows_that_lost_zeros(org):
    hr = make_user("Nhân Sự", code="HR01", unit=org["root"], roles=("hr",))
    make_user("Quản Trị", code="AD01", unit=org["root"], roles=("admin",))
    make_user("Số Không", code="00123", unit=org["land"])
    plan = build_plan(xlsx_bytes([HEADINGS, [123, "Số Không", "", "QLDD", ""]]), "s.xlsx", sync=True, importer=hr)
    assert plan.deactivations == []
    assert {p.code for p in plan.notes} == {"admin_kept"}


def test_sync_deactivates_no_one_when_a_code_is_unreadable(org):
    make_user("Vắng Mặt", code="NV2", unit=org["land"])
    plan = build_plan(xlsx_bytes([HEADINGS, ["NV1", "An", "", "QLDD", ""], ["=A2", "Bình", "", "QLDD", ""]]),
                      "s.xlsx", sync=True, importer=None)
    assert plan.deactivations == [] and [p.code for p in plan.notes] == ["sync_unsafe"]
    assert plan.rows[0].applies and not plan.rows[1].applies


def test_roles_from_the_file(org):
    make_user("Có HR", code="NV2", unit=org["land"], roles=("hr",))
    head = make_user("Trưởng", code="NV3", unit=org["land"], roles=("unit_head", "hr"), head_of=(org["land"],))
    run(xlsx_bytes([WITH_ROLE, ["NV1", "Mới", "", "QLDD", "", "nhân sự, quản trị"],
                    ["NV2", "Có HR", "", "QLDD", "", "staff"], ["NV3", "Trưởng", "", "QLDD", "", "nhân viên"]]))
    assert person("NV1").roles == {"staff", "hr", "admin"}
    assert person("NV2").roles == {"staff"}
    assert person("NV3").roles == {"staff", "unit_head"} and head.id == person("NV3").id


def test_rows_with_errors_are_skipped_and_the_rest_applied(org):
    _, result = run(xlsx_bytes([HEADINGS, ["NV1", "Đúng", "", "QLDD", ""], ["NV2", "Sai", "", "KHONG-CO", ""]]))
    assert result.counts["new"] == 1 and result.counts["errors"] == 1
    assert person("NV1") is not None and person("NV2") is None


def test_all_or_nothing_when_a_row_fails_midway(org, monkeypatch):
    make_user("Cũ", code="NV9", unit=org["land"])
    data = xlsx_bytes([HEADINGS, ["NV1", "Một", "", "QLDD", ""], ["NV9", "Cũ Đổi Tên", "", "VPDK", ""],
                       ["NV3", "Ba", "", "QLDD", ""]])
    plan = build_plan(data, "s.xlsx", sync=False, importer=None)
    real = apply_module.apply_row
    calls = []

    def failing(row, users, passwords):
        calls.append(row.number)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(row, users, passwords)

    monkeypatch.setattr(apply_module, "apply_row", failing)
    with pytest.raises(RuntimeError):
        apply_import(data, "s.xlsx", sync=False, importer=None, expected_fingerprint=plan.fingerprint())
    assert calls == [2, 3, 4]
    assert person("NV1") is None and person("NV3") is None
    assert person("NV9").full_name == "Cũ" and person("NV9").unit_id == org["land"].id
    assert db.session.scalar(select(func.count(UserRole.id))) == 0


def test_refused_when_staff_changed_since_the_preview(org):
    make_user("Trước", code="NV9", unit=org["land"])
    data = xlsx_bytes([HEADINGS, ["NV1", "Mới", "x@stnmt.vn", "QLDD", ""], ["NV9", "Sau", "", "QLDD", ""]])
    plan = build_plan(data, "s.xlsx", sync=False, importer=None)
    make_user("Người Khác", code="NV7", unit=org["land"], email="x@stnmt.vn")  # meanwhile, on another page
    with pytest.raises(PlanChanged):
        apply_import(data, "s.xlsx", sync=False, importer=None, expected_fingerprint=plan.fingerprint())
    assert person("NV1") is None and person("NV9").full_name == "Trước"
    # A fresh preview shows the new problem, and applying it works.
    fresh = build_plan(data, "s.xlsx", sync=False, importer=None)
    assert [p.code for p in fresh.rows[0].problems] == ["email_taken"]
    apply_import(data, "s.xlsx", sync=False, importer=None, expected_fingerprint=fresh.fingerprint())
    assert person("NV9").full_name == "Sau"
