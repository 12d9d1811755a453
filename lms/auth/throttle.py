"""Login throttling: failed logins counted per account typed and per address, in the rate-limit storage."""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from lms.text import clean_name

EXTENSION_KEY = "login_throttle"


def account_key(identifier: str | None, user_id: int | None = None) -> str:
    """The counter an attempt counts against: the account itself when the identifier names one (its
    code and its email are one account), else what was typed, spelling folded ('TNMT0001' and
    ' tnmt0001 ' together). Hashed, so the storage (Redis) never holds the codes and emails typed.
    """
    if user_id is not None:
        return f"user-{user_id}"
    folded = clean_name(identifier).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass
class LoginThrottle:
    """Failure counters over a moving window, so no burst fits at a window's edge.

    Each app keeps its own storage connection (Flask-Limiter's Limiter is one object per process and
    follows the last app initialised); workers pointed at the same Redis share the counts.
    """

    storage: Storage
    account_limit: RateLimitItem
    address_limit: RateLimitItem
    prefix: str = ""
    enabled: bool = True

    def __post_init__(self) -> None:
        self._shared = MovingWindowRateLimiter(self.storage)
        # If the shared storage (Redis) cannot be reached, each worker counts on its own rather than
        # refusing every login: throttling goes on, only less tightly, and the log says why.
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._warned = False

    def _call(self, method: str, *args):
        try:
            return getattr(self._shared, method)(*args)
        except Exception as exc:  # noqa: BLE001 - any storage failure: fall back, never a 500 at login
            if not self._warned:
                self._warned = True
                current_app.logger.error("login throttle storage unavailable (%s); counting in this process",
                                         type(exc).__name__)
            return getattr(self._local, method)(*args)

    def _keys(self, *parts: str) -> tuple[str, ...]:
        return (self.prefix, *parts) if self.prefix else parts

    def _checks(self, account: str, address: str | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        return [
            (self.account_limit, self._keys("login-account", account)),
            (self.address_limit, self._keys("login-address", address or "unknown")),
        ]

    def retry_after(self, account: str, address: str | None) -> int:
        """Seconds until this account and address may try again; 0 when they may try now."""
        if not self.enabled:
            return 0
        wait = 0.0
        for item, keys in self._checks(account, address):
            if not self._call("test", item, *keys):
                reset_at = self._call("get_window_stats", item, *keys).reset_time
                wait = max(wait, reset_at - time.time(), 1.0)
        return math.ceil(wait)

    def claim(self, account: str) -> bool:
        """Count an attempt on the account before its password is checked; False when over the limit.

        Counting first (one atomic hit) means parallel guesses cannot all slip in before any of them
        is counted; a correct password then clears the count, so only failures add up.
        """
        return not self.enabled or bool(self._call("hit", self.account_limit, *self._keys("login-account", account)))

    def failed(self, address: str | None) -> None:
        """Count a failed login against the address (the account was counted by claim)."""
        if self.enabled:
            self._call("hit", self.address_limit, *self._keys("login-address", address or "unknown"))

    def succeeded(self, account: str) -> None:
        """A correct password clears the account's failures (never the address's: one good login must
        not let an address go on guessing other accounts)."""
        if self.enabled:
            self._call("clear", self.account_limit, *self._keys("login-account", account))

    def reset(self) -> None:
        """Forget every counter in this storage (tests; an operator after an incident)."""
        self.storage.reset()


def minutes(seconds: int) -> int:
    """Whole minutes to show a person, never 0 while they still have to wait."""
    return max(1, math.ceil(seconds / 60))


def init_app(app: Flask) -> None:
    """Build the app's throttle from RATELIMIT_STORAGE_URI / _OPTIONS / _KEY_PREFIX and the LOGIN_RATE_LIMIT_*s."""
    config = app.config
    app.extensions[EXTENSION_KEY] = LoginThrottle(
        storage=storage_from_string(config.get("RATELIMIT_STORAGE_URI") or "memory://",
                                    **config.get("RATELIMIT_STORAGE_OPTIONS", {})),
        account_limit=parse(config.get("LOGIN_RATE_LIMIT_ACCOUNT", "5 per 15 minutes")),
        address_limit=parse(config.get("LOGIN_RATE_LIMIT_ADDRESS", "30 per 15 minutes")),
        prefix=config.get("RATELIMIT_KEY_PREFIX", ""),
        enabled=bool(config.get("RATELIMIT_ENABLED", True)),
    )


def login_throttle() -> LoginThrottle:
    """The current app's throttle."""
    return current_app.extensions[EXTENSION_KEY]
