"""Typed field readers for bank files: each bad value becomes a Problem at its line."""
from __future__ import annotations

from datetime import date
from typing import Any

from lms.content.spec import Problem
from lms.content.yamlines import LineDict
from lms.text import nfc


class FileReader:
    """Reads fields of one file's mappings, collecting problems instead of raising."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.problem(line, f"{what} must be a mapping")
            return None
        for key, key_line in value.duplicate_keys:
            self.problem(key_line, f"duplicate key '{key}'")
        return value

    def known_keys(self, data: LineDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(data.line_of(key), f"unknown key '{key}' in {what}")

    def text(self, data: LineDict, key: str, *, required: bool = True, allow_empty: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line_of(key), f"missing '{key}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(data.line_of(key), f"'{key}' must be text")
            return ""
        result = nfc(str(value))
        if not result and required and not allow_empty:
            self.problem(data.line_of(key), f"'{key}' must not be empty")
        return result

    def boolean(self, data: LineDict, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' must be true or false")
            return default
        return value

    def integer(self, data: LineDict, key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(data.line_of(key), f"'{key}' must be a whole number")
            return default
        if not low <= value <= high:
            self.problem(data.line_of(key), f"'{key}' must be between {low} and {high}")
            return default
        return value

    def choice(self, data: LineDict, key: str, default: str, choices: tuple[str, ...]) -> str:
        value = data.get(key, default)
        if value not in choices:
            self.problem(data.line_of(key), f"'{key}' must be one of: {', '.join(choices)}")
            return default
        return value

    def optional_date(self, data: LineDict, key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value.isoformat()
        self.problem(data.line_of(key), f"'{key}' must be a date (YYYY-MM-DD) or null")
        return None

    def id_list(self, data: LineDict, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            self.problem(data.line_of(key), f"missing '{key}'")
            return []
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, list) or not value:
            self.problem(data.line_of(key), f"'{key}' must be a non-empty list of clause ids")
            return []
        return [nfc(str(v)) for v in value]
