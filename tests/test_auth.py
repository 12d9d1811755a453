"""Login, logout, sessions and the `users create-admin` command."""
import pytest

from lms.extensions import db
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD, make_user


def _login(client, identifier, password, next_url=""):
    page = client.get("/login" + (f"?next={next_url}" if next_url else ""))
    return client.post("/login", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                       "identifier": identifier, "password": password, "next": next_url})


def test_login_page_is_vietnamese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in html and "Đăng nhập" in html and "Mã cán bộ hoặc email" in html


@pytest.mark.parametrize("identifier", ["NV-LOGIN", "nv-login", "an.nguyen@example.gov.vn", "AN.NGUYEN@example.gov.vn"])
def test_login_with_code_or_email(client, identifier):
    make_user("Nguyễn Văn An", code="NV-LOGIN", email="an.nguyen@example.gov.vn")
    response = _login(client, identifier, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    assert "Nguyễn Văn An" in client.get("/courses").get_data(as_text=True)


@pytest.mark.parametrize("identifier, password", [("NV-X", "wrong password!"), ("nobody", PASSWORD), ("", "")])
def test_failed_login_gives_one_generic_message(client, identifier, password):
    make_user(code="NV-X")
    html = _login(client, identifier, password).get_data(as_text=True)
    if identifier:
        assert "Mã cán bộ, email hoặc mật khẩu không đúng." in html
    assert client.get("/courses").status_code == 302


def test_login_requires_csrf(client):
    make_user(code="NV-CSRF")
    response = client.post("/login", data={"identifier": "NV-CSRF", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/courses").status_code == 302


def test_disabled_account_cannot_log_in_and_loses_its_session(client):
    user = make_user(code="NV-OFF")
    login_as(client, user)
    assert client.get("/courses").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/courses").status_code == 302
    assert "không đúng" in _login(client, "NV-OFF", PASSWORD).get_data(as_text=True)


def test_bumping_the_session_version_logs_out_everywhere(client):
    user = make_user()
    login_as(client, user)
    user.session_version += 1
    db.session.commit()
    assert client.get("/courses").status_code == 302


def test_session_is_renewed_at_login(client):
    make_user(code="NV-FIX")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    _login(client, "NV-FIX", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


@pytest.mark.parametrize("target, expected", [
    ("/courses/quy-tac-ung-xu-mxh-2024", "/courses/quy-tac-ung-xu-mxh-2024"),
    ("//evil.example", "/courses"),
    ("/\\evil.example", "/courses"),
    ("https://evil.example/", "/courses"),
    ("javascript:alert(1)", "/courses"),
    ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
])
def test_next_after_login_only_goes_to_local_paths(client, target, expected):
    make_user(code="NV-NEXT")
    response = _login(client, "NV-NEXT", PASSWORD, target)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_is_a_post_and_ends_the_session(client):
    user = make_user()
    login_as(client, user)
    assert client.get("/logout").status_code == 405
    html = client.get("/courses").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert client.get("/courses").status_code == 302


def test_passwords_are_hashed(ctx):
    user = make_user(password="a long enough password")
    assert user.password_hash and "a long enough password" not in user.password_hash


def test_create_admin_command(ctx):
    from lms.models import User

    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "--code", "QT-ADMIN", "--name", "Trần  Thị Quản Trị",
                                 "--email", "admin@example.gov.vn", "--password", "mat-khau-du-dai-12"])
    assert result.exit_code == 0, result.output
    admin = db.session.query(User).filter_by(employee_code="QT-ADMIN").one()
    assert admin.full_name == "Trần Thị Quản Trị" and admin.has_role("admin") and admin.has_role("hr")
    short = runner.invoke(args=["users", "create-admin", "--code", "QT-2", "--name", "A B", "--password", "short"])
    assert short.exit_code == 1 and "at least 12" in short.output
    again = runner.invoke(args=["users", "create-admin", "--code", "qt-admin", "--name", "A B",
                                "--password", "mat-khau-du-dai-12"])
    assert again.exit_code == 1 and "already in use" in again.output


def test_password_typed_with_combining_marks_matches(client):
    import unicodedata

    make_user(code="NV-NFD", password="Mật khẩu tiếng Việt")
    nfd = unicodedata.normalize("NFD", "Mật khẩu tiếng Việt")
    assert _login(client, "NV-NFD", nfd).status_code == 302


def test_identifier_typed_with_combining_marks_matches(client):
    import unicodedata

    make_user(code="NGUYỄN-01")
    assert _login(client, unicodedata.normalize("NFD", "NGUYỄN-01"), PASSWORD).status_code == 302


def test_logout_ends_the_remember_me_cookie_too(client):
    make_user(code="NV-REMEMBER")
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": csrf_token(page), "identifier": "NV-REMEMBER",
                                "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    page = client.get("/courses").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert client.get("/courses").status_code == 302
    assert client.get_cookie("remember_token") is None


def test_a_copied_session_cookie_stops_working_after_logout(client, app):
    user = make_user(code="NV-COPY")
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": csrf_token(page), "identifier": "NV-COPY", "password": PASSWORD})
    stolen = client.get_cookie("session").value
    page = client.get("/courses").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/courses").status_code == 302
    assert user.session_version == 2
