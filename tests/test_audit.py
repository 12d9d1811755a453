"""The audit log records each action by doing the real action; nothing secret is stored; events roll back
with a failed action."""
import re
import unicodedata

import pytest
from sqlalchemy import select, text

from lms.audit import Target, record
from lms.audit.services import AuditDetailsError, clean_details
from lms.certificates import services as certificates
from lms.extensions import db
from lms.models import AuditEvent, Certificate, User
from lms.rounds import progress
from lms.staff_import import apply as apply_module
from lms.staff_import.preview import build_plan
from tests.cert_helpers import pass_quiz
from tests.conftest import csrf_token, login_as, post_form
from tests.factories import PASSWORD, make_unit, make_user
from tests.import_helpers import HEADINGS, xlsx_bytes

WRONG = "Not-The-Password-42"
GENERATED = re.compile(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}")


@pytest.fixture
def org(ctx):
    so = make_unit("SO", "Sở Tài nguyên và Môi trường")
    land = make_unit("QLDD", "Phòng Quản lý đất đai", parent=so)
    db.session.commit()
    return {
        "so": so, "land": land,
        "an": make_user("Nguyễn Văn An", code="NV-AN", unit=land),
        "hr": make_user("Lê Thị Hà", code="NV-HR", unit=so, roles=("hr",)),
        "admin": make_user("Trần Quản Trị", code="NV-AD", unit=so, roles=("admin", "hr")),
    }


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def audit_text() -> str:
    """Every column of every event as stored, JSON details included."""
    db.session.commit()
    return "\n".join(repr(tuple(row)) for row in db.session.execute(text("SELECT * FROM audit_events")))


def _login(client, identifier, password):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"csrf_token": csrf_token(page), "identifier": identifier,
                                       "password": password}, headers={"User-Agent": "Firefox/128 " + "x" * 400})


def test_logins_succeeded_and_failed_keep_the_identifier_never_the_password(client, org):
    assert _login(client, "nv-an", PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/courses").get_data(as_text=True))})
    _login(client, "NV-AN", WRONG)
    _login(client, unicodedata.normalize("NFD", "Nguyễn") + "x" * 200, WRONG)
    (success,) = events("login.success")
    assert success.actor_id == org["an"].id and success.actor_label == "NV-AN" and success.target_id == org["an"].id
    assert success.ip_address == "127.0.0.1" and success.user_agent.startswith("Firefox/128")
    assert len(success.user_agent) <= 300
    wrong, unknown = events("login.failure")
    assert wrong.actor_id is None and wrong.actor_label is None and wrong.target_id == org["an"].id
    assert wrong.details == {"identifier": "NV-AN", "reason": "wrong_password"}
    assert unknown.target_id is None and unknown.details["reason"] == "unknown_account"
    # Matching no account, it may be a password typed in the wrong box: only a hint is kept.
    assert unknown.details["identifier"] == "Ng… (206)"
    stored = audit_text()
    assert PASSWORD not in stored and WRONG not in stored


def test_events_carry_the_request_id_of_the_request(client, org):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "identifier": "NV-AN", "password": WRONG},
                           headers={"X-Request-ID": "lb-7f3a9c"})
    (failure,) = events("login.failure")
    assert failure.request_id == response.headers["X-Request-ID"] == "lb-7f3a9c"


def test_import_apply_records_counts_and_role_changes_not_rows(org):
    data = xlsx_bytes([HEADINGS + ["Vai trò"], ["NV-NEW", "Đỗ Thị Mới", "moi@example.gov.vn", "QLDD", "", "nhân sự"],
                       ["NV-AN", "Nguyễn Văn An", "an@example.gov.vn", "QLDD", "", ""]])
    plan = build_plan(data, "danh-sach.xlsx", sync=False, importer=org["admin"])
    result = apply_module.apply_import(data, "danh-sach.xlsx", sync=False, importer=org["admin"],
                                       expected_fingerprint=plan.fingerprint())
    (event,) = events("import.apply")
    assert event.actor_label == "NV-AD" and event.target_type == "import" and event.target_label == "danh-sach.xlsx"
    assert event.details == {"sync": False, "counts": result.counts} and result.counts["new"] == 1
    (grant,) = events("role.grant")
    new = db.session.scalar(select(User).where(User.employee_code == "NV-NEW"))
    assert grant.target_id == new.id and grant.details == {"role": "hr", "by_import": True}
    stored = audit_text()
    assert result.created[0].password not in stored and "moi@example.gov.vn" not in stored
    assert "an@example.gov.vn" not in stored


