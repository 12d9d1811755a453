"""What the audit log keeps of a login: who, or for a failure the identifier typed — never the password."""
from __future__ import annotations

from lms.audit import record_now
from lms.auth.services import find_login_user
from lms.models import User

IDENTIFIER_LIMIT = 100


def record_login_success(user: User) -> None:
    record_now("login.success", actor=user, target=user)


def record_login_failure(identifier: str | None) -> None:
    """Log a failed login on its own (nothing else is written): the account it named, if any, and why."""
    account = find_login_user(identifier or "")
    if account is None:
        reason = "unknown_account"
    elif not account.active:
        reason = "inactive"
    elif not account.password_hash:
        reason = "no_password"
    else:
        reason = "wrong_password"
    typed = (identifier or "").strip()
    if account is None:
        # What matches no account is often a password typed in the wrong box: keep only a hint.
        typed = f"{typed[:2]}… ({len(typed)})" if typed else ""
    record_now("login.failure", target=account, details={"identifier": typed[:IDENTIFIER_LIMIT], "reason": reason})
