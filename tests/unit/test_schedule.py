"""The rotation schedule as pure functions of a date: windows, offsets, and how a fleet spreads."""

from __future__ import annotations

import collections
import datetime
from typing import Any

import pytest
from pulumi.output import Unknown

from cognito_password_reset import schedule

POOL = "us-east-1_AbCdEf123"
DAY = datetime.timedelta(days=1)


def test_the_offset_is_pinned() -> None:
    # Every stored rotation_window depends on it: a change moves every user's windows (and
    # resets the users whose window moved later). SHA-256 of "pool\0username", first 8 bytes.
    assert schedule.offset_days(POOL, "alice", 90) == 41
    assert schedule.window(POOL, "alice", 90, datetime.date(2026, 11, 30)) == "2026-10-15"
    assert datetime.date(1970, 1, 1) == schedule.EPOCH


def test_the_offset_depends_on_pool_and_username_only_unambiguously() -> None:
    assert schedule.offset_days(POOL, "alice", 3650) != schedule.offset_days("us-east-1_Other", "alice", 3650)
    # "a" + "bc" and "ab" + "c" are different users.
    assert schedule.offset_days("us-east-1_a", "bc", 3650) != schedule.offset_days("us-east-1_ab", "c", 3650)


@pytest.mark.parametrize("period", [1, 2, 7, 90, 365, 3650])
def test_every_day_lies_in_exactly_one_window_of_the_period(period: int) -> None:
    today = datetime.date(2026, 11, 30)
    start = schedule.window_start(POOL, "alice", period, today)
    assert start <= today < start + period * DAY
    assert (start - schedule.EPOCH).days % period == schedule.offset_days(POOL, "alice", period)


def test_a_window_lasts_the_period_then_the_next_begins() -> None:
    start = schedule.window_start(POOL, "alice", 90, datetime.date(2026, 11, 30))
    inside = {schedule.window(POOL, "alice", 90, start + n * DAY) for n in range(90)}
    assert inside == {start.isoformat()}
    assert schedule.window(POOL, "alice", 90, start + 90 * DAY) == (start + 90 * DAY).isoformat()
    assert schedule.window(POOL, "alice", 90, start + 300 * DAY) == (start + 270 * DAY).isoformat()


def test_dates_before_the_first_window_start_still_have_a_window() -> None:
    start = schedule.window_start(POOL, "alice", 3650, schedule.EPOCH)
    assert start <= schedule.EPOCH


def test_5000_users_created_on_one_day_fall_due_about_n_over_p_a_day() -> None:
    # 5,000 users named user-00000 .. user-04999 in one pool, P = 90, all created on day D.
    # Over the next 90 days each is due exactly once (its next window start). A hash spreads
    # them like a uniform random day each: a day's count is Binomial(5000, 1/90), mean 55.6,
    # sd 7.4. The bound: 85 (mean + 4 sd, about 1.5 N/P); for a truly uniform assignment the
    # chance that any of the 90 days exceeds it is about 0.3 %. Measured: busiest day 69,
    # quietest 36. The hash is deterministic, so this is a fixed fact, not a flaky draw.
    created = datetime.date(2026, 11, 30)
    users = [f"user-{i:05d}" for i in range(5000)]
    due: collections.Counter[datetime.date] = collections.Counter()
    for user in users:
        due_on = schedule.window_start(POOL, user, 90, created) + 90 * DAY  # the next window's first day
        assert created < due_on <= created + 90 * DAY
        assert schedule.window_start(POOL, user, 90, due_on - DAY) < due_on == schedule.window_start(
            POOL, user, 90, due_on)
        due[due_on] += 1
    assert max(due.values()) <= 85
    assert min(due[created + n * DAY] for n in range(1, 91)) >= 26  # and no day sits idle


@pytest.mark.parametrize(("value", "days"), [
    (1, 1), (90, 90), (90.0, 90), (3650, 3650),
    (0, None), (3651, None), (-5, None), (1.5, None), (True, None), ("90", None), (None, None),
])
def test_period(value: Any, days: int | None) -> None:
    assert schedule.period(value) == days


TODAY = datetime.date(2026, 11, 30)
NEWS = {"user_pool_id": POOL, "username": "alice", "rotate_after_days": 90}


def test_checked_window_is_todays_window() -> None:
    assert schedule.checked_window(NEWS, {}, TODAY) == "2026-10-15"


def test_no_schedule_no_window() -> None:
    assert schedule.checked_window({**NEWS, "rotate_after_days": None}, {}, TODAY) is None


@pytest.mark.parametrize("key", ["user_pool_id", "username", "rotate_after_days"])
def test_an_unknown_input_makes_the_window_unknown(key: str) -> None:
    assert isinstance(schedule.checked_window({**NEWS, key: Unknown()}, {}, TODAY), Unknown)


@pytest.mark.parametrize("changes", [
    {"rotate_after_days": 0}, {"username": None}, {"username": 42}, {"user_pool_id": None}, {"user_pool_id": 42},
])
def test_an_invalid_schedule_or_user_has_no_window(changes: dict[str, Any]) -> None:
    assert schedule.checked_window({**NEWS, **changes}, {}, TODAY) is None


def test_the_window_never_moves_back_for_the_same_schedule() -> None:
    stored = {**NEWS, "rotation_window": "2027-01-13"}  # a later run's window; this clock is behind
    assert schedule.checked_window(NEWS, stored, TODAY) == "2027-01-13"
    # A changed schedule, or another user, takes today's window.
    assert schedule.checked_window({**NEWS, "rotate_after_days": 30}, stored, TODAY) != "2027-01-13"
    assert schedule.checked_window(NEWS, {**stored, "username": "bob"}, TODAY) == "2026-10-15"
    # The period arrives from state as a float: still the same schedule.
    assert schedule.checked_window(NEWS, {**stored, "rotate_after_days": 90.0}, TODAY) == "2027-01-13"
