"""Names of the round statuses in the interface language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "not_started": _l("Not started"), "reading": _l("Reading"), "failed": _l("Quiz failed"),
    "passed": _l("Passed, not signed"), "certified": _l("Certified"), "overdue": _l("Overdue"),
    "exempt": _l("Exempt"), "unfinished": _l("Not finished"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


FLAG_LABELS = {
    "too_few_answers": _l("Too few answers to judge"), "too_easy": _l("Too easy"), "too_hard": _l("Too hard"),
    "poor_discrimination": _l("Does not discriminate"), "negative_discrimination": _l("Misleading: the best do worse"),
}


def flag_label(flag: str) -> str:
    return str(FLAG_LABELS.get(flag, flag))
