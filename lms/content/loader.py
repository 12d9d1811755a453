"""Parse a question-bank folder into a CourseSpec, reporting every problem with its file and line."""
from __future__ import annotations

import os
import re
from pathlib import Path

from lms.content import yamlines
from lms.content.fields import FileReader
from lms.content.rules import check_course, serial_format_problem
from lms.content.spec import (
    TRUE_FALSE_LABELS,
    BlueprintSpec,
    ClauseSpec,
    CourseSpec,
    LessonSpec,
    OptionSpec,
    Problem,
    QuestionSpec,
    json_safe,
)
from lms.content.yamlines import LineDict, LineList
from lms.models.content import QUESTION_TYPES
from lms.text import nfc

COURSE_KEYS = {"key", "title", "summary", "directive", "quiz", "certificate", "commitment"}
DIRECTIVE_KEYS = {"number", "symbol", "date", "year", "place", "subject", "recipients",
                  "managing_body", "issuer", "issuer_name", "signatory"}
SIGNATORY_KEYS = {"capacity", "title", "name"}
QUIZ_KEYS = {"pass_mark", "blueprint", "time_limit_minutes", "grace_seconds", "max_attempts",
             "cooldown_minutes", "require_lessons_read", "multiple_grading", "review"}
CERTIFICATE_KEYS = {"validity_months", "serial_format", "title", "signatory"}
CLAUSE_KEYS = {"id", "label", "title", "text"}
LESSON_KEYS = {"key", "clause", "title"}
QUESTION_KEYS = {"key", "type", "clauses", "scenario", "text", "options", "answer", "explanation"}
OPTION_KEYS = {"text", "correct", "pinned"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _read_yaml(path: Path, problems: list[Problem]):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(display_path(path), 1, "file is missing"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(display_path(path), 1, "file is not UTF-8"))
        return None
    try:
        return yamlines.load(text)
    except yamlines.YamlError as exc:
        problems.append(Problem(display_path(path), exc.line, exc.message))
        return None


def _signatory(reader: FileReader, data: LineDict, key: str) -> dict[str, str]:
    block = reader.mapping(data.get(key), data.line_of(key), f"'{key}'")
    if block is None:
        return {}
    reader.known_keys(block, SIGNATORY_KEYS, f"'{key}'")
    return {k: reader.text(block, k) for k in ("capacity", "title", "name")}


def _parse_course(root: Path, problems: list[Problem]) -> CourseSpec | None:
    path = root / "course.yaml"
    reader = FileReader(display_path(path), problems)
    data = reader.mapping(_read_yaml(path, problems), 1, "course.yaml")
    if data is None:
        return None
    reader.known_keys(data, COURSE_KEYS, "course.yaml")
    course = CourseSpec(key=reader.text(data, "key"), title=reader.text(data, "title"))
    if course.key and course.key != root.name:
        reader.problem(data.line_of("key"), f"key '{course.key}' must equal the folder name '{root.name}'")
    course.summary = reader.text(data, "summary", required=False)

    directive = reader.mapping(data.get("directive"), data.line_of("directive"), "'directive'")
    if directive is not None:
        reader.known_keys(directive, DIRECTIVE_KEYS, "'directive'")
        values = {k: reader.text(directive, k, required=False) for k in DIRECTIVE_KEYS - {"date", "year", "signatory"}}
        values["date"] = reader.optional_date(directive, "date")
        values["year"] = reader.integer(directive, "year", 0, 0, 3000)
        for k in ("issuer", "managing_body", "issuer_name", "place", "subject"):
            if not values[k]:
                reader.problem(directive.line_of(k), f"missing 'directive.{k}'")
        values["signatory"] = _signatory(reader, directive, "signatory")
        course.directive = json_safe(values)

    quiz = reader.mapping(data.get("quiz"), data.line_of("quiz"), "'quiz'")
    if quiz is not None:
        reader.known_keys(quiz, QUIZ_KEYS, "'quiz'")
        course.pass_mark = reader.integer(quiz, "pass_mark", 80, 1, 100)
        course.time_limit_minutes = reader.integer(quiz, "time_limit_minutes", 0, 0, 24 * 60)
        course.grace_seconds = reader.integer(quiz, "grace_seconds", 0, 0, 3600)
        course.max_attempts = reader.integer(quiz, "max_attempts", 0, 0, 1000)
        course.cooldown_minutes = reader.integer(quiz, "cooldown_minutes", 0, 0, 60 * 24 * 30)
        course.require_lessons_read = reader.boolean(quiz, "require_lessons_read", True)
        course.multiple_grading = reader.choice(quiz, "multiple_grading", "all_or_nothing",
                                                ("all_or_nothing", "partial"))
        course.review_policy = reader.choice(quiz, "review", "always", ("always", "after_pass", "never"))
        course.blueprint = _parse_blueprint(reader, quiz)

    certificate = reader.mapping(data.get("certificate"), data.line_of("certificate"), "'certificate'")
    if certificate is not None:
        reader.known_keys(certificate, CERTIFICATE_KEYS, "'certificate'")
        serial = reader.text(certificate, "serial_format")
        if serial:
            problem = serial_format_problem(serial)
            if problem:
                reader.problem(certificate.line_of("serial_format"), problem)
        course.certificate = {
            "validity_months": reader.integer(certificate, "validity_months", 0, 0, 1200),
            "serial_format": serial,
            "title": reader.text(certificate, "title"),
            "signatory": _signatory(reader, certificate, "signatory"),
        }

    commitment = reader.mapping(data.get("commitment"), data.line_of("commitment"), "'commitment'")
    if commitment is not None:
        reader.known_keys(commitment, {"required", "text"}, "'commitment'")
        course.commitment_required = reader.boolean(commitment, "required", False)
        course.commitment_text = reader.text(commitment, "text", required=course.commitment_required)
    return course


def _parse_blueprint(reader: FileReader, quiz: LineDict) -> list[BlueprintSpec]:
    items = quiz.get("blueprint")
    if not isinstance(items, LineList) or not items:
        reader.problem(quiz.line_of("blueprint"), "'blueprint' must be a non-empty list")
        return []
    result = []
    for item, line in zip(items, items.item_lines, strict=True):
        entry = reader.mapping(item, line, "a blueprint entry")
        if entry is None:
            continue
        reader.known_keys(entry, {"clauses", "count"}, "a blueprint entry")
        result.append(BlueprintSpec(reader.id_list(entry, "clauses"), reader.integer(entry, "count", 1, 1, 100), line))
    return result


def _parse_clauses(root: Path, problems: list[Problem]) -> list[ClauseSpec]:
    path = root / "clauses.yaml"
    reader = FileReader(display_path(path), problems)
    data = _read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, LineList) or not data:
        reader.problem(1, "clauses.yaml must be a non-empty list")
        return []
    clauses = []
    for position, (item, line) in enumerate(zip(data, data.item_lines, strict=True)):
        entry = reader.mapping(item, line, "a clause")
        if entry is None:
            continue
        reader.known_keys(entry, CLAUSE_KEYS, "a clause")
        key = reader.text(entry, "id")
        if key and not ID_PATTERN.match(key):
            reader.problem(entry.line_of("id"), f"clause id '{key}' may hold only a-z, 0-9 and '-'")
        clauses.append(ClauseSpec(key, reader.text(entry, "label"), reader.text(entry, "title"),
                                  reader.text(entry, "text"), position, line))
    return clauses


