"""The analysis of a round for a unit: progress by day, clause mastery by unit, question statistics,
each limited to the round's members in the unit and to the round's cycle.

These read every answer given in the round (millions of rows for a whole province), so the result
is kept as a snapshot per round and unit, shown with its time, and recomputed when older than
`MAX_AGE` or on request.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms import clock
from lms.db_setup import begin_write
from lms.extensions import db
from lms.models import AnalysisSnapshot, Attempt, Certificate, Round, RoundMember, Unit, User
from lms.rounds.dashboard import members_query
from lms.rounds.membership import local_today
from lms.stats.mastery import ClauseColumn, MasteryRow, MasteryTable, Tally, clause_mastery
from lms.stats.progress import ProgressPoint, completion_progress
from lms.stats.questions import QuestionStat, question_statistics

MAX_AGE = timedelta(minutes=15)
MAX_CHART_DAYS = timedelta(days=730)  # a round's chart shows at most its last two years


@dataclass(frozen=True)
class Analysis:
    progress: list[ProgressPoint]
    mastery: MasteryTable
    questions: list[QuestionStat]
    computed_at: datetime


def compute(round_: Round, focus: Unit, today: date | None = None) -> Analysis:
    """Every figure of the analysis, fresh from the database."""
    today = today or local_today()
    members = members_query(round_, focus, User.id, with_unit=False)
    # Progress is drawn against the target, which leaves exempt people out: so does the count.
    counted = members.where(RoundMember.exempt_reason.is_(None))
    attempts = (Attempt.cycle == round_.cycle, Attempt.user_id.in_(members))
    end = max(round_.starts_on, min(today, round_.deadline))
    start = max(round_.starts_on, end - MAX_CHART_DAYS)
    return Analysis(
        progress=list(completion_progress(round_.course_id, start, end,
                                          people_conditions=(User.id.in_(counted),),
                                          certificate_conditions=(Certificate.cycle == round_.cycle,))),
        mastery=clause_mastery(round_.course_id, attempts, parent_unit_id=focus.id),
        questions=list(question_statistics(round_.course_id, attempts)),
        computed_at=clock.now(),
    )


def encode(analysis: Analysis) -> dict:
    """The analysis as JSON-ready data."""
    return {
        "progress": [[p.day.isoformat(), p.new, p.cumulative] for p in analysis.progress],
        "clauses": [[c.id, c.key, c.label, c.title] for c in analysis.mastery.clauses],
        "rows": [[r.unit_id, r.name, r.own_only, [[t.credit, t.count] for t in r.cells]]
                 for r in analysis.mastery.rows],
        "questions": [asdict(q) for q in analysis.questions],
    }


def decode(data: dict, computed_at: datetime) -> Analysis:
    """An analysis back from its JSON form."""
    return Analysis(
        progress=[ProgressPoint(date.fromisoformat(day), new, total) for day, new, total in data["progress"]],
        mastery=MasteryTable(tuple(ClauseColumn(*c) for c in data["clauses"]), tuple(
            MasteryRow(uid, name, own, tuple(Tally(credit, count) for credit, count in cells))
            for uid, name, own, cells in data["rows"])),
        questions=[QuestionStat(**{**q, "flags": tuple(q["flags"])}) for q in data["questions"]],
        computed_at=computed_at,
    )


def cached(round_: Round, focus: Unit, *, refresh: bool = False) -> Analysis:
    """The snapshot if it is recent (and no refresh is asked), else a fresh analysis, stored."""
    snapshot = db.session.scalar(select(AnalysisSnapshot).where(
        AnalysisSnapshot.round_id == round_.id, AnalysisSnapshot.unit_id == focus.id))
    if snapshot is not None and not refresh and clock.now() - snapshot.computed_at < MAX_AGE:
        try:
            return decode(snapshot.data, snapshot.computed_at)
        except (KeyError, TypeError, ValueError):  # written by an older version: compute again
            pass
    analysis = compute(round_, focus)
    begin_write()  # end the read transaction; take the write lock up front
    db.session.execute(delete(AnalysisSnapshot).where(
        AnalysisSnapshot.round_id == round_.id, AnalysisSnapshot.unit_id == focus.id))
    db.session.add(AnalysisSnapshot(round_id=round_.id, unit_id=focus.id, computed_at=analysis.computed_at,
                                    data=encode(analysis)))
    try:
        db.session.commit()
    except IntegrityError:  # another request stored the same snapshot at the same moment
        db.session.rollback()
    return analysis
