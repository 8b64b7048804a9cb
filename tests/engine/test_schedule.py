"""rotate_after_days through the real provider host, across a window boundary.

Each run is a fresh host (as each ``pulumi up`` is), its wall clock moved to the run's UTC day
by testbed/clock_host.py. Users' windows depend on the pool id, which moto picks at random,
so the days are computed from the schedule's own function, then checked against what the host
did: whether it planned a step, how many AdminResetUserPassword went out, and the state.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

from cognito_password_reset import schedule

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import UNKNOWN, Engine, Goal, Stack
from .servers import Pool

RESET = "AdminResetUserPassword"
P = 90
DAY = datetime.timedelta(days=1)


def same_window_as(pool_id: str, username: str, today: datetime.date) -> str:
    """A username other than ``username`` whose windows start on the same days."""
    start = schedule.window_start(pool_id, username, P, today)
    return next(name for name in (f"bob-{n}" for n in itertools.count())
                if schedule.window_start(pool_id, name, P, today) == start)


def test_a_scheduled_user_is_reset_once_when_its_next_window_begins(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    first = schedule.window_start(pool.id, "alice", P, datetime.date(2026, 11, 30))
    second, later = first + P * DAY, first + 3 * P * DAY + 5 * DAY
    bob = same_window_as(pool.id, "alice", first)
    for name in ("alice", bob):
        pool.user(name)
    alice = declare("alice", user_pool_id=pool.id, username="alice", rotate_after_days=P)
    adopted = declare("bob", user_pool_id=pool.id, username=bob, rotate_after_days=P, reset_on_create=False)

    def run_on(day: datetime.date) -> Engine:
        """A fresh host for the next run (same state), its clock on ``day``."""
        return launch(proxy.url, today=day.isoformat()).engine

    # Day 30 of alice's window: created and reset (60 days before the next window, over P/2); bob adopted.
    stack = Stack(run_on(first + 30 * DAY))
    assert [stack.up(g).op for g in (alice, adopted)] == ["create", "create"]
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["alice"]
    assert stack["alice"].outputs["rotation_window"] == first.isoformat()
    assert stack["bob"].outputs["rotation_window"] == first.isoformat()
    assert stack["alice"].outputs["reset_at"].startswith((first + 30 * DAY).isoformat())
    assert stack["bob"].outputs.get("reset_at") is None

    # The last day of the window: no step, no call.
    proxy.clear()
    stack.engine = run_on(second - DAY)
    assert [stack.up(g).op for g in (alice, adopted)] == ["same", "same"]
    assert proxy.requests == []

    # The first day of the next window: the preview names the change and calls nothing...
    stack.engine = run_on(second)
    step = stack.preview(alice)
    assert step.op == "update" and step.diff is not None and step.diff.replaces == ()
    inputs, _ = stack.engine.check(alice.urn, stack["alice"].inputs, alice.inputs, alice.secret_keys)
    assert (stack["alice"].inputs["rotation_window"], inputs["rotation_window"]) == (first.isoformat(),
                                                                                      second.isoformat())
    assert proxy.requests == []
    # ...and the up resets each user exactly once, the adopted one included.
    assert [stack.up(g).op for g in (alice, adopted)] == ["update", "update"]
    assert sorted(r.json()["Username"] for r in proxy.forwarded(RESET)) == sorted(["alice", bob])
    for name in ("alice", "bob"):
        assert stack[name].outputs["rotation_window"] == second.isoformat()
        assert stack[name].outputs["reset_at"].startswith(second.isoformat())
        assert stack[name].outputs["user_status"] == "RESET_REQUIRED"

    # Several windows missed, and a new trigger in the same run: still one reset.
    proxy.clear()
    stack.engine = run_on(later)
    assert stack.up(alice.but(rotation_trigger="t2")).op == "update"
    assert len(proxy.forwarded(RESET)) == 1
    assert stack["alice"].outputs["rotation_window"] == (first + 3 * P * DAY).isoformat()


def test_turning_the_schedule_on_changing_and_removing_it_mails_nobody(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    plain = declare("alice", user_pool_id=pool.id, username="alice")
    stack = launch(proxy.url, today="2026-11-30").stack
    stack.up(plain)
    proxy.clear()
    for goal in (plain.but(rotate_after_days=P), plain.but(rotate_after_days=7), plain):
        assert stack.up(goal).op == "update"
        assert stack["alice"].outputs.get("rotate_after_days") == goal.inputs.get("rotate_after_days")
    assert proxy.requests == []
    assert stack["alice"].outputs.get("rotation_window") is None

    # A preview where the pool comes from a resource not created yet: the window is unknown too.
    preview = declare("new", user_pool_id="placeholder", username="carol", rotate_after_days=P).unknown(
        "user_pool_id")
    inputs, failures = stack.engine.check(preview.urn, {}, preview.inputs, preview.secret_keys)
    assert failures == [] and inputs["rotation_window"] == UNKNOWN
