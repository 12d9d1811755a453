"""Request ids: one per request, echoed in X-Request-ID, in every log line of the request and on the 500 page."""
from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import current_app

from lms.logs import configure_logging, request_id

ROOT = Path(__file__).resolve().parent.parent
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """What the app's log handler writes during the test, as a list of lines."""
    handler = configure_logging()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)


@pytest.fixture
def noisy_app(database_url):
    """A fresh app with a route that logs through the app's, a module's and a library's loggers, and one that fails."""
    from lms import create_app
    from lms.config import TestConfig

    app = create_app(TestConfig(database_url))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page, not the exception

    @app.get("/_log_for_test")
    def talk():
        current_app.logger.info("app says hello")
        logging.getLogger("lms.quiz.services").warning("module says hello")
        logging.getLogger("some.library").error("library says hello")
        return request_id()

    @app.get("/_boom_for_test")
    def boom():
        raise RuntimeError("secret detail")

    return app


def test_every_response_has_a_fresh_id(client):
    first, second = client.get("/login"), client.get("/healthz")
    ids = first.headers["X-Request-ID"], second.headers["X-Request-ID"]
    assert all(GENERATED.fullmatch(value) for value in ids) and ids[0] != ids[1]


def test_error_responses_and_redirects_carry_an_id_too(client):
    for response in (client.get("/courses"), client.get("/no-such-page"), client.post("/login", data={})):
        assert GENERATED.fullmatch(response.headers["X-Request-ID"]), response.status_code


@pytest.mark.parametrize("incoming", ["7f1c2a9e-3b4d-4c8e-9a0b-1c2d3e4f5a6b", "req.42:web-1_x", "a" * 64])
def test_a_sane_incoming_id_is_kept(client, incoming):
    assert client.get("/healthz", headers={"X-Request-ID": incoming}).headers["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["", "a" * 65, "has space", "<script>alert(1)</script>", "id;drop", "ý-kiến",
                                      "a\tb", "x" * 1000])
def test_an_unsafe_incoming_id_is_replaced(client, incoming):
    returned = client.get("/healthz", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert GENERATED.fullmatch(returned)


def test_every_log_line_of_a_request_carries_its_id(noisy_app, log_lines):
    response = noisy_app.test_client().get("/_log_for_test", headers={"X-Request-ID": "trace-0001"})
    assert response.get_data(as_text=True) == "trace-0001" == response.headers["X-Request-ID"]
    lines = log_lines()
    for text in ("app says hello", "module says hello", "library says hello"):
        [line] = [line for line in lines if text in line]
        assert "[trace-0001]" in line, line
    assert len([line for line in lines if "app says hello" in line]) == 1  # no second handler repeats it
    logging.getLogger("lms").warning("outside any request")
    assert any("[-] lms: outside any request" in line for line in log_lines())


def test_the_error_page_quotes_the_reference_found_in_the_log(noisy_app, log_lines):
    response = noisy_app.test_client().get("/_boom_for_test")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    body = response.get_data(as_text=True)
    assert f"<code>{reference}</code>" in body and "secret detail" not in body and "Traceback" not in body
    logged = "\n".join(log_lines())
    assert f"ERROR [{reference}] lms: Exception on /_boom_for_test" in logged and "secret detail" in logged


def test_other_error_pages_show_no_reference(client):
    assert "<code>" not in client.get("/no-such-page").get_data(as_text=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_access_lines_carry_the_request_id(tmp_path):
    """gunicorn.conf.py in the project folder puts the id the app returned into each access line."""
    port = _free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}",
           "APP_ENV": "development"}
    env.pop("FLASK_DEBUG", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "--access-logfile", "-", "app:app"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                                 headers={"X-Request-ID": "from-the-proxy-17"})
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own local server
                    assert response.headers["X-Request-ID"] == "from-the-proxy-17"
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode("utf-8", "replace")
    [line] = [line for line in output.splitlines() if "GET /healthz" in line]
    assert line.endswith("rid=from-the-proxy-17"), line
