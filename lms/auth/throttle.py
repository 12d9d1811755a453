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


def account_key(identifier: str | None) -> str:
    """One key for everything that names the same account: 'TNMT0001' and ' tnmt0001 ' count together.

    Hashed, so the storage (Redis) never holds the codes and emails people typed.
    """
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

    def _call(self, method: str, *args):
        try:
            return getattr(self._shared, method)(*args)
        except Exception as exc:  # noqa: BLE001 - any storage failure: fall back, never a 500 at login
            current_app.logger.error("login throttle storage unavailable (%s); counting in this process",
                                     type(exc).__name__)
            return getattr(self._local, method)(*args)

    def _keys(self, *parts: str) -> tuple[str, ...]:
        return (self.prefix, *parts) if self.prefix else parts

    def _checks(self, identifier: str | None, address: str | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        return [
            (self.account_limit, self._keys("login-account", account_key(identifier))),
            (self.address_limit, self._keys("login-address", address or "unknown")),
        ]

    def retry_after(self, identifier: str | None, address: str | None) -> int:
        """Seconds until this account and address may try again; 0 when they may try now."""
        if not self.enabled:
            return 0
        wait = 0.0
        for item, keys in self._checks(identifier, address):
            if not self._call("test", item, *keys):
                reset_at = self._call("get_window_stats", item, *keys).reset_time
                wait = max(wait, reset_at - time.time(), 1.0)
        return math.ceil(wait)

    def failed(self, identifier: str | None, address: str | None) -> None:
        """Count a failed login against the account typed (existing or not) and the address."""
        if self.enabled:
            for item, keys in self._checks(identifier, address):
                self._call("hit", item, *keys)

    def succeeded(self, identifier: str | None) -> None:
        """A correct password clears the account's failures (never the address's: one good login must
        not let an address go on guessing other accounts)."""
        if self.enabled:
            self._call("clear", self.account_limit, *self._keys("login-account", account_key(identifier)))

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
