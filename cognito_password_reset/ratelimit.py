"""How fast the provider host may call Cognito: process-wide, thread-safe rate limiters.

Cognito's AdminResetUserPassword sits in the UserAccountRecovery quota: 30 requests a second
per account and region, not adjustable. One provider host serves a whole ``pulumi up`` and runs
up to four calls at once in threads, so without a limit a batch of a few hundred resets trips
the quota. Every reset takes a slot from the limiter of its target first; slots are spaced
``1 / rate`` seconds apart, so calls never start faster than the configured rate.

A reset that signs the user out first (``global_sign_out``) takes two consecutive slots of the
same schedule, one for AdminUserGlobalSignOut and one for the reset, so the pair goes out back
to back and the two calls together stay within the configured rate (see ``cognito.py``).

Refresh reads (AdminGetUser) count against another quota (UserRead, 120/s, shared with every
other admin read of the account), so they get a schedule of their own, under another key of
the same ``RateLimiters``: reads never wait for resets, nor resets for reads.

Selecting users by group or pool (ListUsersInGroup, ListUsers: one call per page of 60) counts
against a third quota, UserList: 30 requests a second per account and region, not adjustable.
Those calls take slots under a key of their own, at ``list_rate``: the read rate, never above
LIST_PER_SECOND.

The rates come from the stack config keys ``cognito-password-reset:maxResetsPerSecond`` and
``cognito-password-reset:maxReadsPerSecond`` (namespaced by this package, not by the project
that installs it); 0 turns a limiter off. Throttling that still happens (other clients share
the quota) is retried by botocore.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Final

from .errors import ConfigError

CONFIG_KEY: Final = "cognito-password-reset:maxResetsPerSecond"
"""The reset rate's stack config key; namespaced by the package so it reads the same in any project."""

DEFAULT_PER_SECOND: Final = 30.0
"""Cognito's UserAccountRecovery quota per account and region."""

READS_CONFIG_KEY: Final = "cognito-password-reset:maxReadsPerSecond"
"""The read (refresh) rate's stack config key."""

DEFAULT_READS_PER_SECOND: Final = 50.0
"""Less than half of Cognito's UserRead quota (120/s per account and region, shared with every
other admin read of the account), so a refresh of a large fleet leaves the rest to other tools."""

LIST_PER_SECOND: Final = 25.0
"""The fastest a selection lists users (ListUsersInGroup, ListUsers pages). Both are in Cognito's
UserList category: 30 requests a second per account and region, not adjustable ("Quotas in Amazon
Cognito", https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html). That quota is
separate from UserRead's 120 (AdminGetUser), so the read rate's default of 50 would exceed it; 25
leaves a sixth of it to the console and other tools listing users in the same account."""

OFF: Final = 0.0

MIN_PER_SECOND: Final = 0.01
"""One call every 100 s. Slower is no rate at all: a tiny value such as 1e-300 would make the
limiter sleep for ever (1 / rate overflows to infinity)."""

MAX_PER_SECOND: Final = 1000.0
"""Far above any Cognito quota; beyond it, turn the limit off with 0."""


def per_second_from_config(get: Callable[[str], Any], key: str = CONFIG_KEY,
                           default: float = DEFAULT_PER_SECOND, what: str = "resets") -> float:
    """The rate configured under ``key`` (calls per second, 0 = no limit), or ``default`` if unset.

    One rule for every rate key: 0, or a number from MIN_PER_SECOND to MAX_PER_SECOND.
    """
    value = get(key)
    if value is None or value == "":
        return default
    try:
        rate = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        rate = math.nan
    if not (rate == OFF or MIN_PER_SECOND <= rate <= MAX_PER_SECOND):  # nan and inf fail both
        raise ConfigError(
            f"stack config {key} must be 0 (no limit) or a number of {what} per second from "
            f"{MIN_PER_SECOND:g} to {MAX_PER_SECOND:g} (the default is {default:g}); got {value!r}"
        )
    return rate


def list_rate(reads_per_second: float) -> float:
    """The rate of a selection's list calls: ``maxReadsPerSecond`` (one knob for everything the
    package reads), held to LIST_PER_SECOND, under UserList's quota; 0 (no limit) stays 0."""
    return OFF if reads_per_second == OFF else min(reads_per_second, LIST_PER_SECOND)


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

    def acquire(self, slots: int = 1) -> float:
        """Block until this call may start; returns the seconds it waited.

        ``slots`` > 1 reserves that many consecutive slots at once, for calls that must go out
        back to back (a sign-out and the reset it belongs to): they start together, and the
        next caller waits for the end of the last slot, so the rate over time is kept.
        """
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + slots * self._interval
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

    def acquire(self, key: Hashable, per_second: float, slots: int = 1) -> float:
        """Wait for ``slots`` consecutive slots of ``key``'s limiter at ``per_second`` (0: no wait);
        returns the wait."""
        if per_second == OFF:
            return 0.0
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter(per_second, clock=self._clock, sleep=self._sleep)
            elif limiter.per_second != per_second:
                limiter.per_second = per_second
        return limiter.acquire(slots)

    def clear(self) -> None:
        with self._lock:
            self._limiters.clear()


LIMITERS = RateLimiters()
"""The process-wide limiters: one provider host serves a whole ``pulumi up``."""
