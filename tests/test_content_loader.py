"""The loader reports every problem of a broken bank at its file and line; `content check` prints them."""
import shutil
import textwrap
from pathlib import Path

import pytest

from lms.content.loader import load_course
from tests.conftest import BANK, COURSE_KEY


@pytest.fixture
def bank(tmp_path) -> Path:
    """A private copy of the shipped course to break."""
    target = tmp_path / COURSE_KEY
    shutil.copytree(BANK / COURSE_KEY, target)
    return target


def _append(path: Path, text: str) -> int:
    """Append YAML text; return the line number where it starts."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + textwrap.dedent(text), encoding="utf-8")
    return before.count("\n") + 1


def _problems(bank: Path) -> list[str]:
    _spec, problems = load_course(bank)
    return [str(p) for p in problems]


def _only(problems: list[str], expected_file: str, line: int, fragment: str) -> None:
    matching = [p for p in problems if p.split(":")[0].endswith(expected_file) and f":{line}:" in p and fragment in p]
    assert matching, problems


def test_the_shipped_bank_has_no_problem():
    assert _problems(BANK / COURSE_KEY) == []


def test_single_choice_with_two_correct_options(bank):
    start = _append(bank / "questions/1a.yaml", """\
        - key: 1a-broken
          type: single
          clauses: [1a]
          text: Một câu hỏi có hai đáp án đúng?
          options:
            - text: Thứ nhất
              correct: true
            - text: Thứ hai
              correct: true
          explanation: Mục 1.a.
        """)
    _only(_problems(bank), "questions/1a.yaml", start + 4, "exactly one correct option (has 2)")


def test_unknown_clause_and_unknown_key(bank):
    start = _append(bank / "questions/1c.yaml", """\
        - key: 1c-broken
          type: true_false
          clauses: [9z]
          text: Một câu nói về điều khoản không tồn tại.
          answer: true
          explanation: Không có.
          colour: red
        """)
    problems = _problems(bank)
    _only(problems, "questions/1c.yaml", start, "unknown clause '9z'")
    _only(problems, "questions/1c.yaml", start + 6, "unknown key 'colour'")


def test_missing_fields_and_wrong_types(bank):
    start = _append(bank / "questions/2-1.yaml", """\
        - key: 2-1-broken
          type: essay
          clauses: [2-1]
          text: ""
          options:
            - text: Chỉ một lựa chọn
          scenario: maybe
        """)
    problems = _problems(bank)
    _only(problems, "questions/2-1.yaml", start + 1, "'type' must be one of")
    _only(problems, "questions/2-1.yaml", start + 3, "'text' must not be empty")
    _only(problems, "questions/2-1.yaml", start + 4, "at least two options")
    _only(problems, "questions/2-1.yaml", start + 6, "'scenario' must be true or false")
    _only(problems, "questions/2-1.yaml", start, "missing 'explanation'")


def test_true_false_needs_a_boolean_answer(bank):
    start = _append(bank / "questions/basis.yaml", """\
        - key: basis-broken
          type: true_false
          clauses: [basis]
          text: Một nhận định.
          answer: có lẽ
          explanation: Phần mở đầu.
        """)
    _only(_problems(bank), "questions/basis.yaml", start + 4, "needs 'answer: true' or 'answer: false'")


def test_duplicate_key_text_and_option(bank):
    first = (bank / "questions/1b-1.yaml").read_text(encoding="utf-8")
    start = _append(bank / "questions/1b-2.yaml", """\
        - key: 1b-2-dup
          type: single
          clauses: [1b-2]
          text: Câu hỏi lặp lại?
          options:
            - text: Có
              correct: true
            - text: có
          explanation: Mục 1.b.
        - key: 1b-2-dup
          type: single
          clauses: [1b-2]
          text: Câu hỏi lặp lại?
          options:
            - text: Có
              correct: true
            - text: Không
          explanation: Mục 1.b.
        """)
    problems = _problems(bank)
    _only(problems, "questions/1b-2.yaml", start + 7, "duplicate option")
    _only(problems, "questions/1b-2.yaml", start + 9, "duplicate question key '1b-2-dup'")
    _only(problems, "questions/1b-2.yaml", start + 9, "same question text as '1b-2-dup'")
    assert first  # the other file is untouched


def test_invalid_yaml_is_reported_at_its_line(bank):
    path = bank / "questions/2-2.yaml"
    start = _append(path, "- key: 2-2-bad\n  text: [unclosed\n  type: single\n")
    problems = [p for p in _problems(bank) if "invalid YAML" in p]
    assert len(problems) == 1 and problems[0].split(":")[0].endswith("questions/2-2.yaml"), problems
    line = int(problems[0].split(":")[1])
    assert start <= line <= start + 3


def test_duplicate_yaml_key(bank):
    start = _append(bank / "questions/1b-4.yaml", """\
        - key: 1b-4-dupkey
          type: true_false
          clauses: [1b-4]
          text: Nhận định có khóa lặp.
          text: Lặp lại.
          answer: false
          explanation: Mục 1.b.
        """)
    _only(_problems(bank), "questions/1b-4.yaml", start + 4, "duplicate key 'text'")


def test_a_clause_without_lesson_and_with_too_few_questions(bank):
    start = _append(bank / "clauses.yaml", """\
        - id: 3
          label: "Mục 3"
          title: "Điều khoản mới"
          text: Nội dung mới.
        """)
    problems = _problems(bank)
    _only(problems, "clauses.yaml", start, "clause '3' has no lesson")
    _only(problems, "clauses.yaml", start, "clause '3' has 0 questions; at least 6")
    assert any("blueprint does not cover clause '3'" in p for p in problems)


def test_lesson_problems(bank):
    lesson = "---\nclause: nope\ntitle: \"\"\n---\nVăn bản <script>alert(1)</script>\n"
    (bank / "lessons/10-extra.md").write_text(lesson, encoding="utf-8")
    (bank / "lessons/11-nofront.md").write_text("Không có phần đầu.\n", encoding="utf-8")
    problems = _problems(bank)
    _only(problems, "lessons/10-extra.md", 2, "unknown clause 'nope'")
    _only(problems, "lessons/10-extra.md", 3, "'title' must not be empty")
    _only(problems, "lessons/10-extra.md", 5, "raw HTML is not allowed")
    _only(problems, "lessons/11-nofront.md", 1, "front matter")


def test_course_settings_problems(bank):
    path = bank / "course.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("pass_mark: 80", "pass_mark: 180").replace("review: always", "review: sometimes")
    text = text.replace("- clauses: [1c]\n      count: 1", "- clauses: [1c]\n      count: 60")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    problems = _problems(bank)
    pass_mark_line = next(i for i, line in enumerate(lines, 1) if "pass_mark" in line)
    _only(problems, "course.yaml", pass_mark_line, "between 1 and 100")
    _only(problems, "course.yaml", next(i for i, line in enumerate(lines, 1) if "review:" in line), "must be one of")
    blueprint_line = next(i for i, line in enumerate(lines, 1) if "clauses: [1c]" in line)
    _only(problems, "course.yaml", blueprint_line, "asks for 60 questions from 1c")


def test_course_key_must_match_folder(bank, tmp_path):
    renamed = bank.rename(tmp_path / "other-name")
    _only(_problems(renamed), "course.yaml", 3, "must equal the folder name")


def test_missing_file(bank):
    (bank / "clauses.yaml").unlink()
    problems = _problems(bank)
    _only(problems, "clauses.yaml", 1, "file is missing")


@pytest.mark.parametrize("pattern, fragment", [
    ("QTMXH-{seq:05d}", "must contain {year} and {seq}"),
    ("{year}/{seq}{x}", "cannot be used"),
    ("{year}/" + "X" * 60 + "{seq}", "longer than 60"),
])
def test_serial_formats_that_cannot_work(bank, pattern, fragment):
    path = bank / "course.yaml"
    text = path.read_text(encoding="utf-8").replace('serial_format: "{year}/QTMXH-{seq:05d}"',
                                                     f'serial_format: "{pattern}"')
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "serial_format" in row)
    _only(_problems(bank), "course.yaml", line, fragment)