def _parse_lessons(root: Path, problems: list[Problem]) -> list[LessonSpec]:
    folder = root / "lessons"
    lessons = []
    for position, path in enumerate(sorted(folder.glob("*.md"))):
        reader = FileReader(display_path(path), problems)
        try:
            raw = nfc(path.read_text(encoding="utf-8").replace("\r\n", "\n")) + "\n"
        except UnicodeDecodeError:
            reader.problem(1, "file is not UTF-8")
            continue
        match = FRONT_MATTER.match(raw)
        if not match:
            reader.problem(1, "a lesson must start with front matter between '---' lines")
            continue
        try:
            meta = yamlines.load(match.group(1), first_line=2)
        except yamlines.YamlError as exc:
            reader.problem(exc.line, exc.message)
            continue
        meta = reader.mapping(meta, 2, "front matter")
        if meta is None:
            continue
        reader.known_keys(meta, LESSON_KEYS, "front matter")
        clause = reader.text(meta, "clause")
        body = raw[match.end():].strip()
        body_line = match.group(0).count("\n") + 1
        if not body:
            reader.problem(body_line, "the lesson has no body")
        for offset, text_line in enumerate(raw[match.end():].split("\n")):
            if HTML_TAG.search(text_line) and not text_line.startswith("    "):
                reader.problem(body_line + offset, "raw HTML is not allowed in lessons; use Markdown")
        key = reader.text(meta, "key", required=False) or clause
        lessons.append(LessonSpec(key, clause, reader.text(meta, "title"), body, position, reader.path, 1))
    return lessons


