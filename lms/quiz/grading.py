"""Question types and how each is graded; scores as exact fractions.

A type registers itself in REGISTRY with the input it needs (one choice or several) and its
grade(); a new type is a new class here, not a branch elsewhere.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"


@dataclass(frozen=True)
class QuestionType:
    """Base type: one option is picked; full credit when it is the correct one."""

    name: str
    multiple_answers: bool = False

    def grade(self, options: frozenset[int], correct: frozenset[int], selected: frozenset[int],
              policy: str = ALL_OR_NOTHING) -> Fraction:
        """Credit between 0 and 1; options outside the question are ignored."""
        selected = selected & options
        return Fraction(1) if len(selected) == 1 and selected == correct else Fraction(0)


@dataclass(frozen=True)
class MultipleChoice(QuestionType):
    """Select all that apply: exact set for full credit, or partial credit by course setting.

    Partial credit: the share of correct options picked, minus the share of wrong options picked,
    never below zero. Picking everything therefore earns nothing.
    """

    multiple_answers: bool = True

    def grade(self, options: frozenset[int], correct: frozenset[int], selected: frozenset[int],
              policy: str = ALL_OR_NOTHING) -> Fraction:
        selected = selected & options
        if policy != PARTIAL:
            return Fraction(1) if selected == correct else Fraction(0)
        wrong = options - correct
        hits = Fraction(len(selected & correct), len(correct)) if correct else Fraction(0)
        misses = Fraction(len(selected & wrong), len(wrong)) if wrong else Fraction(0)
        return max(Fraction(0), hits - misses)


REGISTRY: dict[str, QuestionType] = {
    "single": QuestionType("single"),
    "true_false": QuestionType("true_false"),
    "multiple": MultipleChoice("multiple"),
}


def question_type(name: str) -> QuestionType:
    return REGISTRY[name]


def percent(credits: Iterable[Fraction], count: int) -> Fraction:
    """Score in percent of the drawn set: the maximum is fixed by how many questions were drawn."""
    if count <= 0:
        return Fraction(0)
    return sum(credits, Fraction(0)) * 100 / count


def passes(score: Fraction, pass_mark: int) -> bool:
    return score >= pass_mark


def basis_points(score: Fraction) -> int:
    """Hundredths of a percent, rounded half up: 83.333… % -> 8333."""
    return int(score * 100 + Fraction(1, 2))
