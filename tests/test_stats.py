"""Item analysis and clause mastery checked against the hand-worked data set of tests/stats_data.py."""
import pytest
from sqlalchemy import event

from lms.extensions import db
from lms.models import Attempt, Unit, User
from lms.stats import Tally, clause_mastery, option_statistics, question_statistics, roll_up
from lms.stats.mastery import UnitNode, leaf_sums
from lms.stats.questions import attempts_counted, flags_for
from tests.stats_data import build


@pytest.fixture
def data(ctx):
    return build()


def by_key(stats):
    return {s.key: s for s in stats}


def test_facility_and_discrimination_by_hand(data):
    # 10 finished attempts ranked by score: A1 best ... A10 worst. Group size round(27% of 10) = 3:
    # upper = A1, A2, A3; lower = A8, A9, A10. The open attempt of A10 counts nowhere.
    stats = by_key(question_statistics(data.course.id, min_uses=5))
    assert list(stats) == ["q1", "q2", "q3", "q4"]  # bank order; q5 is retired and was never drawn

    q1 = stats["q1"]  # both wordings count as one question, shown with the current wording
    assert q1.text == "Q1 current wording"
    # credits 1,1,1,1,1,0.5,1,1,1,1 -> 9.5 / 10
    assert q1.uses == 10 and q1.facility == pytest.approx(0.95)
    # upper (1+1+1)/3 = 1, lower (1+1+1)/3 = 1 -> D = 0
    assert q1.discrimination == pytest.approx(0.0)
    assert q1.flags == ("too_easy", "poor_discrimination") and q1.severity == 1

    q2 = stats["q2"]
    # credits 0,0,1,1,1,0,1,1,1,1 -> 7 / 10
    assert q2.uses == 10 and q2.facility == pytest.approx(0.7)
    # upper (0+0+1)/3 = 1/3, lower (1+1+1)/3 = 1 -> D = -2/3: the weak do better than the strong
    assert q2.discrimination == pytest.approx(-2 / 3)
    assert q2.flags == ("negative_discrimination",) and q2.severity == 2

    q3 = stats["q3"]
    # drawn by 8 attempts (not A3, A9): 1,1,1,0,1,0,0,0.5 -> 4.5 / 8
    assert (q3.uses, q3.upper_uses, q3.lower_uses) == (8, 2, 2)
    assert q3.facility == pytest.approx(0.5625)
    # upper drawn by A1, A2: (1+1)/2 = 1; lower drawn by A8, A10: (0+0.5)/2 = 0.25 -> D = 0.75
    assert q3.discrimination == pytest.approx(0.75)
    assert q3.flags == () and q3.severity == 0

    q4 = stats["q4"]
    assert (q4.uses, q4.facility, q4.discrimination, q4.flags) == (0, None, None, ("too_few_answers",))


def test_too_few_answers_silences_every_other_flag(data):
    stats = by_key(question_statistics(data.course.id))  # default minimum: 20 answers
    assert all(s.flags == ("too_few_answers",) and s.too_few_answers for s in stats.values())
    assert stats["q2"].discrimination == pytest.approx(-2 / 3)  # the figures are still there
    stats = by_key(question_statistics(data.course.id, min_uses=9))
    assert stats["q3"].flags == ("too_few_answers",)  # 8 uses
    assert stats["q2"].flags == ("negative_discrimination",)