def _parse_question(reader: FileReader, entry: LineDict, position: int, line: int) -> QuestionSpec:
    reader.known_keys(entry, QUESTION_KEYS, "a question")
    key = reader.text(entry, "key")
    if key and not ID_PATTERN.match(key):
        reader.problem(entry.line_of("key"), f"question key '{key}' may hold only a-z, 0-9 and '-'")
    qtype = reader.choice(entry, "type", "single", QUESTION_TYPES)
    question = QuestionSpec(key=key, type=qtype, clauses=reader.id_list(entry, "clauses"),
                            text=reader.text(entry, "text"), options=[],
                            explanation=reader.text(entry, "explanation"),
                            scenario=reader.boolean(entry, "scenario", False),
                            position=position, path=reader.path, line=line)
    if qtype == "true_false":
        if "options" in entry:
            reader.problem(entry.line_of("options"), "a true_false question takes 'answer', not 'options'")
        answer = entry.get("answer")
        if not isinstance(answer, bool):
            reader.problem(entry.line_of("answer"), "a true_false question needs 'answer: true' or 'answer: false'")
            answer = True
        question.options = [OptionSpec(TRUE_FALSE_LABELS[0], answer, True),
                            OptionSpec(TRUE_FALSE_LABELS[1], not answer, True)]
        return question
    if "answer" in entry:
        reader.problem(entry.line_of("answer"),
                       f"a {qtype} question marks its options 'correct: true' instead of 'answer'")
    options = entry.get("options")
    if not isinstance(options, LineList) or len(options) < 2:
        reader.problem(entry.line_of("options"), "a question needs at least two options")
        return question
    seen: set[str] = set()
    for option, option_line in zip(options, options.item_lines, strict=True):
        opt = reader.mapping(option, option_line, "an option")
        if opt is None:
            continue
        reader.known_keys(opt, OPTION_KEYS, "an option")
        spec = OptionSpec(reader.text(opt, "text"), reader.boolean(opt, "correct", False),
                          reader.boolean(opt, "pinned", False))
        if spec.text.casefold() in seen:
            reader.problem(option_line, f"duplicate option '{spec.text}'")
        seen.add(spec.text.casefold())
        question.options.append(spec)
    correct = sum(o.correct for o in question.options)
    if qtype == "single" and correct != 1:
        reader.problem(entry.line_of("options"),
                       f"a single-choice question needs exactly one correct option (has {correct})")
    if qtype == "multiple" and correct < 1:
        reader.problem(entry.line_of("options"), "a multiple-choice question needs at least one correct option")
    return question


def _parse_questions(root: Path, problems: list[Problem]) -> list[QuestionSpec]:
    questions: list[QuestionSpec] = []
    for path in sorted((root / "questions").glob("*.yaml")):
        reader = FileReader(display_path(path), problems)
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, LineList):
            reader.problem(1, "a questions file must be a list of questions")
            continue
        for item, line in zip(data, data.item_lines, strict=True):
            entry = reader.mapping(item, line, "a question")
            if entry is not None:
                questions.append(_parse_question(reader, entry, len(questions), line))
    return questions


def load_course(root: Path | str) -> tuple[CourseSpec | None, list[Problem]]:
    """Read and check one course folder; the spec is None when a file could not be read at all."""
    root = Path(root)
    problems: list[Problem] = []
    course = _parse_course(root, problems)
    if course is None:
        return None, problems
    course.clauses = _parse_clauses(root, problems)
    course.lessons = _parse_lessons(root, problems)
    course.questions = _parse_questions(root, problems)
    problems.extend(check_course(course, display_path(root)))
    return course, problems


def course_folders(path: Path | str) -> list[Path]:
    """The course folders at `path`: the folder itself if it holds course.yaml, else its children that do."""
    path = Path(path)
    if (path / "course.yaml").exists():
        return [path]
    return sorted(p for p in path.iterdir() if (p / "course.yaml").exists()) if path.is_dir() else []
