"""How fast the provider host may reset passwords: a process-wide, thread-safe rate limiter.

Cognito's AdminResetUserPassword sits in the UserAccountRecovery quota: 30 requests a second
per account and region, not adjustable. One provider host serves a whole ``pulumi up`` and runs
up to four calls at once in threads, so without a limit a batch of a few hundred resets trips
the quota. Every reset takes a slot from the limiter of its target first; slots are spaced
``1 / rate`` seconds apart, so calls never start faster than the configured rate.

The rate comes from the stack config key ``cognito-password-reset:maxResetsPerSecond``
(namespaced by this package, not by the project that installs it), defaults to the quota, and
0 turns the limiter off. Throttling that still happens (other clients share the quota) is
retried by botocore.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Final

from .errors import ConfigError

CONFIG_KEY: Final = "cognito-password-reset:maxResetsPerSecond"
"""The stack config key; namespaced by the package so it reads the same in any project."""

DEFAULT_PER_SECOND: Final = 30.0
"""Cognito's UserAccountRecovery quota per account and region."""

OFF: Final = 0.0


def per_second_from_config(get: Callable[[str], Any]) -> float:
    """The configured rate (resets per second, 0 = no limit), or the default if unset."""
    value = get(CONFIG_KEY)
    if value is None or value == "":
        return DEFAULT_PER_SECOND
    try:
        rate = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        rate = math.nan
    if not math.isfinite(rate) or rate < 0:
        raise ConfigError(
            f"stack config {CONFIG_KEY} must be a number of resets per second, 0 or more "
            f"(0 turns the limit off; the default is Cognito's quota, {DEFAULT_PER_SECOND:g}); got {value!r}"
        )
    return rate


class RateLimiter:
    """Spaces the starts of calls at least ``1 / per_second`` apart, across all threads.

    ``acquire`` reserves the next free slot under a lock and sleeps outside it, so threads
    queue in arrival order without holding each other up longer than their slot. An idle
    limiter does not bank slots: after a pause the next call goes at once, the one after it
    an interval later.
    """

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = -math.inf
        self._per_second = self._interval = 0.0
        self.per_second = per_second

    @property
    def per_second(self) -> float:
        """The rate the limiter holds calls to (resets per second)."""
        return self._per_second

    @per_second.setter
    def per_second(self, value: float) -> None:
        if not value > 0 or not math.isfinite(value):
            raise ValueError(f"a rate limiter needs a positive, finite rate, not {value!r}")
        with self._lock:
            self._per_second = value
            self._interval = 1.0 / value

    def acquire(self) -> float:
        """Block until this call may start; returns the seconds it waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait


class RateLimiters:
    """One limiter per key (the call's target: region and credentials), all made on demand."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._limiters: dict[Hashable, RateLimiter] = {}

    def acquire(self, key: Hashable, per_second: float) -> float:
        """Wait for a slot of ``key``'s limiter at ``per_second`` (0: no wait); returns the wait."""
        if per_second == OFF:
            return 0.0
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter(per_second, clock=self._clock, sleep=self._sleep)
            elif limiter.per_second != per_second:
                limiter.per_second = per_second
        return limiter.acquire()

    def clear(self) -> None:
        with self._lock:
            self._limiters.clear()


LIMITERS = RateLimiters()
"""The process-wide limiters: one provider host serves a whole ``pulumi up``."""
