"""Script-injection payloads that name the field they were put in, and how to tell one was rendered harmlessly."""
from __future__ import annotations

from tests.security.html_checks import html_problems


def payload(tag: str) -> str:
    """Breaks out of an attribute, opens a tag with a handler, then a script: under 60 characters, so it fits
    every field (a unit's short name holds 80)."""
    return f"\"'><svg onload=qtxss_{tag}()><script>qtxss_{tag}()</script>"


def slashless(tag: str) -> str:
    """For uploaded file names: the server keeps what follows the last slash, and browsers send a double quote
    in a file name as %22."""
    return f"'><svg onload=qtxss_{tag}()>"


def code_payload(n: int) -> str:
    """Codes hold 40 characters."""
    return f"X{n}<script>qtxss()</script>"


def marker(tag: str) -> str:
    """What `payload(tag)` (or its slash-less form) looks like once escaped, in text or an attribute value."""
    return f"&lt;svg onload=qtxss_{tag}()&gt;"


def code_marker(n: int) -> str:
    return f"X{n}&lt;script&gt;qtxss()&lt;/script&gt;"


def injection_problems(html: str, expected: list[str]) -> list[str]:
    """No tag, handler or script came from the data, and every expected escaped payload is on the page (so the
    test really looked at a place where the field is shown)."""
    problems = html_problems(html)
    problems += [f"unescaped payload: {raw}" for raw in ("<svg onload=qtxss", "<script>qtxss") if raw in html]
    problems += [f"not shown (escaped) on the page: {m}" for m in expected if m not in html]
    return problems
