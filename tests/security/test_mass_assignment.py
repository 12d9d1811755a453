"""Forms accept only their own fields: extra fields such as role=admin or unit_id=… change nothing."""
from __future__ import annotations

from lms.extensions import db
from lms.models import Certificate, Unit, User
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD
from tests.security.test_access_matrix import MATRIX, session_for


def _extras(world) -> dict[str, str]:
    other = world.units["p2"].id
    return {"role": "admin", "roles": "admin", "is_admin": "1", "unit_id": str(other), "unit": str(other),
            "active": "0", "session_version": "99", "employee_code": "HACKED", "full_name": "Kẻ Mạo Danh",
            "email": "hacked@example.test", "password": "a-password-of-my-choice", "password_hash": "x",
            "user_id": str(world.people["admin"].id), "id": str(world.people["admin"].id),
            "job_title": "Giám đốc", "head_of": str(other), "path": "/", "kind": "department", "code": "HACKED",
            "revoked_by_id": str(world.people["admin"].id), "status": "valid", "score_bp": "10000"}


def _snapshot(user: User) -> tuple:
    db.session.refresh(user)
    return (user.employee_code, user.full_name, user.email, user.unit_id, user.job_title, user.active,
            sorted(user.roles),
            user.session_version)


def test_a_staff_member_posting_privileged_fields_everywhere_changes_nothing(client, world):
    """Every POST route of the matrix, as a staff member, with the route's own data plus hostile extras."""
    staff = world.people["staff"]
    before = {key: _snapshot(user) for key, user in world.people.items()}
    units_before = {(u.id, u.code, u.name, u.path, u.parent_id, u.kind) for u in db.session.query(Unit)}
    token = session_for(client, world, "staff")
    ids = world.ids()
    for case in MATRIX:
        if case.method == "POST" and case.url != "/logout":
            url = case.url.format(**ids)
            client.post(url, data={"csrf_token": token, **{k: v.format(**ids) for k, v in case.data.items()},
                                   **_extras(world)})
    db.session.expire_all()
    after = {key: _snapshot(user) for key, user in world.people.items()}
    assert after == before
    assert {(u.id, u.code, u.name, u.path, u.parent_id, u.kind) for u in db.session.query(Unit)} == units_before
    assert client.get("/admin/units").status_code == 403 and staff.unit_id == world.units["p1"].id


def test_a_unit_edit_changes_only_name_short_name_parent_and_state(client, world):
    unit = world.units["p2"]
    code, path, kind = unit.code, unit.path, unit.kind
    login_as(client, world.people["admin"])
    token = csrf_token(client.get(f"/admin/units/{unit.id}").get_data(as_text=True))
    client.post(f"/admin/units/{unit.id}", data={"csrf_token": token, "name": "Thanh tra Sở (mới)", "short_name": "",
                                                "parent": str(world.units["so"].id), "active": "y",
                                                **_extras(world)})
    db.session.expire_all()
    unit = db.session.get(Unit, unit.id)
    assert unit.name == "Thanh tra Sở (mới)"
    assert (unit.code, unit.path, unit.kind) == (code, path, kind)


def test_a_password_reset_picks_its_own_password(client, world):
    victim = world.people["victim"]
    login_as(client, world.people["hr"])
    token = csrf_token(client.get("/people").get_data(as_text=True))
    page = client.post(f"/people/{victim.id}/password", data={"csrf_token": token, **_extras(world)})
    assert page.status_code == 200
    db.session.expire_all()
    from lms.auth.services import authenticate

    assert authenticate(victim.employee_code, "a-password-of-my-choice") is None
    assert authenticate(victim.employee_code, PASSWORD) is None
    assert db.session.get(User, world.people["admin"].id).password_hash == world.people["admin"].password_hash


def test_a_revocation_is_recorded_as_the_person_who_made_it(client, world):
    hr = world.people["hr"]
    login_as(client, hr)
    token = csrf_token(client.get("/certificates").get_data(as_text=True))
    client.post(f"/certificates/{world.certificate.id}/revoke",
                data={"csrf_token": token, "reason": "Cấp nhầm", **_extras(world)})
    db.session.expire_all()
    certificate = db.session.get(Certificate, world.certificate.id)
    assert certificate.status == "revoked" and certificate.revoked_by_id == hr.id
