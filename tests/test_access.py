"""Every route against every role: who gets in, who is sent to log in, who is refused."""
import pytest

from tests.conftest import COURSE_KEY, login_as
from tests.factories import make_unit, make_user

LESSON = f"/courses/{COURSE_KEY}/lessons/1a"
ALL = {"staff", "unit_head", "hr", "admin"}
# (method, path, roles allowed)
ROUTES = [
    ("GET", "/", ALL),
    ("GET", "/courses", ALL),
    ("GET", f"/courses/{COURSE_KEY}", ALL),
    ("GET", LESSON, ALL),
    ("POST", LESSON + "/read", ALL),
    ("GET", "/people", {"unit_head", "hr", "admin"}),
    ("GET", "/admin/content", {"admin"}),
    ("GET", "/admin/units", {"admin"}),
    ("GET", "/admin/audit", {"admin"}),
    ("GET", "/certificates", {"hr", "admin"}),
    ("POST", "/admin/content/check", {"admin"}),
    ("GET", "/rounds", {"unit_head", "hr", "admin"}),
    ("GET", "/rounds/new", {"admin"}),
    ("GET", "/people/import", {"hr", "admin"}),
    ("POST", "/people/import", {"hr", "admin"}),
    ("GET", "/people/import/template.csv", {"hr", "admin"}),
    ("GET", "/people/import/template.xlsx", {"hr", "admin"}),
    ("GET", "/people/import/" + "x" * 32, {"hr", "admin"}),
    ("POST", "/people/import/" + "x" * 32 + "/apply", {"hr", "admin"}),
]


@pytest.fixture
def people(ctx, course):
    department = make_unit("SO", "Sở")
    unit = make_unit("P1", "Phòng Một", parent=department)
    return {
        "staff": make_user(unit=unit),
        "unit_head": make_user(unit=unit, roles=("unit_head",), head_of=(unit,)),
        "hr": make_user(unit=department, roles=("hr",)),
        "admin": make_user(unit=department, roles=("admin",)),
    }


def _request(client, method, path):
    if method == "GET":
        return client.get(path)
    client.application.config["WTF_CSRF_ENABLED"] = False
    try:
        return client.post(path)
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = True


@pytest.mark.parametrize("method, path, allowed", ROUTES)
def test_anonymous_is_sent_to_login(client, course, method, path, allowed):
    response = _request(client, method, path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("method, path, allowed", ROUTES)
def test_roles(client, people, role, method, path, allowed):
    login_as(client, people[role])
    response = _request(client, method, path)
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == 403


def test_post_without_csrf_is_refused(client, people):
    login_as(client, people["staff"])
    assert client.post(LESSON + "/read").status_code == 400


def test_role_change_applies_at_once(client, people):
    from lms.extensions import db
    from lms.models import UserRole

    user = people["staff"]
    login_as(client, user)
    assert client.get("/admin/content").status_code == 403
    user.role_rows.append(UserRole(role="admin"))
    db.session.commit()
    assert client.get("/admin/content").status_code == 200
    user.role_rows.clear()
    db.session.commit()
    assert client.get("/admin/content").status_code == 403


def test_unknown_pages_are_404_with_the_site_layout(client, people):
    login_as(client, people["staff"])
    response = client.get(f"/courses/{COURSE_KEY}/lessons/nope")
    assert response.status_code == 404
    assert "Trang bạn yêu cầu không tồn tại" in response.get_data(as_text=True)
    assert client.get("/courses/no-such-course").status_code == 404
