"""Accounts: finding a user by what they type, checking passwords, creating accounts."""
from __future__ import annotations

import secrets
import unicodedata

from flask import current_app, has_app_context
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.audit import record
from lms.extensions import db
from lms.models import ROLES, Unit, UnitHead, User, UserRole
from lms.text import clean_name, fold, name_sort_key, nfc

MIN_PASSWORD_LENGTH = 12
# Compared against when no user matches, so a wrong login costs the same time either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")


class AccountError(ValueError):
    """A request to create or change an account that cannot be carried out, with the reason."""


def _password_text(password: str) -> str:
    """NFC, so a password typed with combining marks (Windows keyboard) matches one typed precomposed."""
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    """scrypt by default; tests may configure a faster method."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(_password_text(password), method=method)


def check_new_password(password: str) -> None:
    if len(_password_text(password)) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")


def find_login_user(identifier: str) -> User | None:
    """The account an employee code or email refers to (case-insensitive), if any."""
    identifier = nfc(identifier)
    if not identifier:
        return None
    return db.session.scalar(
        select(User).where(or_(User.employee_code == identifier,
                               func.lower(User.employee_code) == identifier.lower(),
                               func.lower(User.email) == identifier.lower()))
    )


def authenticate(identifier: str, password: str) -> User | None:
    """The active user whose credentials these are, else None (one generic failure)."""
    user = find_login_user(identifier)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, _password_text(password)) or not user.active:
        return None
    return user


_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nosec B105  # noqa: S105 - an alphabet, not a password: no 0/o, 1/l/i


def new_password() -> str:
    """Four groups of four letters and digits (about 79 bits), e.g. 'k7mq-2xtd-…': easy to read aloud."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))


def reset_password(user: User, password: str | None = None) -> str:
    """Give the account a new password (a random one unless given) and end its sessions; the caller commits.

    Audited in the same transaction (by the logged-in person, or "cli"); the password never is.
    """
    generated = not password
    password = password or new_password()
    check_new_password(password)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    record("password.reset", target=user, details={"generated": generated})
    return password


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of the user (they carry the version)."""
    user.session_version = (user.session_version or 0) + 1


def set_name(user: User, full_name: str) -> None:
    """Store the name in NFC with its derived sort and search keys."""
    user.full_name = clean_name(full_name)
    user.name_sort_key = name_sort_key(user.full_name)
    user.name_search = fold(user.full_name)


def create_user(*, employee_code: str, full_name: str, email: str | None = None, unit: Unit | None = None,
                job_title: str | None = None, password: str | None = None, roles: tuple[str, ...] = (),
                head_of: tuple[Unit, ...] = ()) -> User:
    """Create an account (the caller commits). Roles beyond staff are explicit; unit heads need units."""
    code = nfc(employee_code)
    if not code or not clean_name(full_name):
        raise AccountError("Employee code and full name are required.")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role: {', '.join(sorted(unknown))}.")
    if "unit_head" in roles and not head_of:
        raise AccountError("A unit head must be given at least one unit.")
    if db.session.scalar(select(User.id).where(func.lower(User.employee_code) == code.lower())):
        raise AccountError(f"Employee code {code} is already in use.")
    email = nfc(email).lower() or None
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"Email {email} is already in use.")
    if password is not None:
        check_new_password(password)
    user = User(employee_code=code, email=email, unit=unit, job_title=clean_name(job_title) or None,
                password_hash=hash_password(password) if password else None)
    set_name(user, full_name)
    user.role_rows = [UserRole(role=r) for r in dict.fromkeys(roles) if r != "staff"]
    db.session.add(user)
    db.session.flush()
    for head_unit in head_of:
        db.session.add(UnitHead(user_id=user.id, unit_id=head_unit.id))
    return user
