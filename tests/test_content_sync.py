"""`content sync`: idempotent upserts, edits become new question versions, removals are retired."""
import copy

from sqlalchemy import func, select

from lms.content.importer import sync_course
from lms.content.loader import load_course
from lms.extensions import db
from lms.models import Clause, Course, Lesson, Option, Question, QuestionVersion
from tests.conftest import BANK, COURSE_KEY


def _spec():
    spec, problems = load_course(BANK / COURSE_KEY)
    assert not problems
    return spec


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_first_sync_loads_everything(ctx):
    spec = _spec()
    report = sync_course(spec)
    db.session.commit()
    assert report.created == {"clauses": 9, "lessons": 9, "questions": len(spec.questions)}
    assert _count(Course) == 1 and _count(Clause) == 9 and _count(Lesson) == 9
    assert _count(QuestionVersion) == len(spec.questions)
    course = db.session.scalar(select(Course))
    assert [b.count for b in course.blueprint] and course.pass_mark == spec.pass_mark
    assert course.commitment_required and course.directive["signatory"]["name"] == "Nguyễn Khánh Toàn"


def test_second_sync_changes_nothing(ctx):
    sync_course(_spec())
    db.session.commit()
    counts = [_count(m) for m in (Clause, Lesson, Question, QuestionVersion, Option)]
    report = sync_course(_spec())
    db.session.commit()
    assert not report.changed, report.summary()
    assert [_count(m) for m in (Clause, Lesson, Question, QuestionVersion, Option)] == counts


def test_an_edited_question_becomes_a_new_version_and_the_old_one_stays(ctx):
    spec = _spec()
    sync_course(spec)
    db.session.commit()
    question = spec.questions[0]
    old = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == question.key))
    old_id, old_text = old.id, old.text
    old_options = [(o.text, o.is_correct) for o in old.options]

    edited = copy.deepcopy(spec)
    edited.questions[0].text = question.text + " (sửa)"
    report = sync_course(edited)
    db.session.commit()
    assert report.new_versions == 1
    versions = db.session.scalars(
        select(QuestionVersion).join(Question).where(Question.key == question.key).order_by(QuestionVersion.number)
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert [v.is_current for v in versions] == [False, True]
    assert versions[0].id == old_id and versions[0].text == old_text
    assert [(o.text, o.is_correct) for o in versions[0].options] == old_options
    assert versions[1].text.endswith("(sửa)")


def test_changing_the_correct_answer_is_a_new_version(ctx):
    spec = _spec()
    sync_course(spec)
    question = next(q for q in spec.questions if q.type == "true_false")
    edited = copy.deepcopy(spec)
    target = next(q for q in edited.questions if q.key == question.key)
    target.options[0].correct, target.options[1].correct = target.options[1].correct, target.options[0].correct
    assert sync_course(edited).new_versions == 1


def test_undoing_an_edit_makes_the_earlier_version_current_again(ctx):
    spec = _spec()
    sync_course(spec)
    edited = copy.deepcopy(spec)
    edited.questions[0].explanation += " Bổ sung."
    sync_course(edited)
    report = sync_course(spec)
    db.session.commit()
    assert report.new_versions == 0
    versions = db.session.scalars(
        select(QuestionVersion).join(Question).where(Question.key == spec.questions[0].key)
        .order_by(QuestionVersion.number)
    ).all()
    assert [v.is_current for v in versions] == [True, False]


def test_removed_content_is_retired_never_deleted(ctx):
    spec = _spec()
    sync_course(spec)
    db.session.commit()
    removed_key = spec.questions[-1].key
    smaller = copy.deepcopy(spec)
    smaller.questions = smaller.questions[:-1]
    smaller.lessons = smaller.lessons[:-1]
    report = sync_course(smaller)
    db.session.commit()
    assert report.retired == {"clauses": 0, "lessons": 1, "questions": 1}
    question = db.session.scalar(select(Question).where(Question.key == removed_key))
    assert question is not None and question.retired_at is not None
    assert _count(Lesson) == 9
    # Putting it back brings it back to life, with the same version.
    report = sync_course(spec)
    db.session.commit()
    assert question.retired_at is None and report.new_versions == 0


def test_a_lesson_edit_updates_in_place(ctx):
    spec = _spec()
    sync_course(spec)
    edited = copy.deepcopy(spec)
    edited.lessons[0].body += "\n\nThêm một đoạn."
    report = sync_course(edited)
    db.session.commit()
    assert report.updated["lessons"] == 1
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == spec.lessons[0].key))
    assert lesson.body_md.endswith("Thêm một đoạn.")
    assert lesson.body_hash == edited.lessons[0].body_hash


def test_sync_cli_refuses_a_broken_bank_and_loads_a_good_one(ctx, tmp_path):
    import shutil

    runner = ctx.test_cli_runner()
    good = runner.invoke(args=["content", "sync", str(BANK)])
    assert good.exit_code == 0, good.output
    assert "9 clauses created" in good.output
    again = runner.invoke(args=["content", "sync", str(BANK)])
    assert "no changes" in again.output

    broken = tmp_path / COURSE_KEY
    shutil.copytree(BANK / COURSE_KEY, broken)
    (broken / "questions/1a.yaml").write_text("- key: x\n  type: single\n", encoding="utf-8")
    result = runner.invoke(args=["content", "sync", str(broken)])
    assert result.exit_code == 1
    assert "not loaded" in result.output


def test_check_cli_prints_file_line_problem_and_exits_non_zero(ctx, tmp_path):
    import shutil

    runner = ctx.test_cli_runner()
    ok = runner.invoke(args=["content", "check"])
    assert ok.exit_code == 0 and "OK" in ok.output
    broken = tmp_path / COURSE_KEY
    shutil.copytree(BANK / COURSE_KEY, broken)
    with open(broken / "questions/1c.yaml", "a", encoding="utf-8") as handle:
        handle.write("- key: 1c-x\n  type: single\n  clauses: [1c]\n  text: Hỏi?\n  explanation: Mục 1.c.\n")
    result = runner.invoke(args=["content", "check", str(broken)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "1c.yaml:" in line]
    assert lines and all(line.split(":")[1].isdigit() for line in lines)
    assert any("at least two options" in line for line in lines)
