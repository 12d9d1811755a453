"""Applying an import: exactly the plan the preview showed, in one transaction, or nothing at all.

New accounts get a random initial password, shown once to the importer and stored only as a hash.
An import never deletes an account: people who left are deactivated (sync mode only), and a transfer
changes the unit of the same account, so attempts and certificates stay with the person.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms import clock
from lms.audit import Target, record
from lms.auth.services import end_all_sessions, hash_password, new_password, set_name
from lms.db_setup import begin_write, refresh_statistics
from lms.extensions import db
from lms.models import User, UserRole
from lms.rounds.membership import refresh_round_memberships
from lms.sheets import Sheet, SheetError, read_sheet
from lms.staff_import.directory import IMPORT_ROLES, code_key
from lms.staff_import.plan import NEW, REACTIVATED, ImportPlan, RowPlan
from lms.staff_import.preview import plan_sheet
from lms.staff_import.problems import EMAIL, NAME, ROLE, TITLE, Problem

# No 0/o, 1/l/i: initial passwords are read aloud or copied from paper.
_CHUNK = 500


class ImportRefused(Exception):
    """The file cannot be applied at all (a file-level problem); nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class PlanChanged(Exception):
    """The staff list changed since the preview, so applying would not do what the preview showed."""


@dataclass(frozen=True)
class NewAccount:
    employee_code: str
    full_name: str
    email: str
    unit: str
    password: str


@dataclass
class ApplyResult:
    counts: dict[str, int]
    created: list[NewAccount] = field(default_factory=list)


def _hashed_passwords(rows: list[RowPlan]) -> dict[str, tuple[str, str]]:
    """code key → (password, hash) for each new account. Hashing is slow on purpose: it runs in parallel
    threads (the hash releases the interpreter lock) and before the write lock is taken."""
    app = current_app._get_current_object()
    passwords = [new_password() for _ in rows]

    def hashed(password: str) -> str:
        with app.app_context():
            return hash_password(password)

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        hashes = list(pool.map(hashed, passwords))
    return {code_key(row.values.code): (password, digest)
            for row, password, digest in zip(rows, passwords, hashes, strict=True)}


def _load_users(ids: list[int]) -> dict[int, User]:
    users = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for user in db.session.scalars(select(User).where(User.id.in_(chunk)).options(selectinload(User.role_rows))):
            users[user.id] = user
    return users


def _record_roles(user: User, *, added: set[str] | frozenset[str], removed: set[str]) -> None:
    """Each hr/admin role an import grants or takes away is audited, like any other role change."""
    for role in sorted(added):
        record("role.grant", target=user, details={"role": role, "by_import": True})
    for role in sorted(removed):
        record("role.revoke", target=user, details={"role": role, "by_import": True})


def _set_roles(user: User, roles: frozenset[str]) -> None:
    """Make the person's import-managed roles (hr, admin) exactly `roles`; unit_head is left alone."""
    before = {r.role for r in user.role_rows if r.role in IMPORT_ROLES}
    user.role_rows = [r for r in user.role_rows if r.role not in IMPORT_ROLES or r.role in roles]
    held = {r.role for r in user.role_rows}
    user.role_rows.extend(UserRole(role=role) for role in sorted(roles - held))
    _record_roles(user, added=roles - before, removed=before - roles)


def _create(row: RowPlan, password_hash: str) -> User:
    values = row.values
    user = User(employee_code=values.code, email=values.email or None, unit_id=values.unit.id,
                job_title=values.title or None, password_hash=password_hash)
    set_name(user, values.name)
    user.role_rows = [UserRole(role=role) for role in sorted(values.roles or ())]
    db.session.add(user)
    if values.roles:
        db.session.flush()  # the new account's id names it in the audit log (only the few hr/admin rows)
        _record_roles(user, added=values.roles, removed=set())
    return user


def _update(row: RowPlan, user: User) -> None:
    values = row.values
    changed = {change.column for change in row.changes}
    if REACTIVATED in row.kinds:
        user.active = True
        user.deactivated_at = None
    user.unit_id = values.unit.id
    if NAME in changed:
        set_name(user, values.name)
    if EMAIL in changed:
        user.email = values.email
    if TITLE in changed:
        user.job_title = values.title
    if ROLE in changed:
        _set_roles(user, values.roles)


def apply_row(row: RowPlan, users: dict[int, User], passwords: dict[str, tuple[str, str]]) -> NewAccount | None:
    """Write one planned row; returns the new account (with its password) when it creates one."""
    values = row.values
    if NEW in row.kinds:
        password, digest = passwords[code_key(values.code)]
        _create(row, digest)
        return NewAccount(values.code, values.name, values.email, values.unit.label, password)
    _update(row, users[values.existing.id])
    return None


def _write(plan: ImportPlan, passwords: dict[str, tuple[str, str]]) -> list[NewAccount]:
    rows = plan.applicable
    users = _load_users([row.values.existing.id for row in rows if row.values.existing is not None]
                        + [d.user_id for d in plan.deactivations])
    created = []
    for row in rows:
        account = apply_row(row, users, passwords)
        if account is not None:
            created.append(account)
    now = clock.now()
    for leaving in plan.deactivations:
        user = users[leaving.user_id]
        user.active = False
        user.deactivated_at = now
        end_all_sessions(user)
    db.session.flush()
    # Joiners, leavers and transfers change who each open round must reach: in this same transaction,
    # so staff and round membership change together or not at all.
    refresh_round_memberships()
    return created


def read_for_apply(data: bytes, filename: str) -> Sheet:
    try:
        return read_sheet(data, filename)
    except SheetError as error:
        raise ImportRefused([Problem("unreadable", params={"reason": error.message})]) from None


def apply_import(data: bytes, filename: str, *, sync: bool, importer: User | None,
                 expected_fingerprint: str) -> ApplyResult:
    """Apply the file if its plan is still the one previewed (`expected_fingerprint`); all rows or none."""
    sheet = read_for_apply(data, filename)
    preview = plan_sheet(sheet, sync=sync, importer=importer)
    if not preview.can_apply:
        raise ImportRefused([p for p in preview.file_problems if p.is_error])
    if preview.fingerprint() != expected_fingerprint:
        raise PlanChanged()
    passwords = _hashed_passwords([row for row in preview.applicable if NEW in row.kinds])
    begin_write()
    try:
        if db.engine.dialect.name == "postgresql":
            # SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL, imports queue here.
            db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('staff_import'))"))
        # Planned again under the write lock: what is written is what was checked.
        plan = plan_sheet(sheet, sync=sync, importer=importer)
        if plan.fingerprint() != expected_fingerprint:
            raise PlanChanged()
        counts = plan.counts()
        # Counts only: the rows (names, emails, passwords) stay out of the log.
        record("import.apply", actor=importer, target=Target("import", None, filename),
               details={"sync": sync, "counts": counts})
        created = _write(plan, passwords)
        db.session.commit()
    except IntegrityError:
        # Another request added a code or an email this plan also adds, after the plan was made.
        db.session.rollback()
        raise PlanChanged() from None
    except BaseException:
        db.session.rollback()
        raise
    if len(plan.applicable) >= 500:
        refresh_statistics()  # a large list changed: let the query planner see the new sizes
    return ApplyResult(counts=counts, created=created)
