"""Recording audit events in the caller's transaction, and reading them back for the admin page.

`record()` only adds the event to the session: it commits with the action it describes or rolls
back with it. Who and from where come from the arguments, or, inside a web request, from the
logged-in user and the request; outside one (the command line) the actor is "cli".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from lms import clock
from lms.audit.actions import ACTIONS
from lms.db_setup import begin_write
from lms.extensions import db
from lms.models import AuditEvent, Certificate, Course, Round, Unit, User
from lms.text import LOCAL_TZ, clean_name, fold, nfc

CLI = "cli"
PAGE_SIZE = 50
MAX_TEXT = 200
MAX_ITEMS = 50
# Keys that must never reach the log, whatever the value: a caller passing one is a bug caught by tests.
_SECRET_KEY = re.compile(r"pass|secret|token|csrf|session|hash|cookie|^code$|verification", re.IGNORECASE)


class AuditDetailsError(ValueError):
    """Details that would put something secret in the log."""


@dataclass(frozen=True)
class Target:
    """What an action was done to: a kind ("user", "certificate", "import"…), its id and a readable label."""

    type: str
    id: int | None = None
    label: str | None = None


def target_of(obj: Any) -> Target | None:
    """The target for a model row (user, certificate, round, unit, course), or the Target given."""
    if obj is None or isinstance(obj, Target):
        return obj
    if isinstance(obj, User):
        return Target("user", obj.id, f"{obj.employee_code} — {obj.full_name}")
    if isinstance(obj, Certificate):
        return Target("certificate", obj.id, f"{obj.serial} — {obj.full_name}")
    if isinstance(obj, Round):
        return Target("round", obj.id, obj.name)
    if isinstance(obj, Unit):
        return Target("unit", obj.id, f"{obj.code} — {obj.name}")
    if isinstance(obj, Course):
        return Target("course", obj.id, obj.title)
    raise TypeError(f"no audit target for {type(obj).__name__}")


def _text(value: str, limit: int = MAX_TEXT) -> str:
    value = nfc(value)
    return value if len(value) <= limit else value[:limit - 1] + "…"


def clean_details(details: Any) -> Any:
    """Details as stored: small JSON (text NFC and cut short, lists capped), no secret-looking key."""
    if details is None or isinstance(details, bool | int | float):
        return details
    if isinstance(details, str):
        return _text(details)
    if isinstance(details, datetime | date):
        return details.isoformat()
    if isinstance(details, dict):
        cleaned = {}
        for key, value in details.items():
            if _SECRET_KEY.search(str(key)):
                raise AuditDetailsError(f"audit details may not carry {key!r}")
            cleaned[str(key)] = clean_details(value)
        return cleaned
    if isinstance(details, list | tuple | set | frozenset):
        items = sorted(details) if isinstance(details, set | frozenset) else list(details)
        return [clean_details(item) for item in items[:MAX_ITEMS]]
    return _text(str(details))


def _actor(actor: User | None) -> tuple[int | None, str | None]:
    if actor is not None:
        return actor.id, actor.employee_code
    if not has_request_context():
        return None, CLI
    if current_user.is_authenticated:
        return current_user.id, current_user.employee_code
    return None, None


def _request_id() -> str | None:
    """The request's id, read defensively: where lms.logs keeps it (the WSGI environ), else `g.request_id`."""
    if not has_request_context():
        return None
    request_id = request.environ.get("lms.request_id") or getattr(g, "request_id", None)
    return str(request_id)[:64] if request_id else None


def record(action: str, *, actor: User | None = None, target: Any = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Add an audit event to the current session; it commits (or rolls back) with the caller's action."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor_id, actor_label = _actor(actor)
    described = target_of(target)
    label = _text(described.label, 300) if described and described.label else None
    ip_address = user_agent = None
    if has_request_context():
        ip_address = (request.remote_addr or "")[:64] or None
        user_agent = _text(request.user_agent.string or "", 300) or None
    event = AuditEvent(
        at=clock.now(), actor_id=actor_id, actor_label=actor_label, action=action,
        target_type=described.type if described else None, target_id=described.id if described else None,
        target_label=label, target_search=fold(label)[:300] if label else None,
        details=clean_details(details) or None, ip_address=ip_address, user_agent=user_agent,
        request_id=_request_id(),
    )
    db.session.add(event)
    return event


def record_now(action: str, **kwargs: Any) -> None:
    """Record and commit at once, for an action that writes nothing else (a failed login, a download).

    The session's current transaction must hold nothing unsaved: it is ended first.
    """
    begin_write()
    record(action, **kwargs)
    db.session.commit()


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor: str = ""
    date_from: date | None = None  # local dates (Asia/Ho_Chi_Minh), both included
    date_to: date | None = None
    query: str = ""


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _conditions(f: AuditFilter) -> list:
    conditions = []
    if f.action:
        conditions.append(AuditEvent.action == f.action)
    actor = nfc(f.actor)
    if actor:
        # An employee code finds the person's events through the indexed id; "cli" and codes of
        # no current account are matched on the stored label.
        user_id = db.session.scalar(select(User.id).where(func.lower(User.employee_code) == actor.lower()))
        conditions.append(AuditEvent.actor_id == user_id if user_id is not None
                          else func.lower(AuditEvent.actor_label) == actor.lower())
    if f.date_from:
        conditions.append(AuditEvent.at >= _local_midnight(f.date_from))
    if f.date_to:
        conditions.append(AuditEvent.at < _local_midnight(f.date_to + timedelta(days=1)))
    query = fold(f.query)
    if query:
        conditions.append(AuditEvent.target_search.contains(query, autoescape=True))
    return conditions


def list_events(f: AuditFilter, page: int = 1) -> tuple[list[AuditEvent], int, int, int]:
    """One page of events, newest first, with the total, the page number and the page count."""
    where = and_(True, *_conditions(f))
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(AuditEvent).where(where).options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return list(rows), total, page, pages


def detail_pairs(details: Any) -> list[tuple[str, str]]:
    """Details as (key, text) pairs for the page; nested objects are written key=value."""
    if not isinstance(details, dict):
        return [] if details is None else [("", str(details))]

    def text(value: Any) -> str:
        if isinstance(value, dict):
            return ", ".join(f"{k}={text(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(text(v) for v in value)
        return "" if value is None else str(value)

    return [(clean_name(str(key)), text(value)) for key, value in details.items()]
