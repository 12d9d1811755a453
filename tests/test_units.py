"""Units admin: the tree, moving a subtree, retiring, unit heads and their scope."""
import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Unit, UnitHead, UserRole
from lms.org import services
from tests.conftest import csrf_token, login_as
from tests.factories import make_unit, make_user


@pytest.fixture
def tree(ctx):
    root = make_unit("SO", "Sở Tài nguyên và Môi trường")
    office = make_unit("VPDK", "Văn phòng Đăng ký đất đai", parent=root)
    branch = make_unit("VPDK-SS", "Chi nhánh Sầm Sơn", parent=office)
    land = make_unit("QLDD", "Phòng Quản lý đất đai", parent=root)
    db.session.commit()
    return {"root": root, "office": office, "branch": branch, "land": land}


def test_create_units_with_paths_and_kinds(tree):
    unit = services.create_unit("ttdl", "  Trung tâm  Dữ liệu ", None, tree["root"].id)
    assert unit.code == "TTDL" and unit.name == "Trung tâm Dữ liệu" and unit.kind == "unit"
    assert unit.path == f"{tree['root'].path}{unit.id}/"
    branch = services.create_unit("TTDL-1", "Tổ một", None, unit.id)
    assert branch.kind == "branch" and branch.path.startswith(unit.path)
    for code, parent, reason in (("ttdl", tree["root"].id, "code_taken"), ("NEW", None, "one_department"),
                                 ("NEW", 999999, "no_parent")):
        with pytest.raises(services.UnitError) as error:
            services.create_unit(code, "Tên", None, parent)
        assert error.value.reason == reason


def test_moving_a_unit_moves_its_subtree(tree):
    services.update_unit(tree["office"].id, name="Văn phòng Đăng ký đất đai", short_name=None,
                         parent_id=tree["land"].id, active=True)
    db.session.expire_all()
    office, branch = db.session.get(Unit, tree["office"].id), db.session.get(Unit, tree["branch"].id)
    assert office.path == f"{tree['land'].path}{office.id}/" and office.kind == "branch"
    assert branch.path == f"{office.path}{branch.id}/"
    with pytest.raises(services.UnitError) as error:
        services.update_unit(tree["land"].id, name="x", short_name=None, parent_id=branch.id, active=True)
    assert error.value.reason == "cycle"


def test_a_unit_with_staff_cannot_be_retired(tree):
    make_user(unit=tree["branch"])
    with pytest.raises(services.UnitError) as error:
        services.update_unit(tree["office"].id, name="VP", short_name=None, parent_id=tree["root"].id, active=False)
    assert error.value.reason == "has_staff"
    services.update_unit(tree["land"].id, name="Phòng cũ", short_name=None, parent_id=tree["root"].id, active=False)
    assert db.session.get(Unit, tree["land"].id).active is False


def test_heads_get_and_lose_the_role_and_its_scope(client, tree):
    head = make_user("Lê Văn Trưởng", code="NV-HEAD", unit=tree["office"])
    make_user("Bùi Thị Ánh", unit=tree["branch"])
    services.add_head(tree["office"].id, "nv-head")
    login_as(client, head)
    html = client.get("/people").get_data(as_text=True)
    assert "Bùi Thị Ánh" in html
    services.remove_head(tree["office"].id, head.id)
    assert client.get("/people").status_code == 403
    assert db.session.scalar(select(UserRole).where(UserRole.user_id == head.id)) is None
    assert db.session.scalar(select(UnitHead).where(UnitHead.user_id == head.id)) is None


def test_admin_pages(client, tree):
    admin = make_user(roles=("admin",))
    login_as(client, admin)
    page = client.get("/admin/units").get_data(as_text=True)
    assert "Chi nhánh Sầm Sơn" in page and "Văn phòng Đăng ký đất đai" in page
    response = client.post("/admin/units", data={"csrf_token": csrf_token(page), "code": "ttkt",
                                                 "name": "Trung tâm Kỹ thuật", "parent": str(tree["root"].id)})
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.code == "TTKT"))
    edit = client.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    client.post(f"/admin/units/{unit.id}", data={"csrf_token": csrf_token(edit), "name": "Trung tâm Kỹ thuật TN&MT",
                                                 "parent": str(tree["root"].id), "active": "y"})
    db.session.refresh(unit)
    assert unit.name == "Trung tâm Kỹ thuật TN&MT" and unit.active
    person = make_user("Đỗ Thị Hà", code="NV-HA")
    client.post(f"/admin/units/{unit.id}/heads", data={"csrf_token": csrf_token(edit), "employee_code": "NV-HA"})
    assert "Đỗ Thị Hà" in client.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    client.post(f"/admin/units/{unit.id}/heads/{person.id}/remove", data={"csrf_token": csrf_token(edit)})
    assert db.session.scalar(select(UnitHead).where(UnitHead.user_id == person.id)) is None
    assert client.get("/admin/units/999999").status_code == 404


@pytest.mark.parametrize("role", ["staff", "hr", "unit_head"])
def test_only_admins_manage_units(client, tree, role):
    user = make_user(roles=(role,) if role != "staff" else (), head_of=(tree["office"],) if role == "unit_head" else ())
    login_as(client, user)
    assert client.get("/admin/units").status_code == 403
    assert client.get(f"/admin/units/{tree['office'].id}").status_code == 403
