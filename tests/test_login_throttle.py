"""Login throttling: failed logins per account typed and per address, the 429 page, shared Redis counters."""
from __future__ import annotations

import os
import re
import time
import unicodedata
import uuid

import pytest
from limits import parse
from limits.storage import MemoryStorage, storage_from_string

from lms.auth.throttle import EXTENSION_KEY, LoginThrottle, account_key
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user

GENERIC = "Wrong employee code, email or password."
THROTTLED = re.compile(r"Too many failed logins\. Please try again in (\d+) minutes?\.")
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own; every key also carries a per-run prefix


def _english(client) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def _login(client, identifier, password, **kwargs):
    page = client.get("/login", **kwargs).get_data(as_text=True)
    return client.post("/login", data={"csrf_token": csrf_token(page), "identifier": identifier,
                                       "password": password}, **kwargs)


def _logged_in(client) -> bool:
    return client.get("/courses").status_code == 200


def _main(response) -> str:
    """The page's main part without the form's values (the CSRF token, the identifier typed back)."""
    main = response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r' value="[^"]*"', "", main)


@pytest.fixture
def throttle(app, monkeypatch):
    """Put a throttle with small limits in the app for one test; returns a function that builds it."""

    def build(account: str = "3 per 15 minutes", address: str = "100 per 15 minutes") -> LoginThrottle:
        small = LoginThrottle(storage=MemoryStorage(), account_limit=parse(account), address_limit=parse(address))
        monkeypatch.setitem(app.extensions, EXTENSION_KEY, small)
        return small

    return build


def test_the_default_limits(app):
    throttle = app.extensions[EXTENSION_KEY]
    assert (throttle.account_limit.amount, throttle.account_limit.get_expiry()) == (5, 900)
    assert (throttle.address_limit.amount, throttle.address_limit.get_expiry()) == (30, 900)
    assert throttle.enabled


def test_account_is_locked_after_five_failures_even_for_the_right_password(client, app):
    make_user(code="NV-LOCK")
    _english(client)
    for _ in range(5):
        response = _login(client, "NV-LOCK", "wrong password!")
        assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)
    response = _login(client, "NV-LOCK", PASSWORD)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert THROTTLED.search(html).group(1) == "15" and GENERIC not in html
    assert 890 <= int(response.headers["Retry-After"]) <= 900
    assert not _logged_in(client)


@pytest.mark.parametrize("variant", ["tnmt0001", "TNMT0001 ", "  TnMt0001", "tnmt0001\t"])
def test_spellings_of_one_identifier_count_together(client, throttle, variant):
    throttle(account="2 per 15 minutes")
    make_user(code="TNMT0001")
    _login(client, "TNMT0001", "wrong password!")
    _login(client, variant, "wrong password!")
    assert _login(client, "TNMT0001", PASSWORD).status_code == 429


def test_unicode_forms_of_one_identifier_count_together(client, throttle):
    throttle(account="2 per 15 minutes")
    email = "đức.nguyễn@example.gov.vn"
    make_user(code="NV-NFD", email=email)
    _login(client, unicodedata.normalize("NFD", email), "wrong password!")
    _login(client, email.upper(), "wrong password!")
    assert _login(client, email, PASSWORD).status_code == 429
    assert account_key(unicodedata.normalize("NFD", email.upper()) + " ") == account_key(email)


def test_an_unknown_account_is_throttled_exactly_like_a_real_one(client, throttle):
    throttle(account="3 per 15 minutes")
    make_user(code="NV-REAL")
    _english(client)
    real = [_login(client, "NV-REAL", "wrong password!") for _ in range(5)]
    unknown = [_login(client, "NV-GHOST", "wrong password!") for _ in range(5)]
    assert [r.status_code for r in real] == [r.status_code for r in unknown] == [200, 200, 200, 429, 429]
    assert [_main(r) for r in real] == [_main(r) for r in unknown]
    assert {r.headers.get("Retry-After") is None for r in real[:3]} == {True}


