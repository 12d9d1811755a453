"""Quiz flow under gunicorn: `python -m bench.quiz_flow [--workers 4] [--users 200] [--concurrency 16]`.

Uses DATABASE_URL / INSTANCE_PATH like the app, after `bench.generate` (which gives a third of the
generated staff every lesson read; their password is bench-password-123). Starts gunicorn on a
free local port, logs each simulated person in (not timed), then times the whole quiz flow:
open the quiz page, start (POST), load the sheet, save each of the 12 answers (POST, as the page's
script does), finish (POST) and load the review. In the same run it times GET /healthz with the
same client as the ceiling. Prints requests per second, median and 95th-percentile latency.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from sqlalchemy import func, select

BENCH_PASSWORD = "bench-password-123"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
INPUT = re.compile(r'name="q(\d+)" value="(\d+)"')


class Client:
    """One person's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | list | None = None,
                headers: dict | None = None) -> tuple[int, str, str, float]:
        body = urlencode(form, doseq=True) if form is not None else None
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8")
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text, response.headers.get("Location", ""), elapsed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _candidates(count: int) -> tuple[list[str], str]:
    """Codes of generated people who read every lesson and never started the quiz, and the course key."""
    from app import app
    from lms.extensions import db
    from lms.models import Attempt, Course, Lesson, LessonRead, User

    with app.app_context():
        lessons = db.session.scalar(select(func.count(Lesson.id)).where(Lesson.retired_at.is_(None)))
        codes = db.session.scalars(
            select(User.employee_code).join(LessonRead, LessonRead.user_id == User.id)
            .join(Attempt, Attempt.user_id == User.id, isouter=True)
            .where(User.employee_code.like("BENCH%"), Attempt.id.is_(None))
            .group_by(User.id, User.employee_code).having(func.count(LessonRead.id) >= lessons)
            .order_by(User.id).limit(count)
        ).all()
        key = db.session.scalar(select(Course.key).order_by(Course.id))
    if len(codes) < count:
        sys.exit(f"only {len(codes)} unused generated staff with every lesson read; run bench.generate again")
    return list(codes), key


def _login(port: int, code: str) -> Client:
    client = Client(port)
    _status, page, _loc, _t = client.request("GET", "/login")
    status, _body, _loc, _t = client.request("POST", "/login", {
        "csrf_token": TOKEN.search(page).group(1), "identifier": code, "password": BENCH_PASSWORD})
    if status != 302:
        raise RuntimeError(f"login failed for {code}: {status}")
    return client


def _flow(client: Client, course_key: str, rng: random.Random, timings: list[tuple[str, float]]) -> None:
    def timed(label, *args, expect=(200, 302)):
        status, body, location, elapsed = client.request(*args)
        if status not in expect:
            raise RuntimeError(f"{label}: HTTP {status}")
        timings.append((label, elapsed))
        return body, location

    page, _ = timed("GET quiz page", "GET", f"/courses/{course_key}/quiz")
    token = TOKEN.search(page).group(1)
    _, location = timed("POST start", "POST", f"/courses/{course_key}/quiz/start", {"csrf_token": token})
    attempt_path = location  # e.g. /attempts/42
    sheet, _ = timed("GET sheet", "GET", attempt_path)
    choices: dict[int, list[int]] = {}
    for position, value in INPUT.findall(sheet):
        choices.setdefault(int(position), []).append(int(value))
    for position, values in sorted(choices.items()):
        timed("POST answer", "POST", f"{attempt_path}/answer",
              {"question": position, "option": rng.choice(values)}, {"X-CSRFToken": token})
    timed("POST finish", "POST", f"{attempt_path}/finish", {"csrf_token": token})
    timed("GET review", "GET", f"{attempt_path}/review")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def _report(label: str, samples: list[float], wall: float) -> None:
    print(f"{label:<22} {len(samples):>6} {len(samples) / wall:>9.1f} {statistics.median(samples) * 1000:>10.1f}"
          f" {_percentile(samples, 0.95) * 1000:>8.1f}")


def _run_threads(count: int, target) -> float:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--floor-requests", type=int, default=3000)
    args = parser.parse_args()

    codes, course_key = _candidates(args.users)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"], env=os.environ.copy())
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        clients = [_login(port, code) for code in codes]
        from app import app
        from lms.extensions import db

        with app.app_context():
            dialect = db.engine.dialect.name
        print(f"{dialect}, gunicorn {args.workers} workers, {args.users} people, {args.concurrency} at once")

        floor: list[float] = []
        lock = threading.Lock()

        def hit_floor(index: int) -> None:
            client = Client(port)
            for _ in range(args.floor_requests // args.concurrency):
                _s, _b, _l, elapsed = client.request("GET", "/healthz")
                with lock:
                    floor.append(elapsed)

        floor_wall = _run_threads(args.concurrency, hit_floor)

        timings: list[tuple[str, float]] = []
        errors: list[str] = []
        queue = list(range(len(clients)))

        def run_flows(index: int) -> None:
            rng = random.Random(index)
            while True:
                with lock:
                    if not queue:
                        return
                    person = queue.pop()
                local: list[tuple[str, float]] = []
                try:
                    _flow(clients[person], course_key, rng, local)
                except Exception as exc:  # noqa: BLE001 - reported below, the run goes on
                    with lock:
                        errors.append(str(exc))
                with lock:
                    timings.extend(local)

        flow_wall = _run_threads(args.concurrency, run_flows)
        print(f"{'request':<22} {'count':>6} {'req/s':>9} {'median ms':>10} {'p95 ms':>8}")
        _report("floor: GET /healthz", floor, floor_wall)
        _report("quiz flow, all", [t for _label, t in timings], flow_wall)
        for label in ("GET quiz page", "POST start", "GET sheet", "POST answer", "POST finish", "GET review"):
            samples = [t for name, t in timings if name == label]
            if samples:
                _report("  " + label, samples, flow_wall)
        done = len(clients) - len(errors)
        print(f"flows completed: {done} of {len(clients)} in {flow_wall:.1f} s; errors: {len(errors)}")
        for error in errors[:5]:
            print("  ", error)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
