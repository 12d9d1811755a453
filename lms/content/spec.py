"""Plain data parsed from a question-bank folder, before it touches the database."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

TRUE_FALSE_LABELS = ("Đúng", "Sai")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file, reported as `file:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ClauseSpec:
    key: str
    label: str
    title: str
    text: str
    position: int
    line: int = 0


@dataclass
class LessonSpec:
    key: str
    clause: str
    title: str
    body: str
    position: int
    path: str = ""
    line: int = 1

    @property
    def body_hash(self) -> str:
        return sha256_text(self.title + "\n" + self.body)


@dataclass
class OptionSpec:
    text: str
    correct: bool = False
    pinned: bool = False


@dataclass
class QuestionSpec:
    key: str
    type: str
    clauses: list[str]
    text: str
    options: list[OptionSpec]
    explanation: str
    scenario: bool = False
    position: int = 0
    path: str = ""
    line: int = 0

    @property
    def content_hash(self) -> str:
        """Changes whenever anything a learner sees or is graded on changes."""
        payload = {
            "type": self.type,
            "text": self.text,
            "options": [[o.text, o.correct, o.pinned] for o in self.options],
            "explanation": self.explanation,
            "clauses": sorted(self.clauses),
            "scenario": self.scenario,
        }
        return sha256_text(json.dumps(payload, ensure_ascii=False, sort_keys=True))


@dataclass
class BlueprintSpec:
    clauses: list[str]
    count: int
    line: int = 0


@dataclass
class CourseSpec:
    key: str
    title: str
    summary: str = ""
    directive: dict[str, Any] = field(default_factory=dict)
    pass_mark: int = 80
    blueprint: list[BlueprintSpec] = field(default_factory=list)
    time_limit_minutes: int = 0
    grace_seconds: int = 0
    max_attempts: int = 0
    cooldown_minutes: int = 0
    require_lessons_read: bool = True
    multiple_grading: str = "all_or_nothing"
    review_policy: str = "always"
    certificate: dict[str, Any] = field(default_factory=dict)
    commitment_required: bool = False
    commitment_text: str = ""
    clauses: list[ClauseSpec] = field(default_factory=list)
    lessons: list[LessonSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """A fingerprint of the whole bank, to tell whether a sync changed anything."""
        parts = [json.dumps(self.settings(), ensure_ascii=False, sort_keys=True, default=str)]
        parts += [f"{c.key}|{c.label}|{c.title}|{c.text}" for c in self.clauses]
        parts += [f"{lesson.key}|{lesson.body_hash}" for lesson in self.lessons]
        parts += [f"{q.key}|{q.content_hash}" for q in self.questions]
        return sha256_text("\n".join(parts))

    def settings(self) -> dict[str, Any]:
        """Course columns as stored on the Course row."""
        return {
            "title": self.title,
            "summary": self.summary,
            "directive": self.directive,
            "pass_mark": self.pass_mark,
            "time_limit_minutes": self.time_limit_minutes,
            "grace_seconds": self.grace_seconds,
            "max_attempts": self.max_attempts,
            "cooldown_minutes": self.cooldown_minutes,
            "require_lessons_read": self.require_lessons_read,
            "multiple_grading": self.multiple_grading,
            "review_policy": self.review_policy,
            "certificate": self.certificate,
            "commitment_required": self.commitment_required,
            "commitment_text": self.commitment_text,
        }


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_safe(value: Any) -> Any:
    """Dates in directive metadata become ISO strings so they fit a JSON column."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value