def test_a_throttled_attempt_does_not_check_the_password(client, throttle, monkeypatch):
    throttle(account="1 per 15 minutes")
    make_user(code="NV-ORACLE")
    _login(client, "NV-ORACLE", "wrong password!")
    calls = []
    monkeypatch.setattr("lms.auth.routes.authenticate", lambda *args: calls.append(args))
    assert _login(client, "NV-ORACLE", PASSWORD).status_code == 429
    assert calls == []


def test_only_failures_count_against_an_account_and_a_success_clears_them(client, throttle):
    throttle(account="3 per 15 minutes")
    make_user(code="NV-OK")
    for _ in range(5):  # more successes than the limit
        assert _login(client, "NV-OK", PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/courses").get_data(as_text=True))})
    for _ in range(2):
        _login(client, "NV-OK", "wrong password!")
    assert _login(client, "NV-OK", PASSWORD).status_code == 302  # the third try is still allowed, and clears
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/courses").get_data(as_text=True))})
    statuses = [_login(client, "NV-OK", "wrong password!").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_invalid_forms_do_not_count(client, throttle):
    throttle(account="1 per 15 minutes", address="1 per 15 minutes")
    make_user(code="NV-EMPTY")
    for _ in range(3):
        _login(client, "NV-EMPTY", "")
        _login(client, "", "x")
    assert _login(client, "NV-EMPTY", PASSWORD).status_code == 302


def test_an_address_is_throttled_across_accounts_and_others_are_not(client, app, throttle):
    throttle(account="10 per 15 minutes", address="4 per 15 minutes")
    make_user(code="NV-VICTIM")
    here = {"environ_base": {"REMOTE_ADDR": "198.51.100.7"}}
    for n in range(4):
        assert _login(client, f"NV-SPRAY{n}", "wrong password!", **here).status_code == 200
    assert _login(client, "NV-VICTIM", PASSWORD, **here).status_code == 429
    other = app.test_client()
    assert _login(other, "NV-VICTIM", PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302


def test_the_address_is_the_one_the_trusted_proxy_reports(monkeypatch, database_url, ctx):
    from lms import create_app
    from lms.config import TestConfig

    monkeypatch.setenv("PROXY_COUNT", "1")
    config = TestConfig(database_url)
    config.LOGIN_RATE_LIMIT_ADDRESS = "2 per 15 minutes"
    proxied = create_app(config)
    make_user(code="NV-PROXY")
    client = proxied.test_client()

    def attempt(forwarded_for, identifier, password=None):
        return _login(client, identifier, password or "wrong password!", headers={"X-Forwarded-For": forwarded_for})

    assert [attempt("203.0.113.1", f"NV-P{n}").status_code for n in range(2)] == [200, 200]
    assert attempt("203.0.113.1", "NV-PROXY", PASSWORD).status_code == 429
    # Same proxy, another client behind it: its own counter.
    assert attempt("203.0.113.2", "NV-PROXY", PASSWORD).status_code == 302


def test_the_wait_shown_counts_down_and_the_lock_ends(client, throttle):
    throttle(account="1 per 2 seconds")
    make_user(code="NV-WAIT")
    _english(client)
    _login(client, "NV-WAIT", "wrong password!")
    response = _login(client, "NV-WAIT", PASSWORD)
    assert response.status_code == 429 and THROTTLED.search(response.get_data(as_text=True)).group(1) == "1"
    assert 1 <= int(response.headers["Retry-After"]) <= 2
    time.sleep(2.1)
    assert _login(client, "NV-WAIT", PASSWORD).status_code == 302


def test_the_throttle_page_is_translated(client, throttle):
    throttle(account="1 per 15 minutes")
    make_user(code="NV-VI")
    _login(client, "NV-VI", "wrong password!")
    response = _login(client, "NV-VI", PASSWORD)
    assert response.status_code == 429 and 'lang="vi"' in response.get_data(as_text=True)


def test_throttling_can_be_switched_off(client, monkeypatch, throttle):
    small = throttle(account="1 per 15 minutes")
    monkeypatch.setattr(small, "enabled", False)
    make_user(code="NV-OFF1")
    for _ in range(3):
        _login(client, "NV-OFF1", "wrong password!")
    assert _login(client, "NV-OFF1", PASSWORD).status_code == 302


# --- Redis: several workers (here two app instances) share the counters ------------------------------------

def _redis():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        connection.ping()
    except redis.exceptions.RedisError:
        if os.environ.get("REQUIRE_REDIS"):  # CI: a missing Redis is a failure, not a skip
            raise
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return connection


@pytest.fixture
def redis_apps(database_url, ctx):
    """Two app instances with their own connections to one Redis, as two gunicorn workers have."""
    from lms import create_app
    from lms.config import TestConfig

    connection = _redis()
    prefix = f"qt-test-{uuid.uuid4().hex}"

    def build():
        config = TestConfig(database_url)
        config.RATELIMIT_STORAGE_URI = REDIS_URL
        config.RATELIMIT_STORAGE_OPTIONS = {"key_prefix": prefix}
        config.LOGIN_RATE_LIMIT_ACCOUNT = "3 per 15 minutes"
        return create_app(config)

    first, second = build(), build()
    yield first, second, connection, prefix
    first.extensions[EXTENSION_KEY].reset()
    leftover = list(connection.scan_iter(f"{prefix}*"))
    connection.delete(*leftover) if leftover else None
    connection.close()
    # Flask-Limiter's Limiter is one object per process and follows the last app built: give it memory again.
    create_app(TestConfig(database_url))


def test_two_app_instances_share_the_counters_through_redis(redis_apps):
    first, second, connection, prefix = redis_apps
    assert first.extensions[EXTENSION_KEY].storage is not second.extensions[EXTENSION_KEY].storage
    make_user(code="NV-REDIS")
    one, two = first.test_client(), second.test_client()
    assert _login(one, "NV-REDIS", "wrong password!").status_code == 200
    assert _login(two, "nv-redis ", "wrong password!").status_code == 200
    assert _login(one, "NV-REDIS", "wrong password!").status_code == 200
    assert _login(two, "NV-REDIS", PASSWORD).status_code == 429
    assert _login(one, "NV-REDIS", PASSWORD).status_code == 429
    keys = [key.decode() for key in connection.scan_iter(f"{prefix}*")]
    assert keys and all("nv-redis" not in key.lower() for key in keys)  # identifiers are stored hashed
    first.extensions[EXTENSION_KEY].reset()
    assert not list(connection.scan_iter(f"{prefix}*"))
    assert _login(two, "NV-REDIS", PASSWORD).status_code == 302


def test_an_unreachable_shared_storage_falls_back_to_counting_in_the_process(client, app, monkeypatch, caplog):
    """Redis down must not turn every login into a 500: each worker goes on counting by itself."""
    unreachable = storage_from_string("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LoginThrottle(
        storage=unreachable, account_limit=parse("3 per 15 minutes"), address_limit=parse("100 per 15 minutes")))
    make_user(code="NV-DOWN")
    codes = [_login(client, "NV-DOWN", "wrong password!").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert _login(client, "NV-DOWN", PASSWORD).status_code == 429
    assert "login throttle storage unavailable" in caplog.text


def test_code_and_email_of_one_account_share_one_counter(client, throttle):
    throttle("3 per 15 minutes")
    make_user(code="NV-TWO", email="hai.nv@example.gov.vn")
    codes = [_login(client, who, "wrong password!").status_code
             for who in ("NV-TWO", "hai.nv@example.gov.vn", "nv-two")]
    assert codes == [200, 200, 200]
    assert _login(client, "HAI.NV@example.gov.vn", PASSWORD).status_code == 429


def test_parallel_guesses_are_counted_before_the_password_is_checked(app, ctx, monkeypatch, throttle):
    """Twenty guesses at once: the count is taken first, so only the limit's worth reach the password."""
    import threading

    import lms.auth.routes as routes

    throttle("5 per 15 minutes")
    make_user(code="NV-RACE")
    real, checked = routes.authenticate, []
    gate = threading.Barrier(20)

    def slow(identifier, password):  # scrypt takes a while: every request is in flight together
        checked.append(password)
        try:
            gate.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return real(identifier, password)

    monkeypatch.setattr(routes, "authenticate", slow)
    results = []

    def guess(number: int) -> None:
        with app.app_context():
            results.append(_login(app.test_client(), "NV-RACE", f"guess number {number}").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5 and sorted(results) == [200] * 5 + [429] * 15