def test_conditions_restrict_the_attempts_and_may_name_units(data):
    # Only people of U1 and below: A1, A2 (U1) and A3 (U1a). Group size round(0.81) = 1:
    # upper = A1, lower = A3.
    u1 = data.units["U1"]
    stats = by_key(question_statistics(data.course.id, [Unit.path.startswith(u1.path)], min_uses=1))
    assert stats["q1"].uses == 3 and stats["q1"].discrimination == pytest.approx(0)  # 1 - 1
    assert stats["q2"].facility == pytest.approx(1 / 3)  # 0,0,1
    assert stats["q2"].discrimination == pytest.approx(-1)  # 0 - 1
    # q3 was drawn by A1 and A2 only: nobody of the lower group saw it, so D is unknown
    assert (stats["q3"].uses, stats["q3"].facility, stats["q3"].discrimination) == (2, 1.0, None)
    assert attempts_counted(data.course.id, [Unit.path.startswith(u1.path)]) == 3
    # A plain condition on Attempt: the five best attempts (A1..A5), group size round(1.35) = 1.
    best = [data.attempts[n].id for n in ("A1", "A2", "A3", "A4", "A5")]
    stats = by_key(question_statistics(data.course.id, [Attempt.id.in_(best)], min_uses=1))
    # q3 drawn by A1, A2, A4, A5: (1+1+1+0)/4; upper A1 = 1, lower A5 = 0 -> D = 1
    assert (stats["q3"].uses, stats["q3"].facility, stats["q3"].discrimination) == (4, 0.75, 1.0)
    assert attempts_counted(data.course.id) == 10


def test_the_statistics_are_one_statement(data):
    course_id = data.course.id
    statements = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        question_statistics(course_id)
        assert len(statements) == 1, statements
        statements.clear()
        option_statistics(course_id)
        assert len(statements) == 1, statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_option_picks_by_group(data):
    options = option_statistics(data.course.id)
    right, wrong = options[data.questions["q2"].id]
    assert (right.option_id, wrong.option_id) == (data.options["q2_right"].id, data.options["q2_wrong"].id)
    # Shown to all ten; upper A1..A3, lower A8..A10. A2 left it unanswered (no pick).
    assert (right.shown, right.upper_shown, right.lower_shown) == (10, 3, 3)
    assert (right.picks, right.upper_picks, right.lower_picks) == (7, 1, 3)  # A3..A5, A7..A10
    assert (wrong.picks, wrong.upper_picks, wrong.lower_picks) == (2, 1, 0)  # A1 and A6
    assert wrong.misleading and not right.misleading
    q1 = options[data.questions["q1"].id]
    assert [(o.version_number, o.is_current) for o in q1] == [(2, True), (2, True), (1, False), (1, False)]
    assert [o.picks for o in q1] == [4, 0, 5, 0]  # A6 had partial credit stored without a pick
    assert data.questions["q4"].id not in options  # never shown
    only_q2 = option_statistics(data.course.id, question_id=data.questions["q2"].id)
    assert list(only_q2) == [data.questions["q2"].id] and only_q2[data.questions["q2"].id] == (right, wrong)


@pytest.mark.parametrize(("uses", "facility", "d", "flags"), [
    (20, 0.9, 0.2, ()),  # the thresholds themselves are fine
    (20, 0.91, 0.5, ("too_easy",)),
    (20, 0.29, 0.5, ("too_hard",)),
    (20, 0.5, 0.19, ("poor_discrimination",)),
    (20, 0.5, -0.01, ("negative_discrimination",)),
    (20, 0.5, None, ()),
    (19, 0.1, -1.0, ("too_few_answers",)),
])
def test_flag_thresholds(uses, facility, d, flags):
    assert flags_for(uses, facility, d) == flags


def test_mastery_rolls_leaf_units_up_to_the_departments_units(data):
    # clause A = q1 + q3, clause B = q2 + q3 (q3 cites both). By unit:
    #   U1  (A1, A2): A = (1+1) + (1+1) = 4/4,     B = (0+0) + (1+1) = 2/4
    #   U1a (A3):     A = 1/1,                     B = 1/1
    #   U2  (A4, A5, A9): A = 3 + (1+0) = 4/5,     B = 3 + (1+0) = 4/5
    #   D   (A6, A7, A8): A = 2.5 + 1 = 3.5/6,     B = 2 + 1 = 3/6
    # A10 has no unit and is left out.
    table = clause_mastery(data.course.id)
    assert [c.key for c in table.clauses] == ["1a", "1b-1"]  # the retired clause has no answers
    rows = {(row.name, row.own_only): row for row in table.rows}
    assert list(rows) == [("Sở thử nghiệm", True), ("Phòng Hai", False), ("Phòng Một", False),
                          ("Phòng Ba (chưa ai làm bài)", False)]  # the retired unit has no answers
    percents = {key: tuple(c.percent for c in row.cells) for key, row in rows.items()}
    assert percents[("Sở thử nghiệm", True)] == pytest.approx((3.5 / 6 * 100, 50.0))
    assert percents[("Phòng Một", False)] == pytest.approx((100.0, 60.0))  # U1 + U1a: 5/5, 3/5
    assert percents[("Phòng Hai", False)] == pytest.approx((80.0, 80.0))
    assert percents[("Phòng Ba (chưa ai làm bài)", False)] == (None, None)
    # answers per clause: A = q1 (10) + q3 (8) = 18, B = q2 (10) + q3 (8) = 18; minus A10's 2 and 2
    assert [t.count for t in table.column_totals()] == [16, 16]


