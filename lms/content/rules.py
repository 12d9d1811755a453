"""Checks that span files: references between clauses, lessons, questions and the blueprint."""
from __future__ import annotations

from collections import Counter

from lms.content.spec import CourseSpec, Problem
from lms.text import fold

MIN_QUESTIONS_PER_CLAUSE = 6


def serial_format_problem(pattern: str) -> str | None:
    """Why a certificate serial format cannot work, or None: it needs {year} and {seq} and must format."""
    if "{year" not in pattern or "{seq" not in pattern:
        return "'serial_format' must contain {year} and {seq} (numbers restart every year)"
    try:
        sample = pattern.format(year=2024, seq=99999)
    except (KeyError, IndexError, ValueError) as exc:
        return f"'serial_format' cannot be used: {exc}"
    if len(sample) > 60:
        return "'serial_format' gives serial numbers longer than 60 characters"
    return None


def check_course(course: CourseSpec, root: str) -> list[Problem]:
    """Every cross-reference problem of a parsed course, each at the line that causes it."""
    problems: list[Problem] = []
    clause_file = f"{root}/clauses.yaml"
    course_file = f"{root}/course.yaml"
    clause_keys = [c.key for c in course.clauses]
    known = set(clause_keys)
    for key, count in Counter(clause_keys).items():
        if count > 1:
            for clause in course.clauses:
                if clause.key == key:
                    problems.append(Problem(clause_file, clause.line, f"duplicate clause id '{key}'"))

    lessons_by_clause: dict[str, list] = {}
    lesson_keys = Counter(lesson.key for lesson in course.lessons)
    for lesson in course.lessons:
        if lesson.clause and lesson.clause not in known:
            problems.append(Problem(lesson.path, 2, f"unknown clause '{lesson.clause}'"))
        lessons_by_clause.setdefault(lesson.clause, []).append(lesson)
        if lesson_keys[lesson.key] > 1:
            problems.append(Problem(lesson.path, 2, f"duplicate lesson key '{lesson.key}'"))

    question_keys = Counter(q.key for q in course.questions)
    texts: dict[str, str] = {}
    per_clause: Counter[str] = Counter()
    for question in course.questions:
        if question_keys[question.key] > 1:
            problems.append(Problem(question.path, question.line, f"duplicate question key '{question.key}'"))
        for clause in question.clauses:
            if clause not in known:
                problems.append(Problem(question.path, question.line, f"unknown clause '{clause}'"))
        for clause in set(question.clauses):
            per_clause[clause] += 1
        folded = fold(question.text)
        if folded and folded in texts:
            problems.append(Problem(question.path, question.line,
                                    f"same question text as '{texts[folded]}'"))
        texts.setdefault(folded, question.key)

    for clause in course.clauses:
        if clause.key not in lessons_by_clause:
            problems.append(Problem(clause_file, clause.line, f"clause '{clause.key}' has no lesson"))
        if per_clause[clause.key] < MIN_QUESTIONS_PER_CLAUSE:
            problems.append(Problem(clause_file, clause.line,
                                    f"clause '{clause.key}' has {per_clause[clause.key]} questions; "
                                    f"at least {MIN_QUESTIONS_PER_CLAUSE} are needed"))

    covered: set[str] = set()
    for item in course.blueprint:
        for clause in item.clauses:
            if clause not in known:
                problems.append(Problem(course_file, item.line, f"blueprint names unknown clause '{clause}'"))
        covered.update(item.clauses)
        pool = sum(1 for q in course.questions if set(q.clauses) & set(item.clauses))
        if pool < item.count:
            problems.append(Problem(course_file, item.line,
                                    f"blueprint asks for {item.count} questions from {', '.join(item.clauses)} "
                                    f"but the pool holds {pool}"))
    if course.blueprint:
        for clause in course.clauses:
            if clause.key not in covered:
                problems.append(Problem(course_file, course.blueprint[0].line,
                                        f"blueprint does not cover clause '{clause.key}'"))
    return problems
