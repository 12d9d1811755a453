"""Deadline-day load: `python -m bench.load [--workers 4] [--users 200]`.

Every simulated person takes the quiz at the same moment (one thread each) against gunicorn on
127.0.0.1, then the run checks what must never happen: a 5xx, "database is locked" (or any
traceback) in the server's log, an answer the server accepted but did not keep, an attempt left
unscored or scored twice. Uses DATABASE_URL like the app, after
`python -m bench.generate --staff 2000 --units 50 --attempts 0` (people who read every lesson and
never sat the quiz are the candidates). Exit status 1 when any check fails.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from sqlalchemy import func, select

from bench.quiz_flow import INPUT, TOKEN, Client, _candidates, _free_port, _login, _percentile


def _take_quiz(client: Client, course_key: str, rng: random.Random, sent: dict, statuses: list[int]) -> None:
    """The whole flow for one person, recording every status and the answers the server accepted."""
    def call(method, path, form=None, headers=None):
        status, body, location, elapsed = client.request(method, path, form, headers)
        statuses.append(status)
        return status, body, location, elapsed

    _s, page, _l, _t = call("GET", f"/courses/{course_key}/quiz")
    token = TOKEN.search(page).group(1)
    _s, _b, attempt_path, _t = call("POST", f"/courses/{course_key}/quiz/start", {"csrf_token": token})
    _s, sheet, _l, _t = call("GET", attempt_path)
    choices: dict[int, list[int]] = {}
    for position, value in INPUT.findall(sheet):
        choices.setdefault(int(position), []).append(int(value))
    accepted = {}
    for position, values in sorted(choices.items()):
        value = rng.choice(values)
        status, _b, _l, _t = call("POST", f"{attempt_path}/answer", {"question": position, "option": value},
                                  {"X-CSRFToken": token})
        if status == 200:
            accepted[position] = value
    call("POST", f"{attempt_path}/finish", {"csrf_token": token})
    call("GET", f"{attempt_path}/review")
    sent[int(attempt_path.rstrip("/").rsplit("/", 1)[1])] = accepted


def _check(sent: dict[int, dict[int, int]], codes: list[str]) -> list[str]:
    """What the database says about the run: every accepted answer kept, every attempt scored once."""
    from app import app
    from lms.extensions import db
    from lms.models import Attempt, AttemptQuestion, User

    problems = []
    with app.app_context():
        attempts = {a.id: a for a in db.session.scalars(select(Attempt).where(Attempt.id.in_(list(sent))))}
        per_person = db.session.execute(
            select(User.employee_code, func.count(Attempt.id)).join(Attempt, Attempt.user_id == User.id)
            .where(User.employee_code.in_(codes)).group_by(User.employee_code)).all()
        problems += [f"{code}: {count} attempts" for code, count in per_person if count != 1]
        for attempt_id, accepted in sent.items():
            attempt = attempts.get(attempt_id)
            if attempt is None or attempt.state != "finished" or attempt.score_bp is None:
                problems.append(f"attempt {attempt_id} not finished and scored")
                continue
            rows = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))
            kept = {q.position: (q.option_order, q.selected or []) for q in rows}
            for position, value in accepted.items():
                order, selected = kept[position]
                if order[value] not in selected:
                    problems.append(f"attempt {attempt_id} lost the answer to question {position}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()

    codes, course_key = _candidates(args.users)
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="quantriet-load-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--workers", str(args.workers),
         "--threads", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
        env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        clients = [_login(port, code) for code in codes]
        statuses: list[int] = []
        sent: dict[int, dict[int, int]] = {}
        failures: list[str] = []
        barrier = threading.Barrier(len(clients))
        timings: list[float] = []

        def person(index: int) -> None:
            # A fresh connection: the server has long closed the idle one used to log in.
            clients[index].connection.close()
            barrier.wait()  # everyone starts at once
            started = time.perf_counter()
            try:
                _take_quiz(clients[index], course_key, random.Random(index), sent, statuses)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures.append(f"{codes[index]}: {exc!r}")
            timings.append(time.perf_counter() - started)

        threads = [threading.Thread(target=person, args=(i,)) for i in range(len(clients))]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    server_log = open(log.name, encoding="utf-8", errors="replace").read()
    os.unlink(log.name)
    from app import app
    from lms.extensions import db

    with app.app_context():
        dialect = db.engine.dialect.name
    server_errors = [s for s in statuses if s >= 500]
    problems = failures + _check(sent, codes)
    print(f"{dialect}, gunicorn {args.workers} workers × 4 threads, {len(clients)} people at once")
    print(f"requests: {len(statuses)} in {wall:.1f} s ({len(statuses) / wall:.0f} req/s); "
          f"a whole quiz per person: median {sorted(timings)[len(timings) // 2]:.1f} s, "
          f"p95 {_percentile(timings, 0.95):.1f} s")
    print(f"5xx responses: {len(server_errors)}; 'database is locked' in the log: "
          f"{server_log.count('database is locked')}; tracebacks: {server_log.count('Traceback')}")
    print(f"attempts finished and scored once, every accepted answer kept: "
          f"{len(sent) - len([p for p in problems if p.startswith('attempt')])} of {len(clients)}")
    for problem in problems[:10]:
        print("  ", problem)
    if server_errors or problems or "database is locked" in server_log or "Traceback" in server_log:
        sys.exit(1)


if __name__ == "__main__":
    main()
