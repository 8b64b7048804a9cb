"""The rotation schedule: which window of ``rotate_after_days`` whole UTC days a user is in.

Pure functions of the date they are given: nothing here reads the clock (the provider does, in
one place), so every rule is a table test.

Each user's time is cut into windows of P days. Window k of a user starts on
``EPOCH + offset + k * P`` days, where ``offset`` in ``[0, P)`` is a stable number of days taken
from a SHA-256 of the pool id and the username: the same in every process, Python version and
machine (Python's ``hash()`` is salted per process, so it would not be). Users created together
therefore fall due on different days, spread over the period like a uniform random choice.
When a later window has begun since the last run, the user is due for one reset; a run after
several missed windows still makes one.

A window start does not reset a user whose last reset (on create, by a trigger change, or by the
schedule) is less than half a period old at that start (``too_soon``): that window is skipped
and the next one resets. So two resets of one user by the schedule are always at least P/2
days apart, a user rotated by hand this afternoon is not mailed again tonight, and each user
keeps its own stagger (the skip moves no window).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi.output import Unknown

from . import schema
from .schema import is_unknown

EPOCH: Final = datetime.date(1970, 1, 1)
"""Day 0 of every schedule. Fixed: changing it would move every user's windows."""

MIN_DAYS: Final = 1
MAX_DAYS: Final = 3650


def offset_days(user_pool_id: str, username: str, period: int) -> int:
    """The user's stable offset into the period, in ``[0, period)`` days."""
    # NUL appears in neither a pool id nor a username (both patterns exclude control
    # characters), so the two never run together ambiguously.
    digest = hashlib.sha256(f"{user_pool_id}\0{username}".encode()).digest()
    # 64 bits reduced modulo at most 3,650: the bias is below 1e-15.
    return int.from_bytes(digest[:8], "big") % period


def window_start(user_pool_id: str, username: str, period: int, today: datetime.date) -> datetime.date:
    """The first day of the user's window that contains ``today``."""
    offset = offset_days(user_pool_id, username, period)
    k = ((today - EPOCH).days - offset) // period  # floor: right before the first start too
    return EPOCH + datetime.timedelta(days=offset + k * period)


def window(user_pool_id: str, username: str, period: int, today: datetime.date) -> str:
    """``window_start`` as stored in state: ``YYYY-MM-DD`` (such strings order like the dates)."""
    return window_start(user_pool_id, username, period, today).isoformat()


RESET_AT_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"
"""How ``reset_at`` is stored: UTC, to the second."""


def last_reset(reset_at: object) -> datetime.datetime | None:
    """``reset_at`` as stored in state, as an aware UTC time; None if unset or not in our format."""
    if not isinstance(reset_at, str):
        return None
    try:
        return datetime.datetime.strptime(reset_at, RESET_AT_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def too_soon(window_start: str, reset_at: object, period: int) -> bool:
    """True if the window starting on ``window_start`` (``YYYY-MM-DD``) begins less than ``period / 2``
    days after the last reset ``reset_at``: that window start resets nobody.

    The age is measured at the window's first instant (00:00 UTC), not at the run's time, so the
    decision is the same for every run inside the window. No recorded reset: never too soon.
    """
    last = last_reset(reset_at)
    if last is None:
        return False
    start = datetime.datetime.combine(datetime.date.fromisoformat(window_start), datetime.time(),
                                      datetime.timezone.utc)
    return 2 * (start - last) < datetime.timedelta(days=period)


def longest_waiting_first(users: Sequence[tuple[str, str, int | None]], today: datetime.date) -> list[int]:
    """The indexes of ``users`` (pool id, username, period or None) in the order a program should
    declare them: the user whose current window started earliest first, whatever its pool; users
    without a schedule last.

    Past ``maxResetsPerRun``, the provider gives the run's scheduled slots to the users it is
    asked about first (one count for the run, across pools), and the engine asks in about the
    order the program declares resources. A user due since an earlier day has waited longer (its
    window began earlier), so declaring in this order serves the backlog first come, first
    served: a cap below the daily due rate then delays everyone alike instead of never reaching
    the users declared last.
    """
    def key(i: int) -> tuple[int, datetime.date, int]:
        user_pool_id, username, days = users[i]
        if days is None:
            return (1, today, i)
        return (0, window_start(user_pool_id, username, days, today), i)

    return sorted(range(len(users)), key=key)


def period(value: object) -> int | None:
    """``rotate_after_days`` as a number of days, or None if it is not a whole number in range.

    Numbers cross the provider protocol as doubles (a program's ``90`` arrives as ``90.0``), so
    a whole float is accepted; a bool is not a number here, though Python says it is an int.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    days = int(value)
    return days if MIN_DAYS <= days <= MAX_DAYS else None


def checked_window(news: Mapping[str, Any], olds: Mapping[str, Any], today: datetime.date) -> object:
    """The ``rotation_window`` Check stores for ``news``: ``YYYY-MM-DD``, an Unknown, or None.

    None when no schedule is set (or it is invalid: Check reports that). Unknown during a
    preview where the schedule, the pool or the username is not known yet: it is decided at
    ``pulumi up``. The window never moves back for an unchanged schedule of the same user
    (``olds`` are the stored inputs): a host whose clock is behind the last run's keeps the
    stored window, so it neither rewrites state nor resets twice for one window.
    """
    raw, pool, user = (news.get(k) for k in (schema.ROTATE_AFTER_DAYS, schema.USER_POOL_ID, schema.USERNAME))
    if raw is None:
        return None
    if any(is_unknown(v) for v in (raw, pool, user)):
        return Unknown()  # type: ignore[no-untyped-call]  # pulumi leaves it untyped
    days = period(raw)
    if days is None or not isinstance(pool, str) or not isinstance(user, str):
        return None
    current = window(pool, user, days, today)
    stored = olds.get(schema.ROTATION_WINDOW)
    same_schedule = (olds.get(schema.USER_POOL_ID), olds.get(schema.USERNAME),
                     period(olds.get(schema.ROTATE_AFTER_DAYS))) == (pool, user, days)
    if same_schedule and isinstance(stored, str) and stored > current:
        return stored
    return current
