"""Item analysis of a course's questions: times used, facility index, discrimination index, flags.

Facility is the mean credit a question earned (0–1: the share who got it right). Discrimination
is the classic upper-minus-lower index: finished attempts are ranked by total score once, the top
27 % form the upper group and the bottom 27 % the lower group, and D = p_upper − p_lower, where p is
the question's mean credit among the attempts of that group that drew it. Questions are drawn at
random, independently of how able the candidate is, so one ranking of all attempts serves every
question. Everything up to the per-question sums is one SQL statement; Python only divides.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import ColumnElement, Integer, case, cast, func, or_, select

from lms.extensions import db
from lms.models import Attempt, AttemptQuestion, Option, Question, QuestionVersion
from lms.stats.sql import finished_attempts, restrict

MIN_USES = 20
TOO_EASY = 0.9  # facility above this
TOO_HARD = 0.3  # facility below this
POOR_DISCRIMINATION = 0.2  # D below this
GROUP_SHARE = 27  # percent of attempts in each of the upper and lower groups

UPPER, LOWER = 1, -1

FEW_ANSWERS = "too_few_answers"
FLAG_EASY = "too_easy"
FLAG_HARD = "too_hard"
FLAG_POOR = "poor_discrimination"
FLAG_NEGATIVE = "negative_discrimination"


@dataclass(frozen=True)
class QuestionStat:
    """One question (all its versions together) with its current wording and its item statistics."""

    question_id: int
    key: str
    position: int
    text: str
    retired: bool
    uses: int
    facility: float | None
    discrimination: float | None
    upper_uses: int
    lower_uses: int
    flags: tuple[str, ...]

    @property
    def too_few_answers(self) -> bool:
        return FEW_ANSWERS in self.flags

    @property
    def severity(self) -> int:
        """2 for a question that works against the test (negative D), 1 for another flag, else 0."""
        if FLAG_NEGATIVE in self.flags:
            return 2
        return 1 if set(self.flags) - {FEW_ANSWERS} else 0


@dataclass(frozen=True)
class OptionStat:
    """How often one option of one question version was picked, overall and by each group."""

    question_id: int
    version_number: int
    is_current: bool
    option_id: int
    position: int
    text: str
    is_correct: bool
    shown: int
    picks: int
    upper_shown: int
    upper_picks: int
    lower_shown: int
    lower_picks: int

    @property
    def misleading(self) -> bool:
        """A wrong option that attracts the upper group more than the lower one."""
        if self.is_correct or not self.upper_shown or not self.lower_shown:
            return False
        return self.upper_picks / self.upper_shown > self.lower_picks / self.lower_shown


def flags_for(uses: int, facility: float | None, discrimination: float | None,
              min_uses: int = MIN_USES) -> tuple[str, ...]:
    """The warnings a question earns; below `min_uses` answers only 'too few answers' is said."""
    if uses < min_uses or facility is None:
        return (FEW_ANSWERS,)
    flags = []
    if facility > TOO_EASY:
        flags.append(FLAG_EASY)
    elif facility < TOO_HARD:
        flags.append(FLAG_HARD)
    if discrimination is not None:
        if discrimination < 0:
            flags.append(FLAG_NEGATIVE)
        elif discrimination < POOR_DISCRIMINATION:
            flags.append(FLAG_POOR)
    return tuple(flags)


def _ranked_attempts(course_id: int, attempt_conditions: Sequence[ColumnElement[bool]]):
    """Counted attempts with their group: 1 upper 27 %, -1 lower 27 %, 0 the middle.

    The group size is round(27 % of n) in integer arithmetic, identical on SQLite and PostgreSQL;
    ties on the boundary go by attempt id so the split is stable.
    """
    rank = func.row_number().over(order_by=(Attempt.score_bp.desc(), Attempt.id))
    total = func.count().over()
    stmt = select(Attempt.id.label("attempt_id"), rank.label("rank"), total.label("n"))
    stmt = restrict(stmt.select_from(Attempt), Attempt.user_id, attempt_conditions)
    ranked = stmt.where(*finished_attempts(course_id)).subquery("ranked")
    size = (ranked.c.n * GROUP_SHARE + 50) // 100
    group = case((ranked.c.rank <= size, UPPER), (ranked.c.rank > ranked.c.n - size, LOWER), else_=0)
    return select(ranked.c.attempt_id, group.label("grp")).subquery("grouped")


def question_statistics(course_id: int, attempt_conditions: Sequence[ColumnElement[bool]] = (),
                        min_uses: int = MIN_USES) -> tuple[QuestionStat, ...]:
    """One row per question of the course, in bank order: uses, facility, discrimination, flags.

    Counts only finished attempts of the course that meet `attempt_conditions` (SQL conditions on
    Attempt, User or Unit: see lms.stats.sql.restrict). Unanswered questions count as no credit,
    as in the score. Retired questions appear only if they were used.
    """
    grouped = _ranked_attempts(course_id, attempt_conditions)
    # The heavy pass over every answer does as little as possible: count and add per version and
    # group. The few hundred resulting rows are then folded into questions and groups.
    by_group = (
        select(AttemptQuestion.question_version_id.label("version_id"), grouped.c.grp.label("grp"),
               func.count().label("n"), func.sum(func.coalesce(AttemptQuestion.credit, 0.0)).label("credit"))
        .select_from(grouped)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == grouped.c.attempt_id)
        .group_by(AttemptQuestion.question_version_id, grouped.c.grp)
    ).subquery("by_group")
    upper, lower = by_group.c.grp == UPPER, by_group.c.grp == LOWER
    sums = (
        select(QuestionVersion.question_id.label("question_id"), func.sum(by_group.c.n).label("uses"),
               func.sum(by_group.c.credit).label("credit"),
               func.sum(case((upper, by_group.c.n), else_=0)).label("upper_n"),
               func.sum(case((upper, by_group.c.credit), else_=0.0)).label("upper_credit"),
               func.sum(case((lower, by_group.c.n), else_=0)).label("lower_n"),
               func.sum(case((lower, by_group.c.credit), else_=0.0)).label("lower_credit"))
        .select_from(by_group)
        .join(QuestionVersion, QuestionVersion.id == by_group.c.version_id)
        .group_by(QuestionVersion.question_id)
    ).subquery("sums")
    current_text = (
        select(QuestionVersion.text).where(QuestionVersion.question_id == Question.id)
        .order_by(QuestionVersion.is_current.desc(), QuestionVersion.number.desc()).limit(1)
        .correlate(Question).scalar_subquery()
    )
    rows = db.session.execute(
        select(Question.id, Question.key, Question.position, Question.retired_at.is_not(None), current_text,
               sums.c.uses, sums.c.credit, sums.c.upper_n, sums.c.upper_credit, sums.c.lower_n,
               sums.c.lower_credit)
        .outerjoin(sums, sums.c.question_id == Question.id)
        .where(Question.course_id == course_id, or_(Question.retired_at.is_(None), sums.c.uses.is_not(None)))
        .order_by(Question.position, Question.id)
    )
    result = []
    for qid, key, position, retired, text, uses, credit_sum, upper_n, upper_credit, lower_n, lower_credit in rows:
        uses, upper_n, lower_n = int(uses or 0), int(upper_n or 0), int(lower_n or 0)
        facility = float(credit_sum) / uses if uses else None
        discrimination = (float(upper_credit) / upper_n - float(lower_credit) / lower_n
                          if upper_n and lower_n else None)
        result.append(QuestionStat(qid, key, position, text or "", bool(retired), uses, facility, discrimination,
                                   upper_n, lower_n, flags_for(uses, facility, discrimination, min_uses)))
    return tuple(result)


def _picked_option_ids(dialect: str, selected):
    """A table-valued expansion of a `selected` column (a JSON array of option ids)."""
    if dialect == "postgresql":
        # A cleared answer may be stored as JSON null, which json_array_elements_text refuses.
        array = case((func.json_typeof(selected) == "array", selected))
        values = func.json_array_elements_text(array).table_valued("value", joins_implicitly=True)
    else:  # SQLite's json_each yields one NULL row for a JSON null: filtered out by the caller
        values = func.json_each(selected).table_valued("value", joins_implicitly=True)
    return values, cast(values.c.value, Integer)


def _by_group(key, rows, label: str):
    """Fold (key, grp, n) rows into key, total, upper and lower counts."""
    upper, lower = rows.c.grp == UPPER, rows.c.grp == LOWER
    return (select(key.label("key"), func.sum(rows.c.n).label(label),
                   func.sum(case((upper, rows.c.n), else_=0)).label(f"upper_{label}"),
                   func.sum(case((lower, rows.c.n), else_=0)).label(f"lower_{label}"))
            .group_by(key)).subquery(label)


def option_statistics(course_id: int, attempt_conditions: Sequence[ColumnElement[bool]] = (),
                      question_id: int | None = None) -> Mapping[int, tuple[OptionStat, ...]]:
    """Pick counts per option, overall and in the upper and lower groups, keyed by question id.

    One statement whatever the data: how often each version was shown and how often each option
    was picked (the JSON `selected` arrays expanded by the database), per group. Options of every
    version that was shown are listed, current version first, in their authored order. Give
    `question_id` for one question's options only (a detail page): the answers are then read
    through the index on the version instead of all of them.
    """
    grouped = _ranked_attempts(course_id, attempt_conditions)
    answers = (select(grouped.c.grp, AttemptQuestion.question_version_id, AttemptQuestion.selected)
               .join(AttemptQuestion, AttemptQuestion.attempt_id == grouped.c.attempt_id))
    if question_id is not None:
        answers = answers.where(AttemptQuestion.question_version_id.in_(
            select(QuestionVersion.id).where(QuestionVersion.question_id == question_id)))
    answers = answers.subquery("answers")
    version_rows = (select(answers.c.question_version_id.label("key"), answers.c.grp, func.count().label("n"))
                    .group_by(answers.c.question_version_id, answers.c.grp)).subquery("version_rows")
    shown = _by_group(version_rows.c.key, version_rows, "shown")
    values, option_id = _picked_option_ids(db.session.get_bind().dialect.name, answers.c.selected)
    pick_rows = (select(option_id.label("key"), answers.c.grp, func.count().label("n"))
                 .select_from(answers).join(values, values.c.value.is_not(None))
                 .group_by(option_id, answers.c.grp)).subquery("pick_rows")
    picks = _by_group(pick_rows.c.key, pick_rows, "picks")
    rows = db.session.execute(
        select(QuestionVersion.question_id, QuestionVersion.number, QuestionVersion.is_current, Option.id,
               Option.position, Option.text, Option.is_correct, shown.c.shown, shown.c.upper_shown,
               shown.c.lower_shown, picks.c.picks, picks.c.upper_picks, picks.c.lower_picks)
        .select_from(shown)
        .join(QuestionVersion, QuestionVersion.id == shown.c.key)
        .join(Option, Option.version_id == QuestionVersion.id)
        .outerjoin(picks, picks.c.key == Option.id)
        .order_by(QuestionVersion.question_id, QuestionVersion.is_current.desc(), QuestionVersion.number.desc(),
                  Option.position)
    )
    result: dict[int, list[OptionStat]] = {}
    for (qid, number, is_current, oid, position, text, is_correct, n_shown, n_upper, n_lower,
         n_picks, n_upper_picks, n_lower_picks) in rows:
        result.setdefault(qid, []).append(OptionStat(
            qid, number, bool(is_current), oid, position, text, bool(is_correct), int(n_shown),
            int(n_picks or 0), int(n_upper or 0), int(n_upper_picks or 0), int(n_lower or 0),
            int(n_lower_picks or 0)))
    return MappingProxyType({qid: tuple(options) for qid, options in result.items()})


def attempts_counted(course_id: int, attempt_conditions: Sequence[ColumnElement[bool]] = ()) -> int:
    """How many finished attempts the statistics above are based on."""
    stmt = restrict(select(func.count()).select_from(Attempt), Attempt.user_id, attempt_conditions)
    return db.session.scalar(stmt.where(*finished_attempts(course_id))) or 0
