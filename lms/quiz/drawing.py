"""Drawing a quiz from a course's pool: every blueprint group covered, seeded, nothing repeated.

Pure functions over plain data; the caller supplies `random.Random(seed)` and stores the seed.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolQuestion:
    """A question that may be drawn: its current version, the clauses it tests and its options."""

    question_id: int
    version_id: int
    clauses: frozenset[str]
    options: tuple[tuple[int, bool], ...]  # (option id, pinned) in authored order


@dataclass(frozen=True)
class DrawnQuestion:
    question: PoolQuestion
    group: int
    option_order: tuple[int, ...]


class DrawError(ValueError):
    """The pool cannot satisfy the blueprint (a content problem, reported before anyone starts)."""


def shuffle_options(options: Sequence[tuple[int, bool]], rng: random.Random) -> tuple[int, ...]:
    """Shuffle option ids; pinned options keep their authored position (e.g. "Tất cả các đáp án trên")."""
    free = [option_id for option_id, pinned in options if not pinned]
    rng.shuffle(free)
    loose = iter(free)
    return tuple(option_id if pinned else next(loose) for option_id, pinned in options)


def draw(pool: Sequence[PoolQuestion], blueprint: Sequence[tuple[Sequence[str], int]],
         rng: random.Random, avoid: frozenset[int] = frozenset()) -> list[DrawnQuestion]:
    """Draw `count` questions for each blueprint group (questions citing any of its clauses).

    Questions in `avoid` (seen in the person's previous attempt) are used only when the group's
    other questions run out. A question is drawn at most once even when it cites clauses of two
    groups; groups with the smallest pools choose first so that sharing cannot starve them. The
    result keeps blueprint order (the order of the directive) and is the same for the same seed.
    """
    ordered_pool = sorted(pool, key=lambda q: q.question_id)
    candidates = [[q for q in ordered_pool if q.clauses & set(clauses)] for clauses, _count in blueprint]
    taken: set[int] = set()
    chosen: dict[int, list[PoolQuestion]] = {}
    for group in sorted(range(len(blueprint)), key=lambda g: (len(candidates[g]), g)):
        count = blueprint[group][1]
        available = [q for q in candidates[group] if q.question_id not in taken]
        fresh = [q for q in available if q.question_id not in avoid]
        seen = [q for q in available if q.question_id in avoid]
        if len(available) < count:
            raise DrawError(f"blueprint group {group + 1} needs {count} questions, pool has {len(available)}")
        if len(fresh) >= count:
            picked = rng.sample(fresh, count)
        else:
            picked = fresh + rng.sample(seen, count - len(fresh))
        rng.shuffle(picked)
        chosen[group] = picked
        taken.update(q.question_id for q in picked)
    return [DrawnQuestion(q, group, shuffle_options(q.options, rng))
            for group in range(len(blueprint)) for q in chosen[group]]