def test_mastery_of_one_units_children(data):
    table = clause_mastery(data.course.id, parent_unit_id=data.units["U1"].id)
    assert [(r.name, r.own_only, [c.percent for c in r.cells]) for r in table.rows] == [
        ("Phòng Một", True, [100.0, 50.0]),
        ("Chi nhánh Một A", False, [100.0, 100.0]),
    ]
    branch = clause_mastery(data.course.id, parent_unit_id=data.units["U1a"].id)
    assert [r.own_only for r in branch.rows] == [True]
    with pytest.raises(LookupError):
        clause_mastery(data.course.id, parent_unit_id=999_999)


def test_mastery_with_conditions_and_without_answers(data):
    only_a1 = clause_mastery(data.course.id, [Attempt.user_id == data.users["A1"].id])
    # no row for the department's own staff, who have no answers here; U2, U1, U3 in unit order
    assert [r.total.count for r in only_a1.rows] == [0, 4, 0]
    # People of U1 and below only (a condition on units, answered by a subquery on staff)
    subtree = clause_mastery(data.course.id, [Unit.path.startswith(data.units["U1"].path)])
    assert [(r.name, [c.percent for c in r.cells]) for r in subtree.rows if r.total.count] == [
        ("Phòng Một", [100.0, 60.0])]
    # A condition tying attempts to people's columns is applied with users joined
    assert attempts_counted(data.course.id, [Attempt.finished_at < User.created_at]) == 10
    assert attempts_counted(data.course.id, [Attempt.finished_at > User.created_at]) == 0
    nothing = clause_mastery(data.course.id, [Attempt.id < 0])
    assert nothing.empty and all(c.percent is None for r in nothing.rows for c in r.cells)


def test_leaf_sums_are_grouped_by_the_persons_unit(data):
    leaves = leaf_sums(data.course.id)
    u1a, clause_a = data.units["U1a"].id, data.clauses["A"].id
    assert leaves[(u1a, clause_a)] == Tally(1.0, 1)
    assert len(leaves) == 4 * 2  # four units with people who answered, two clauses


def test_roll_up_is_by_path_prefix():
    units = [UnitNode(1, "Sở", "/1/"), UnitNode(2, "Phòng", "/1/2/", 1), UnitNode(3, "Chi nhánh", "/1/2/3/", 2),
             UnitNode(4, "Trung tâm", "/1/4/", 1), UnitNode(12, "Phòng 12", "/1/12/", 1)]
    leaves = {(3, 7): Tally(2.0, 4), (2, 7): Tally(1.0, 1), (4, 7): Tally(0.0, 2), (1, 7): Tally(3.0, 3),
              (12, 7): Tally(1.0, 1), (99, 7): Tally(5.0, 5)}  # 99: a unit outside the tree is dropped
    rows = roll_up(leaves, units, [units[1], units[3], units[4]], [7], own_row_for=units[0])
    assert [(r.unit_id, r.own_only, r.cells[0]) for r in rows] == [
        (1, True, Tally(3.0, 3)), (2, False, Tally(3.0, 5)), (4, False, Tally(0.0, 2)), (12, False, Tally(1.0, 1))]
    # "/1/12/" must not be taken for a child of "/1/" + "1"…: matching is by whole path segments
    assert roll_up(leaves, units, [units[1]], [7])[0].cells[0] == Tally(3.0, 5)
