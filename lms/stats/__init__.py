"""Statistics for the dashboards: item analysis, clause mastery by unit, progress over time (SQL aggregates)."""
from lms.stats.mastery import (
    ClauseColumn,
    MasteryRow,
    MasteryTable,
    Tally,
    UnitNode,
    clause_mastery,
    leaf_sums,
    roll_up,
)
from lms.stats.progress import ProgressPoint, completion_progress
from lms.stats.questions import (
    MIN_USES,
    OptionStat,
    QuestionStat,
    attempts_counted,
    flags_for,
    option_statistics,
    question_statistics,
)

__all__ = [
    "MIN_USES", "ClauseColumn", "MasteryRow", "MasteryTable", "OptionStat", "ProgressPoint", "QuestionStat",
    "Tally", "UnitNode", "attempts_counted", "clause_mastery", "completion_progress", "flags_for", "leaf_sums",
    "option_statistics", "question_statistics", "roll_up",
]