def test_an_import_that_fails_leaves_no_event(org, monkeypatch):
    data = xlsx_bytes([HEADINGS, ["NV-NEW", "Đỗ Thị Mới", "", "QLDD", ""]])
    plan = build_plan(data, "s.xlsx", sync=False, importer=None)

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module, "refresh_round_memberships", broken)
    with pytest.raises(RuntimeError):
        apply_module.apply_import(data, "s.xlsx", sync=False, importer=None, expected_fingerprint=plan.fingerprint())
    assert events("import.apply") == []
    assert db.session.scalar(select(User).where(User.employee_code == "NV-NEW")) is None


def test_content_sync_from_the_page_and_the_command(client, org):
    login_as(client, org["admin"])
    assert post_form(client, "/admin/content/sync", page="/admin/content").status_code == 200
    assert client.application.test_cli_runner().invoke(args=["content", "sync"]).exit_code == 0
    web, cli = events("content.sync")
    assert web.actor_label == "NV-AD" and web.ip_address == "127.0.0.1"
    assert web.target_label == "quy-tac-ung-xu-mxh-2024" and "created" in web.details["courses"][0]
    assert cli.actor_id is None and cli.actor_label == "cli" and cli.ip_address is None
    assert cli.details["courses"] == ["quy-tac-ung-xu-mxh-2024: no changes"]


def test_unit_heads_and_their_role(client, org):
    login_as(client, org["admin"])
    land, an = org["land"], org["an"]
    post_form(client, f"/admin/units/{land.id}/heads", {"employee_code": "nv-an"}, page=f"/admin/units/{land.id}")
    post_form(client, f"/admin/units/{land.id}/heads/{an.id}/remove", page=f"/admin/units/{land.id}")
    (added,), (removed,) = events("unit_head.add"), events("unit_head.remove")
    (granted,), (revoked,) = events("role.grant"), events("role.revoke")
    for event in (added, removed, granted, revoked):
        assert event.actor_label == "NV-AD" and event.target_id == an.id
        assert event.target_label == "NV-AN — Nguyễn Văn An"
    assert added.details == {"unit_id": land.id, "unit": "QLDD — Phòng Quản lý đất đai"}
    assert granted.details == revoked.details == {"role": "unit_head"}
    assert granted.id > added.id and revoked.id > removed.id


def test_password_resets_by_hr_and_by_command_never_store_the_password(client, org):
    login_as(client, org["hr"])
    page = post_form(client, f"/people/{org['an'].id}/password", page="/people").get_data(as_text=True)
    shown = GENERATED.search(page).group(0)
    given = "a brand new long password"
    result = client.application.test_cli_runner().invoke(args=["users", "set-password", "NV-AN", "--password", given])
    assert result.exit_code == 0
    by_hr, by_cli = events("password.reset")
    assert by_hr.actor_label == "NV-HR" and by_hr.target_id == org["an"].id and by_hr.details == {"generated": True}
    assert by_cli.actor_label == "cli" and by_cli.details == {"generated": False}
    stored = audit_text()
    assert shown not in stored and given not in stored and not GENERATED.search(stored)
    assert "scrypt" not in stored and "pbkdf2" not in stored


@pytest.fixture
def certificate(org, course):
    pass_quiz(org["an"], course)
    return certificates.sign_commitment(org["an"], course, agreed=True, typed_name="Nguyễn Văn An",
                                        ip_address=None, user_agent=None)


