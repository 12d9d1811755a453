"""Time the learning and staff pages in-process: `python -m bench.pages [--rounds 50]`.

Uses DATABASE_URL (default: the development SQLite file) after `bench.generate`. Each page is
requested through the Flask test client (no network), so the numbers are the app's own time:
routing, queries and rendering. /healthz is measured in the same run as the floor.
"""
from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import func, select

from app import app
from lms.extensions import db
from lms.models import Course, Lesson, Round, Unit, UnitHead, User, UserRole
from lms.models.org import department


def _login(client, session_id: str) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


def _time(client, url: str, rounds: int) -> tuple[float, float]:
    client.get(url)  # warm caches
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with app.app_context():
        staff_count = db.session.scalar(select(func.count(User.id)))
        course = db.session.scalar(select(Course))
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
        staff = db.session.scalar(select(User).order_by(User.id.desc()))
        hr = db.session.scalar(select(User).join(UserRole).where(UserRole.role == "hr")) or staff
        biggest = db.session.execute(
            select(UnitHead.user_id, func.count(User.id)).join(Unit, Unit.id == UnitHead.unit_id)
            .join(User, User.unit_id == Unit.id).group_by(UnitHead.user_id).order_by(func.count(User.id).desc())
        ).first()
        head = db.session.get(User, biggest[0])
        round_ = db.session.scalar(select(Round).order_by(Round.id.desc()))
        subtree_head = db.session.scalar(  # the head of the unit with the most branches below it
            select(UnitHead.user_id).join(Unit, Unit.id == UnitHead.unit_id).where(Unit.parent_id.is_not(None))
            .order_by(Unit.id).limit(1))
        subtree_head = db.session.get(User, subtree_head)
        staff, hr, head, subtree_head = staff.get_id(), hr.get_id(), head.get_id(), subtree_head.get_id()
        pages = [
            ("floor: /healthz", None, "/healthz"),
            ("my courses", staff, "/courses"),
            ("course page", staff, f"/courses/{course.key}"),
            ("lesson page", staff, f"/courses/{course.key}/lessons/{lesson.key}"),
            (f"staff list, HR, all {staff_count:,}", hr, "/people"),
            ("staff list, HR, search 'nguyen van'", hr, "/people?q=nguyen+van"),
            ("staff list, HR, last page", hr, "/people?page=100000"),
            (f"staff list, unit head ({biggest[1]} people)", head, "/people"),
        ]
        if round_ is not None:
            r = f"/rounds/{round_.id}"
            pages += [
                ("round: unit head's dashboard", subtree_head, r),
                ("round: unit head, not finished", subtree_head, f"{r}?status=unfinished"),
                (f"round: department dashboard, HR, {staff_count:,}", hr, r),
                ("round: department, overdue filter", hr, f"{r}?status=overdue"),
                ("round: department, search 'nguyen van'", hr, f"{r}?q=nguyen+van"),
                ("round: analysis (clauses, questions)", hr, f"{r}/analysis"),
            ]
        dialect = db.engine.dialect.name
    # Requests run outside the setup's app context so that each gets its own, as in production.
    print(f"{dialect}, {staff_count:,} users, {args.rounds} rounds each")
    print(f"{'page':<44} {'median ms':>10} {'p95 ms':>8}")
    for label, session_id, url in pages:
        client = app.test_client()
        if session_id is not None:
            _login(client, session_id)
        median, p95 = _time(client, url, args.rounds)
        print(f"{label:<44} {median:>10.1f} {p95:>8.1f}")
    if round_ is not None:
        # The analysis page shows a snapshot; this is what recomputing it costs (every 15 minutes at most).
        with app.app_context():
            from lms.rounds import insights

            round_ = db.session.get(Round, round_.id)
            root = department()
            samples = []
            for _ in range(3):
                started = time.perf_counter()
                insights.compute(round_, root)
                samples.append((time.perf_counter() - started) * 1000)
        print(f"{'analysis recomputed, whole department':<44} {statistics.median(samples):>10.1f} {max(samples):>8.1f}")


if __name__ == "__main__":
    main()
