"""CSRF on every POST, login included: the POST rows of the access matrix (which covers every route) sent
without a token, with another session's token and with a token from before logging out."""
from __future__ import annotations

import pytest

from lms.extensions import db
from lms.models import Certificate, Round, RoundMember, UnitHead, User
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD
from tests.security.test_access_matrix import MATRIX, request, session_for

POSTS = [case for case in MATRIX if case.method == "POST"]


def test_every_post_route_of_the_app_is_in_the_list(app):
    """MATRIX names every route (test_access_matrix checks that); here: no POST rule is left out of POSTS."""
    adapter = app.url_map.bind("qt.test")
    from tests.security.test_access_matrix import _rule_of, served_routes

    posted = {_rule_of(adapter, case) for case in POSTS}
    assert {rule for method, rule, _ in served_routes(app) if method == "POST"} <= posted


def test_no_view_is_exempt_from_csrf(app):
    from lms.extensions import csrf

    assert not csrf._exempt_views and not csrf._exempt_blueprints
    assert app.config["WTF_CSRF_ENABLED"] and app.config.get("WTF_CSRF_CHECK_DEFAULT", True)


@pytest.mark.parametrize("role", ["anonymous", "admin", "other"])
def test_posts_without_a_token_are_refused(client, world, role):
    """`other` owns the open attempt, so the attempt routes would otherwise accept the post."""
    if role == "other":
        login_as(client, world.people["other"])
    else:
        session_for(client, world, role)
    ids = world.ids()
    wrong = []
    for case in POSTS:
        response = request(client, case, ids, token=None)
        if response.status_code != 400:
            wrong.append(f"POST {case.url.format(**ids)}: {response.status_code}")
    assert not wrong, "accepted without a CSRF token:\n" + "\n".join(wrong)


def test_refused_posts_change_nothing(client, world):
    admin = world.people["admin"]
    session_for(client, world, "admin")
    victim_hash = world.people["victim"].password_hash
    for case in POSTS:
        request(client, case, world.ids(), token=None)
    db.session.expire_all()
    assert db.session.get(Certificate, world.certificate.id).status == "valid"
    assert db.session.get(Round, world.round_spare.id) is not None
    assert db.session.get(User, world.people["victim"].id).password_hash == victim_hash
    member = db.session.query(RoundMember).filter_by(round_id=world.round_other.id,
                                                     user_id=world.people["victim"].id).one()
    assert member.exempt_reason is None
    assert db.session.query(UnitHead).filter_by(user_id=world.people["head2"].id).count() == 1
    assert db.session.get(User, admin.id).session_version == admin.session_version  # logout refused
    assert client.get("/admin/content").status_code == 200


def test_answer_autosave_needs_the_token_in_the_form_or_the_header(client, world):
    owner = world.people["other"]
    login_as(client, owner)
    url = f"/attempts/{world.open_attempt.id}/answer"
    page = client.get(f"/attempts/{world.open_attempt.id}").get_data(as_text=True)
    assert client.post(url, data={"question": "1", "option": "0"}).status_code == 400
    assert client.post(url, data={"question": "1", "option": "0"},
                       headers={"X-CSRFToken": csrf_token(page)}).status_code == 200


def test_a_token_from_another_session_is_refused(app, client, world):
    login_as(client, world.people["hr"])
    other = app.test_client()
    login_as(other, world.people["admin"])
    foreign = csrf_token(other.get("/courses").get_data(as_text=True))
    response = client.post(f"/certificates/{world.certificate.id}/revoke",
                           data={"csrf_token": foreign, "reason": "Cấp nhầm"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Certificate, world.certificate.id).status == "valid"


def test_login_needs_a_token_and_tokens_end_with_their_session(client, world):
    staff = world.people["staff"]
    refused = client.post("/login", data={"identifier": staff.employee_code, "password": PASSWORD})
    assert refused.status_code == 400 and client.get("/courses").status_code == 302
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"csrf_token": token, "identifier": staff.employee_code,
                                       "password": PASSWORD}).status_code == 302
    signed_in = csrf_token(client.get("/courses").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": signed_in}).status_code == 302
    # The session that token belonged to is gone with the logout: the token is refused from now on.
    assert client.post("/logout", data={"csrf_token": signed_in}).status_code == 400
    stale = client.post("/login", data={"csrf_token": signed_in, "identifier": staff.employee_code,
                                        "password": PASSWORD})
    assert stale.status_code == 400
