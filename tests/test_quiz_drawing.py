"""Drawing: every blueprint group covered, no duplicates, reproducible by seed, fair over the pool."""
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.quiz.drawing import DrawError, PoolQuestion, draw, shuffle_options

CLAUSES = ["basis", "1a", "1b-1", "1b-2", "1c"]


def make_pool(sizes: dict[str, int], shared: int = 0) -> list[PoolQuestion]:
    pool, next_id = [], 1
    for clause, size in sizes.items():
        for _ in range(size):
            options = tuple((next_id * 10 + i, i == 3) for i in range(4))
            pool.append(PoolQuestion(next_id, next_id + 1000, frozenset({clause}), options))
            next_id += 1
    for i in range(shared):  # questions citing two clauses
        a, b = CLAUSES[i % len(CLAUSES)], CLAUSES[(i + 1) % len(CLAUSES)]
        options = ((next_id * 10, False), (next_id * 10 + 1, False))
        pool.append(PoolQuestion(next_id, next_id + 1000, frozenset({a, b}), options))
        next_id += 1
    return pool


pools = st.fixed_dictionaries({c: st.integers(min_value=3, max_value=12) for c in CLAUSES})
blueprints = st.lists(st.integers(min_value=1, max_value=3), min_size=len(CLAUSES), max_size=len(CLAUSES))


@settings(max_examples=200, deadline=None)
@given(pools, blueprints, st.integers(min_value=0, max_value=2**62), st.integers(min_value=0, max_value=4))
def test_every_group_gets_its_count_without_duplicates(sizes, counts, seed, shared):
    pool = make_pool(sizes, shared)
    blueprint = [([c], n) for c, n in zip(CLAUSES, counts, strict=True)]
    drawn = draw(pool, blueprint, random.Random(seed))
    ids = [d.question.question_id for d in drawn]
    assert len(ids) == len(set(ids)) == sum(counts)
    per_group = Counter(d.group for d in drawn)
    assert [per_group[g] for g in range(len(blueprint))] == counts
    for d in drawn:
        assert set(blueprint[d.group][0]) & d.question.clauses


@settings(max_examples=100, deadline=None)
@given(pools, blueprints, st.integers(min_value=0, max_value=2**62))
def test_same_seed_same_quiz(sizes, counts, seed):
    pool = make_pool(sizes, 2)
    blueprint = [([c], n) for c, n in zip(CLAUSES, counts, strict=True)]
    first = draw(pool, blueprint, random.Random(seed))
    again = draw(list(reversed(pool)), blueprint, random.Random(seed))  # pool order does not matter
    assert first == again


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2**62))
def test_options_keep_pinned_places(seed):
    options = ((1, False), (2, False), (3, False), (4, True), (5, False))
    order = shuffle_options(options, random.Random(seed))
    assert sorted(order) == [1, 2, 3, 4, 5]
    assert order[3] == 4


def test_option_order_varies():
    options = tuple((i, False) for i in range(4))
    assert len({shuffle_options(options, random.Random(s)) for s in range(50)}) > 10


@settings(max_examples=100, deadline=None)
@given(pools, st.integers(min_value=0, max_value=2**62))
def test_previous_questions_are_avoided_while_the_pool_allows(sizes, seed):
    pool = make_pool(sizes)
    blueprint = [([c], 2) for c in CLAUSES]
    first = draw(pool, blueprint, random.Random(seed))
    seen = frozenset(d.question.question_id for d in first)
    second = draw(pool, blueprint, random.Random(seed + 1), avoid=seen)
    for group, clause in enumerate(CLAUSES):
        fresh_available = sizes[clause] - 2
        repeats = sum(1 for d in second if d.group == group and d.question.question_id in seen)
        assert repeats == max(0, 2 - fresh_available)


def test_use_of_the_pool_is_roughly_uniform():
    pool = make_pool({"basis": 10, "1a": 5})
    blueprint = [(["basis"], 2), (["1a"], 1)]
    counts = Counter()
    runs = 4000
    for seed in range(runs):
        for d in draw(pool, blueprint, random.Random(seed)):
            counts[d.question.question_id] += 1
    basis = [counts[q.question_id] for q in pool if "basis" in q.clauses]
    one_a = [counts[q.question_id] for q in pool if "1a" in q.clauses]
    # Expected 800 draws per basis question (2/10 of 4000), 800 per 1a question (1/5 of 4000).
    assert all(680 < n < 920 for n in basis + one_a), (basis, one_a)


def test_a_pool_too_small_is_an_error():
    with pytest.raises(DrawError):
        draw(make_pool({"basis": 1}), [(["basis"], 2)], random.Random(1))


def test_a_shared_question_is_not_drawn_twice_and_small_groups_choose_first():
    pool = [PoolQuestion(1, 11, frozenset({"a", "b"}), ((1, False), (2, False))),
            PoolQuestion(2, 12, frozenset({"a"}), ((3, False), (4, False))),
            PoolQuestion(3, 13, frozenset({"a"}), ((5, False), (6, False)))]
    for seed in range(50):
        drawn = draw(pool, [(["a"], 2), (["b"], 1)], random.Random(seed))
        assert [d.question.question_id for d in drawn if d.group == 1] == [1]
        assert sorted(d.question.question_id for d in drawn if d.group == 0) == [2, 3]
