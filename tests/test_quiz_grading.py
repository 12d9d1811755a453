"""Grading: each question type, all-or-nothing and partial credit, exact scores and pass marks."""
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from lms.quiz import grading
from lms.quiz.grading import ALL_OR_NOTHING, PARTIAL, REGISTRY

OPTIONS = frozenset({1, 2, 3, 4})


def test_registry_has_the_three_types():
    assert set(REGISTRY) == {"single", "multiple", "true_false"}
    assert REGISTRY["multiple"].multiple_answers and not REGISTRY["single"].multiple_answers


def test_single_choice():
    single = REGISTRY["single"]
    assert single.grade(OPTIONS, frozenset({2}), frozenset({2})) == 1
    assert single.grade(OPTIONS, frozenset({2}), frozenset({3})) == 0
    assert single.grade(OPTIONS, frozenset({2}), frozenset()) == 0
    assert single.grade(OPTIONS, frozenset({2}), frozenset({2, 3})) == 0  # two picks are never right


def test_true_false():
    tf = REGISTRY["true_false"]
    assert tf.grade(frozenset({7, 8}), frozenset({8}), frozenset({8})) == 1
    assert tf.grade(frozenset({7, 8}), frozenset({8}), frozenset({7})) == 0


def test_multiple_all_or_nothing():
    multiple = REGISTRY["multiple"]
    correct = frozenset({1, 3})
    assert multiple.grade(OPTIONS, correct, frozenset({1, 3}), ALL_OR_NOTHING) == 1
    assert multiple.grade(OPTIONS, correct, frozenset({1}), ALL_OR_NOTHING) == 0
    assert multiple.grade(OPTIONS, correct, frozenset({1, 3, 4}), ALL_OR_NOTHING) == 0


def test_multiple_partial():
    multiple = REGISTRY["multiple"]
    correct = frozenset({1, 3})
    assert multiple.grade(OPTIONS, correct, frozenset({1, 3}), PARTIAL) == 1
    assert multiple.grade(OPTIONS, correct, frozenset({1}), PARTIAL) == Fraction(1, 2)
    assert multiple.grade(OPTIONS, correct, frozenset({1, 4}), PARTIAL) == 0
    assert multiple.grade(OPTIONS, correct, OPTIONS, PARTIAL) == 0  # ticking everything earns nothing


def test_options_outside_the_question_are_ignored():
    assert REGISTRY["single"].grade(OPTIONS, frozenset({2}), frozenset({2, 99})) == 1
    assert REGISTRY["multiple"].grade(OPTIONS, frozenset({1, 3}), frozenset({1, 3, 99}), ALL_OR_NOTHING) == 1


subsets = st.frozensets(st.sampled_from(sorted(OPTIONS)))


@given(subsets.filter(bool), subsets, st.sampled_from([ALL_OR_NOTHING, PARTIAL]))
def test_credit_is_between_zero_and_one_and_full_only_for_the_exact_set(correct, selected, policy):
    credit = REGISTRY["multiple"].grade(OPTIONS, correct, selected, policy)
    assert 0 <= credit <= 1
    assert (credit == 1) == (selected == correct)


@given(subsets.filter(bool), subsets, st.sampled_from(sorted(OPTIONS)))
def test_partial_credit_never_drops_when_a_correct_option_is_added(correct, selected, extra):
    multiple = REGISTRY["multiple"]
    before = multiple.grade(OPTIONS, correct, selected, PARTIAL)
    after = multiple.grade(OPTIONS, correct, selected | {extra}, PARTIAL)
    assert after >= before if extra in correct else after <= before


@given(st.lists(st.sampled_from([Fraction(0), Fraction(1), Fraction(1, 2), Fraction(1, 3)]), min_size=1, max_size=15))
def test_score_is_the_share_of_credit(credits):
    score = grading.percent(credits, len(credits))
    assert 0 <= score <= 100
    assert score == sum(credits) * 100 / len(credits)


def test_pass_mark_is_exact():
    ten_of_twelve = grading.percent([Fraction(1)] * 10 + [Fraction(0)] * 2, 12)
    nine_of_twelve = grading.percent([Fraction(1)] * 9 + [Fraction(0)] * 3, 12)
    assert grading.passes(ten_of_twelve, 80) and not grading.passes(nine_of_twelve, 80)
    assert grading.passes(grading.percent([Fraction(1)] * 4 + [Fraction(0)], 5), 80)  # exactly 80 passes
    assert grading.basis_points(ten_of_twelve) == 8333
    assert grading.basis_points(Fraction(200, 3)) == 6667


def test_missing_answers_score_zero_and_the_maximum_is_the_drawn_set():
    assert grading.percent([Fraction(1)], 12) == Fraction(100, 12)
