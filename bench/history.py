"""Quiz history and a round for the generated staff (called by `python -m bench.generate`).

Each person has an ability and each question a difficulty, so that the question statistics have
something to find; people sit the quiz until they pass (at most ten times) and most who pass
sign and hold a certificate. Finally a round is opened for the whole department, which computes
every membership and stage with the application's own code.
"""
from __future__ import annotations

import math
import random
import secrets
import time
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from lms import clock
from lms.db_setup import refresh_statistics
from lms.extensions import db
from lms.models import Attempt, AttemptQuestion, Certificate, Commitment, Course, Option, Round, Unit, User
from lms.models.org import department
from lms.quiz.pool import pool_of
from lms.rounds.membership import open_round
from lms.text import fold, to_local

BATCH = 50_000


def _bump_sequences() -> None:
    if db.engine.dialect.name == "postgresql":
        for table in ("attempts", "attempt_questions", "certificates", "commitments"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def generate_history(total: int, seed: int = 51) -> None:
    """About `total` finished attempts for the BENCH staff, then certificates and an open round."""
    rng = random.Random(seed)
    started = time.perf_counter()
    course = db.session.scalar(select(Course).where(Course.retired_at.is_(None)).order_by(Course.id))
    if db.session.scalar(select(func.count(Round.id)).where(Round.course_id == course.id)):
        raise SystemExit("This database already has a round of the course (the demo opens one): "
                         "generate into a database with the course loaded and no demo.")
    pool = pool_of(course)
    # One correct option per question is enough for the statistics (multiple-answer ones then score 0).
    correct = dict(db.session.execute(select(Option.version_id, func.min(Option.id))
                                      .where(Option.is_correct.is_(True)).group_by(Option.version_id)).all())
    by_clause = {item.id: [q for q in pool if q.clauses & set(item.clause_keys)] for item in course.blueprint}
    difficulty = {q.version_id: rng.gauss(-0.8, 0.9) for q in pool}
    people = db.session.execute(
        select(User.id, User.full_name, User.unit_id, Unit.name, User.job_title)
        .join(Unit, Unit.id == User.unit_id).where(User.employee_code.like("BENCH%")).order_by(User.id)).all()
    rng.shuffle(people)
    now = clock.now()
    next_attempt = (db.session.scalar(select(func.max(Attempt.id))) or 0) + 1
    attempts, questions, passers = [], [], []
    made = 0
    for person in people:
        if made >= total:
            break
        ability = rng.gauss(-1.0, 1)
        when = now - timedelta(days=rng.uniform(1, 29), minutes=rng.randint(0, 600))
        for number in range(1, 11):
            credits = []
            for item in course.blueprint:
                for position, question in enumerate(rng.sample(by_clause[item.id], item.count), len(credits) + 1):
                    right = rng.random() < 1 / (1 + math.exp(difficulty[question.version_id] - ability))
                    options = [option_id for option_id, _ in question.options]
                    wrong = next((o for o in options if o != correct.get(question.version_id)), options[0])
                    credits.append(1.0 if right else 0.0)
                    questions.append({"attempt_id": next_attempt, "position": position,
                                      "question_version_id": question.version_id, "option_order": options,
                                      "selected": [correct.get(question.version_id) if right else wrong],
                                      "answered_at": when, "credit": credits[-1]})
            score_bp = round(sum(credits) * 10000 / len(credits))
            passed = score_bp >= course.pass_mark * 100
            attempts.append({"id": next_attempt, "user_id": person.id, "course_id": course.id, "number": number,
                             "seed": rng.getrandbits(62), "state": "finished", "started_at": when,
                             "finished_at": when + timedelta(minutes=rng.randint(6, 15)), "finish_reason": "submitted",
                             "grace_seconds": 0, "pass_mark": course.pass_mark,
                             "multiple_grading": course.multiple_grading, "review_policy": course.review_policy,
                             "score_bp": score_bp, "passed": passed, "cycle": 0})
            next_attempt += 1
            made += 1
            if passed:
                passers.append((person, when, score_bp))
                break
            when += timedelta(hours=rng.randint(1, 48))
            ability += 0.2  # reading the explanations helps
        if len(questions) >= BATCH:
            db.session.execute(insert(Attempt), attempts)
            db.session.execute(insert(AttemptQuestion), questions)
            db.session.commit()
            attempts, questions = [], []
    if attempts:
        db.session.execute(insert(Attempt), attempts)
        db.session.execute(insert(AttemptQuestion), questions)
    certificates, commitments = [], []
    for n, (person, when, score_bp) in enumerate(passers, 1):
        if rng.random() >= 0.85:
            continue
        signed = when + timedelta(minutes=20)
        commitments.append({"user_id": person.id, "course_id": course.id, "text": course.commitment_text or "",
                            "typed_name": person.full_name, "signed_at": signed, "cycle": 0})
        certificates.append({
            "serial": f"{to_local(signed).year}/BENCH-{n:06d}", "code": secrets.token_urlsafe(24),
            "user_id": person.id, "course_id": course.id, "status": "valid", "full_name": person.full_name,
            "name_search": fold(person.full_name), "unit_id": person.unit_id, "unit_name": person.name,
            "job_title": person.job_title or "", "course_title": course.title, "score_bp": score_bp,
            "passed_at": when, "issued_at": signed, "issued_on": to_local(signed).date(),
            "pdf_sha256": "", "pdf_size": 0, "cycle": 0})
    for start in range(0, len(certificates), BATCH):
        db.session.execute(insert(Commitment), commitments[start:start + BATCH])
        db.session.execute(insert(Certificate), certificates[start:start + BATCH])
    _bump_sequences()
    db.session.commit()
    print(f"{made:,} attempts, {len(passers):,} passed, {len(certificates):,} certificates "
          f"in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    root = department()
    today = to_local(now).date()
    open_round(course, name="Đợt thử tải", starts_on=today - timedelta(days=30),
               deadline=today + timedelta(days=15), unit_ids=[root.id], by=None)
    print(f"round opened for the department (memberships and stages) in {time.perf_counter() - started:.1f} s")
    refresh_statistics()
