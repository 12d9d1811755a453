"""Access control: every route of the URL map × every role × someone else's object → the status expected.

The table below must name every rule and method the app serves: a new route makes
`test_every_route_is_in_the_matrix` fail until a row says who may use it. The objects in the URLs
belong to people of unit P2 (see conftest.World); the unit head heads P1, so every object is in
another unit for them. POSTs carry a valid CSRF token, so a refusal here is the access rule, never CSRF.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.conftest import csrf_token, login_as

ROLES = ("anonymous", "staff", "unit_head", "hr", "admin")


@dataclass(frozen=True)
class To:
    """A 302 whose Location starts with `prefix` (and, unless it is the login page, never goes to log in)."""

    prefix: str


LOGIN = To("/login?next=")
HOME = To("/courses")
MOVED = To("/")  # some page of the app other than the login page


@dataclass(frozen=True)
class Case:
    method: str
    url: str  # placeholders filled from World.ids()
    expect: dict[str, int | To]
    data: dict[str, str] = field(default_factory=dict)


def who(anonymous, staff, unit_head, hr, admin) -> dict[str, int | To]:
    return dict(zip(ROLES, (anonymous, staff, unit_head, hr, admin), strict=True))


EVERYONE = who(LOGIN, 200, 200, 200, 200)
HR_ADMIN = who(LOGIN, 403, 403, 200, 200)
ADMIN = who(LOGIN, 403, 403, 403, 200)
NOBODY_ELSE = who(LOGIN, 404, 404, 404, 404)  # another person's attempt: not even an admin sees it
HIDDEN_ROUND = who(LOGIN, 403, 404, 200, 200)  # a round of another unit: the head must not learn it exists
OTHER_UNIT = who(LOGIN, 403, 403, 200, 200)  # a filter pointing into another unit
PUBLIC = who(200, 200, 200, 200, 200)

# Rows are walked in this order within one session per role: state-changing rows come after the rows
# that read what they change, and logging out comes last.
MATRIX: list[Case] = [
    # learning path: any signed-in person
    Case("GET", "/", who(LOGIN, HOME, HOME, HOME, HOME)),
    Case("GET", "/courses", EVERYONE),
    Case("GET", "/courses/{course}", EVERYONE),
    Case("GET", "/courses/{course}/lessons/{lesson}", EVERYONE),
    Case("POST", "/courses/{course}/lessons/{lesson}/read", who(LOGIN, MOVED, MOVED, MOVED, MOVED)),
    Case("GET", "/courses/{course}/quiz", EVERYONE),
    Case("POST", "/courses/{course}/quiz/start", who(LOGIN, MOVED, MOVED, MOVED, MOVED)),
    Case("GET", "/courses/{course}/commitment", EVERYONE),
    Case("POST", "/courses/{course}/commitment", EVERYONE),  # form re-shown: nothing typed
    # someone else's attempt, by id
    Case("GET", "/attempts/{open_attempt}", NOBODY_ELSE),
    Case("POST", "/attempts/{open_attempt}/answer", NOBODY_ELSE, {"question": "1", "option": "0"}),
    Case("POST", "/attempts/{open_attempt}/save", NOBODY_ELSE, {"shown": "1", "q1": "0"}),
    Case("POST", "/attempts/{open_attempt}/finish", NOBODY_ELSE, {"shown": "1", "q1": "0"}),
    Case("GET", "/attempts/{finished_attempt}", NOBODY_ELSE),
    Case("GET", "/attempts/{finished_attempt}/review", NOBODY_ELSE),
    Case("POST", "/attempts/{finished_attempt}/finish", NOBODY_ELSE),
    # someone else's certificate; HR's list, ZIP and revocation
    Case("GET", "/certificates/{certificate}/pdf", who(LOGIN, 404, 404, 200, 200)),
    Case("GET", "/certificates", HR_ADMIN),
    Case("GET", "/certificates?unit={p2}", HR_ADMIN),
    Case("GET", "/certificates/export.zip", HR_ADMIN),
    Case("GET", "/certificates/export.zip?unit={p2}", HR_ADMIN),
    Case("POST", "/certificates/{certificate}/revoke", who(LOGIN, 403, 403, MOVED, MOVED), {"reason": "Cấp nhầm"}),
    # public verification
    Case("GET", "/verify/{code}", PUBLIC),
    Case("GET", "/verify/no-such-code-0000000000000000", who(404, 404, 404, 404, 404)),
    # staff directory and password resets
    Case("GET", "/people", who(LOGIN, 403, 200, 200, 200)),
    Case("GET", "/people?unit={p2}", OTHER_UNIT),
    Case("POST", "/people/{victim}/password", HR_ADMIN),
    Case("POST", "/people/{admin2}/password", who(LOGIN, 403, 403, To("/people?q="), 200)),  # HR: not an admin's
    # staff import: someone else's upload leads back to the upload form, never to their file
    Case("GET", "/people/import", HR_ADMIN),
    Case("POST", "/people/import", HR_ADMIN),  # no file: the form again, with its message
    Case("GET", "/people/import/template.csv", HR_ADMIN),
    Case("GET", "/people/import/template.xlsx", HR_ADMIN),
    Case("GET", "/people/import/{foreign_token}", who(LOGIN, 403, 403, To("/people/import"), To("/people/import"))),
    Case("POST", "/people/import/{foreign_token}/apply",
         who(LOGIN, 403, 403, To("/people/import"), To("/people/import"))),
    # rounds: one of another unit, one of the whole department filtered into another unit
    Case("GET", "/rounds", who(LOGIN, 403, MOVED, MOVED, MOVED)),
    Case("GET", "/rounds?all=1", who(LOGIN, 403, 200, 200, 200)),
    Case("GET", "/rounds/pick?round={round_other}", who(LOGIN, 403, 404, MOVED, MOVED)),
    Case("GET", "/rounds/{round_other}", HIDDEN_ROUND),
    Case("GET", "/rounds/{round_other}/export.csv", HIDDEN_ROUND),
    Case("GET", "/rounds/{round_other}/export.xlsx", HIDDEN_ROUND),
    Case("GET", "/rounds/{round_other}/report.pdf", HIDDEN_ROUND),
    Case("GET", "/rounds/{round_other}/analysis", HR_ADMIN),
    Case("POST", "/rounds/{round_other}/analysis", who(LOGIN, 403, 403, MOVED, MOVED)),
    Case("GET", "/rounds/{round_all}", who(LOGIN, 403, 200, 200, 200)),
    Case("GET", "/rounds/{round_all}?unit={p2}", OTHER_UNIT),
    Case("GET", "/rounds/{round_all}/export.csv?unit={p2}", OTHER_UNIT),
    Case("GET", "/rounds/{round_all}/export.xlsx?unit={p2}", OTHER_UNIT),
    Case("GET", "/rounds/{round_all}/report.pdf?unit={p2}", OTHER_UNIT),
    Case("POST", "/rounds/{round_other}/members/{victim}/exemption", who(LOGIN, 403, 403, MOVED, MOVED),
         {"reason": "Nghỉ thai sản"}),
    Case("GET", "/rounds/new", ADMIN),
    Case("POST", "/rounds/new", ADMIN),  # empty form: shown again with its messages
    Case("POST", "/rounds/{round_spare}/delete", who(LOGIN, 403, 403, 403, MOVED)),
    # administration: units and course content
    Case("GET", "/admin/units", ADMIN),
    Case("POST", "/admin/units", ADMIN),  # empty form: shown again
    Case("GET", "/admin/units/{p2}", ADMIN),
    Case("POST", "/admin/units/{p2}", ADMIN),  # empty form: shown again
    Case("POST", "/admin/units/{p2}/heads", who(LOGIN, 403, 403, 403, MOVED)),
    Case("POST", "/admin/units/{p2}/heads/{head2}/remove", who(LOGIN, 403, 403, 403, MOVED)),
    Case("GET", "/admin/content", ADMIN),
    Case("POST", "/admin/content/check", ADMIN),
    Case("POST", "/admin/content/sync", ADMIN),
    Case("GET", "/admin/audit", ADMIN),
    # public and technical routes
    Case("GET", "/healthz", PUBLIC),
    Case("GET", "/static/css/app.css", PUBLIC),
    Case("POST", "/language", who(HOME, HOME, HOME, HOME, HOME), {"lang": "vi", "next": "/courses"}),
    Case("GET", "/login", who(200, HOME, HOME, HOME, HOME)),
    Case("POST", "/login", who(200, HOME, HOME, HOME, HOME), {"identifier": "", "password": ""}),
    Case("POST", "/logout", who(LOGIN, To("/login"), To("/login"), To("/login"), To("/login"))),
]

# Placeholder values good enough to find which rule a URL belongs to, without a database.
_SHAPES = {"course": "c", "lesson": "l", "code": "x" * 32, "foreign_token": "t" * 32}


def _shape(url: str) -> str:
    values = {name: _SHAPES.get(name, 1) for name in ("course", "lesson", "code", "foreign_token", "p1", "p2",
                                                        "victim", "head2", "admin2", "finished_attempt", "open_attempt",
                                                        "certificate", "round_other", "round_all", "round_spare")}
    return url.format(**values).split("?", 1)[0]


def served_routes(app) -> set[tuple[str, str, str]]:
    """(method, rule, endpoint) for everything the app answers; HEAD and OPTIONS follow GET automatically."""
    return {(method, rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _rule_of(adapter, case: Case) -> str:
    try:
        rule, _ = adapter.match(_shape(case.url), method=case.method, return_rule=True)
    except (NotFound, MethodNotAllowed):
        pytest.fail(f"matrix row {case.method} {case.url} matches no route of the app: remove or fix the row")
    return rule.rule


def test_every_route_is_in_the_matrix(app):
    adapter = app.url_map.bind("qt.test")
    covered = {(case.method, _rule_of(adapter, case)) for case in MATRIX}
    missing = sorted((method, rule, endpoint) for method, rule, endpoint in served_routes(app)
                     if (method, rule) not in covered)
    assert not missing, "routes not in the access matrix (add a row saying who may use each):\n" + "\n".join(
        f"  {method} {rule}  (endpoint {endpoint})" for method, rule, endpoint in missing)


def test_every_row_states_every_role():
    for case in MATRIX:
        assert set(case.expect) == set(ROLES), case


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    return f"{response.status_code} {location}".strip()


def meets(response, expected: int | To) -> bool:
    if isinstance(expected, int):
        return response.status_code == expected
    location = response.headers.get("Location", "")
    if response.status_code != 302 or not location.startswith(expected.prefix):
        return False
    return expected.prefix.startswith("/login") or not location.startswith("/login")


def session_for(client, world, role: str) -> str:
    """Sign the client in as `role` (or not) and return a CSRF token valid for that session."""
    if role == "anonymous":
        return csrf_token(client.get("/login").get_data(as_text=True))
    login_as(client, world.people[role])
    return csrf_token(client.get("/courses").get_data(as_text=True))


def request(client, case: Case, ids: dict, token: str | None):
    url = case.url.format(**ids)
    if case.method == "GET":
        return client.get(url)
    data = {key: value.format(**ids) for key, value in case.data.items()}
    if token is not None:
        data["csrf_token"] = token
    return client.post(url, data=data)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    token = session_for(client, world, role)
    ids = world.ids()
    wrong = []
    for case in MATRIX:
        response = request(client, case, ids, token)
        expected = case.expect[role]
        if not meets(response, expected):
            want = expected if isinstance(expected, int) else f"302 {expected.prefix}…"
            wrong.append(f"{case.method} {case.url.format(**ids)}: expected {want}, got {outcome(response)}")
        response.close()
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("owner, urls", [
    ("other", ["/attempts/{open_attempt}"]),
    ("victim", ["/attempts/{finished_attempt}/review", "/certificates/{certificate}/pdf"]),
    ("head2", ["/rounds/{round_other}", "/rounds/{round_other}/export.csv", "/rounds/{round_other}/report.pdf"]),
    ("hr2", ["/people/import/{foreign_token}"]),
])
def test_the_owners_reach_what_the_matrix_refuses_to_others(client, world, owner, urls):
    """The ids in the matrix are real: the person they belong to gets the page."""
    login_as(client, world.people[owner])
    for url in urls:
        assert client.get(url.format(**world.ids())).status_code == 200, url


def test_someone_elses_upload_is_left_untouched(client, world):
    """The refused preview and apply above must not have read, applied or deleted the other person's file."""
    from lms.extensions import db
    from lms.models import User
    from lms.staff_import.uploads import load_upload

    session_for(client, world, "hr")
    token = csrf_token(client.get("/people/import").get_data(as_text=True))
    client.get(f"/people/import/{world.foreign_token}")
    client.post(f"/people/import/{world.foreign_token}/apply", data={"csrf_token": token})
    assert load_upload(world.foreign_token, user_id=world.people["hr2"].id) is not None
    assert db.session.query(User).filter_by(employee_code="NV9").count() == 0