def test_issue_download_zip_revoke_and_verify(client, org, course, certificate):
    (issued,) = events("certificate.issue")
    assert issued.actor_label == "NV-AN" and issued.target_id == certificate.id
    assert issued.target_label == f"{certificate.serial} — Nguyễn Văn An"
    assert issued.details == {"course": course.key, "cycle": 0, "superseded": []}
    code = certificate.code
    login_as(client, org["an"])
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 200
    login_as(client, org["hr"])
    assert client.get(f"/certificates/export.zip?status=valid&unit={org['land'].id}").get_data().startswith(b"PK")
    one, zipped = events("certificate.download")
    assert one.actor_label == "NV-AN" and one.target_id == certificate.id
    assert zipped.actor_label == "NV-HR" and zipped.target_type == "zip"
    assert zipped.details == {"filter": {"unit": "QLDD", "status": "valid"}, "count": 1}
    client.get(f"/verify/{code}")
    client.get("/verify/" + "A" * 32)
    found, unknown = events("certificate.verify")
    assert found.target_id == certificate.id and found.details == {"result": "valid"}
    assert found.actor_label == "NV-HR"  # whoever is logged in; anonymous visitors below
    assert unknown.target_id is None and unknown.details == {"result": "unknown"}
    post_form(client, f"/certificates/{certificate.id}/revoke", {"reason": "Cấp nhầm người"}, page="/certificates")
    (revoked,) = events("certificate.revoke")
    assert revoked.actor_label == "NV-HR" and revoked.details == {"reason": "Cấp nhầm người"}
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/courses").get_data(as_text=True))})
    client.get(f"/verify/{code}")
    assert events("certificate.verify")[-1].actor_label is None
    assert events("certificate.verify")[-1].details == {"result": "revoked"}
    assert code not in audit_text()


def test_a_revocation_that_fails_rolls_its_event_back(client, org, certificate, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(progress, "touch", broken)
    login_as(client, org["hr"])
    with pytest.raises(RuntimeError):
        post_form(client, f"/certificates/{certificate.id}/revoke", {"reason": "Cấp nhầm"}, page="/certificates")
    db.session.rollback()  # what the end of the failed request does
    assert events("certificate.revoke") == []
    assert db.session.get(Certificate, certificate.id).status == "valid"


def test_rounds_opened_exempted_and_deleted(client, org, course, clock):
    login_as(client, org["admin"])
    response = post_form(client, "/rounds/new", {"course": course.id, "name": "Đợt 1", "starts_on": "2024-06-03",
                                                 "deadline": "2024-06-30", "units": [org["land"].id]})
    assert response.status_code == 302
    (opened,) = events("round.open")
    round_id = opened.target_id
    assert opened.actor_label == "NV-AD" and opened.target_type == "round" and opened.target_label == "Đợt 1"
    assert opened.details == {"course": course.key, "starts_on": "2024-06-03", "deadline": "2024-06-30",
                              "renews": False, "units": ["QLDD"]}
    exemption = f"/rounds/{round_id}/members/{org['an'].id}/exemption"
    post_form(client, exemption, {"reason": "Nghỉ thai sản"}, page=f"/rounds/{round_id}")
    post_form(client, exemption, {"clear": "1"}, page=f"/rounds/{round_id}")
    given, lifted = events("round.exempt")
    assert given.target_id == org["an"].id and given.details == {
        "round_id": round_id, "round": "Đợt 1", "exempt": True, "reason": "Nghỉ thai sản"}
    assert lifted.details["exempt"] is False and lifted.details["reason"] is None
    assert post_form(client, f"/rounds/{round_id}/delete", page=f"/rounds/{round_id}").status_code == 302
    (deleted,) = events("round.delete")
    assert deleted.target_id == round_id and deleted.target_label == "Đợt 1" and deleted.actor_label == "NV-AD"


def test_details_refuse_secret_keys_and_stay_small(ctx):
    for details in ({"password": "x"}, {"new_password_hash": "x"}, {"csrf_token": "x"}, {"nested": {"code": "x"}},
                    {"session": {}}, {"verification_code": "x"}):
        with pytest.raises(AuditDetailsError):
            clean_details(details)
    cleaned = clean_details({"note": unicodedata.normalize("NFD", "Ồ") + "y" * 500, "ids": list(range(80)),
                             "employee_code": "NV1"})
    assert cleaned["note"].startswith("Ồ") and len(cleaned["note"]) == 200 and len(cleaned["ids"]) == 50
    with pytest.raises(ValueError):
        record("no.such.action")


def test_request_id_and_origin_come_from_the_request(ctx):
    with ctx.test_request_context("/", environ_base={"REMOTE_ADDR": "10.1.2.3"}, headers={"User-Agent": "UA/1"}):
        from flask import g

        g.request_id = "req-1234"
        event = record("content.sync", target=Target("question_bank", None, "bank"))
    assert (event.ip_address, event.user_agent, event.request_id, event.actor_label) == (
        "10.1.2.3", "UA/1", "req-1234", None)
    assert record("content.sync").actor_label == "cli" and record("content.sync").request_id is None
