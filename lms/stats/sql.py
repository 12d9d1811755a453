"""SQL pieces the statistics share: the finished-attempt filter, joins for callers' conditions, local dates."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import Date, Select, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from lms.models import FINISHED, Attempt, Unit, User
from lms.text import LOCAL_TZ

# Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed shift gives the local day.
_SQLITE_SHIFT = "+7 hours"


class local_date(FunctionElement):  # noqa: N801 - reads as an SQL function in queries
    """The Asia/Ho_Chi_Minh calendar day of a stored UTC timestamp, computed by the database."""

    type = Date()
    name = "local_date"
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps naive UTC text ('2024-06-03 17:00:00.000000'); date() shifts and truncates it.
    return f"date({compiler.process(element.clauses, **kw)}, '{_SQLITE_SHIFT}')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw) -> str:
    # AT TIME ZONE turns timestamptz into local wall time whatever the session's TimeZone is.
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE '{LOCAL_TZ.key}') AS DATE)"


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which the local day begins (17:00 UTC of the day before)."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def finished_attempts(course_id: int) -> list[ColumnElement[bool]]:
    """Attempts that count: this course's, finished and scored."""
    return [Attempt.course_id == course_id, Attempt.state == FINISHED, Attempt.score_bp.is_not(None)]


def referenced_tables(conditions: Iterable[ColumnElement[bool]]) -> set[str]:
    """Tables the conditions name directly (not inside their subqueries): the joins they need."""
    conditions = list(conditions)
    if not conditions:
        return set()
    return {getattr(f, "name", "") for f in select(literal(1)).where(*conditions).get_final_froms()}


def restrict(stmt: Select, user_id_column, conditions: Sequence[ColumnElement[bool]],
             need_user: bool = False) -> Select:
    """Apply the caller's conditions to `stmt`, whose rows belong to the person in `user_id_column`.

    Conditions only about people (users, units) become one `user_id IN (SELECT users.id …)`, which
    the database answers first from the small staff tables and then reads only those people's rows
    by index. Other conditions are applied as they are, with users and units joined if they name
    them. `need_user` joins users regardless, for callers that read its columns.
    """
    people, rest = [], []
    for condition in conditions:
        tables = referenced_tables([condition])
        (people if tables and tables <= {"users", "units"} else rest).append(condition)
    if people:
        members = select(User.id)
        if "units" in referenced_tables(people):
            members = members.join(Unit, Unit.id == User.unit_id)
        # Never correlated: the outer query may join users too, and must not tie the two together.
        stmt = stmt.where(user_id_column.in_(members.where(*people).correlate(None)))
    tables = referenced_tables(rest)
    if need_user or "users" in tables or "units" in tables:
        stmt = stmt.join(User, User.id == user_id_column)
    if "units" in tables:
        stmt = stmt.join(Unit, Unit.id == User.unit_id)
    return stmt.where(*rest)
