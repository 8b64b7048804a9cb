"""A scheduled fleet run night after night through real provider hosts, as `pulumi up` runs it.

Each night is two deployments, each a fresh host with its clock on that night: the preview
(Check and Diff of every resource, in registration order) and the update (Check, Diff, then the
Update the Diff planned). The state carries from night to night as the engine keeps it. What a
user relies on, checked every night: no run fails because of the cap; the preview names exactly
the users the update resets; no user is reset twice in one window, nor twice by the schedule
less than half a period apart; a backlog left by missed nights drains when the cap is above the
daily due rate; a user rotated by hand this afternoon is not mailed again tonight.

Small numbers (a 6-day period, 18 users, a cap of 6) keep each night to about a second; the long run
(5,000 users, 90 days, cap 50) is in `make bench`, and years of nights of the provider's own
planning functions are tests/unit/test_nights_simulated.py.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cognito_password_reset import runcap, schedule

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, Stack
from .servers import Pool

RESET = "AdminResetUserPassword"
KEY = runcap.CONFIG_KEY
P = 6
DAY = datetime.timedelta(days=1)
NIGHT = datetime.time(2, 0)
WAITS = re.compile(r"^warning: CognitoPasswordReset: [^/\s]+/(\S+) is due for its scheduled reset", re.MULTILINE)


@dataclass
class Night:
    planned: list[str]
    """The users the preview planned an update for, in registration order."""
    reset: list[str]
    """The users the update reset (AdminResetUserPassword sent)."""
    waiting: list[str]
    """The users the preview's warnings said wait for a later run."""


@dataclass
class Fleet:
    """A stack run night by night, and every reset each user got."""

    proxy: FaultProxy
    launch: Launch
    cap: int
    stack: Stack | None = None
    resets: dict[str, list[datetime.datetime]] = field(default_factory=dict)

    def _deployment(self, moment: datetime.datetime) -> tuple[Stack, Callable[[], str]]:
        launched = self.launch(self.proxy.url, config={KEY: str(self.cap)}, today=moment.isoformat())
        if self.stack is None:
            self.stack = Stack(launched.engine)
        self.stack.engine = launched.engine
        return self.stack, launched.stderr

    def run(self, moment: datetime.datetime, goals: Sequence[Goal]) -> Night:
        """One `pulumi up` at ``moment``: a preview, then an update, each in its own host."""
        stack, stderr = self._deployment(moment)
        planned = [g.name for g in goals if g.name in stack.resources and stack.preview(g).op == "update"]
        waiting = WAITS.findall(stderr())
        self.proxy.clear()
        stack, _ = self._deployment(moment)
        for goal in goals:
            stack.up(goal)
        reset = [r.json()["Username"] for r in self.proxy.forwarded(RESET)]
        for user in reset:
            self.resets.setdefault(user, []).append(moment)
        return Night(planned, reset, waiting)



def at_night(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, NIGHT, datetime.timezone.utc)


def three_a_day(pool_id: str) -> list[str]:
    """18 usernames whose windows start 3 on each day of the period. Picked by the schedule's own
    offset, because the pool id (moto's, at random) decides the days: 18 names taken as they come
    put 7 or more on one day about one time in eight, and a cap of 6 then leaves one waiting again
    after the backlog is gone."""
    names: list[str] = []
    for day in range(P):
        starting = (f"u{day}-{n}" for n in itertools.count() if schedule.offset_days(pool_id, f"u{day}-{n}", P) == day)
        names += itertools.islice(starting, 3)
    return names


def test_a_backlog_past_the_cap_waits_night_after_night_and_drains_without_a_failed_run(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    users = three_a_day(pool.id)  # P = 6: 3 due a night
    for user in users:
        pool.user(user)
    goals = [declare(u, user_pool_id=pool.id, username=u, rotate_after_days=P, reset_on_create=False)
             for u in users]
    fleet = Fleet(proxy, launch, cap=6)
    start = datetime.date(2026, 12, 1)
    assert fleet.run(at_night(start), goals).reset == []  # adopted: nobody mailed

    # Three nights missed (the pipeline was down), then a run every night past the next windows.
    nights: dict[datetime.date, Night] = {}
    for day in (start + n * DAY for n in range(4, 4 + P + 2)):
        nights[day] = night = fleet.run(at_night(day), goals)
        assert night.planned == night.reset, f"{day}: the preview named other users than the update reset"
        assert len(night.reset) <= fleet.cap
        assert not set(night.waiting) & set(night.reset)
        if night.waiting:
            assert len(night.reset) == fleet.cap, f"{day}: users waited while a slot was free"
    waited = [len(n.waiting) for n in nights.values()]
    assert waited[0] > 0, "the missed nights should leave more users due than the cap"
    # Cap 6 against 3 falling due a night: the backlog is gone after a few nights and stays gone.
    assert 0 in waited and waited[waited.index(0):] == [0] * (len(waited) - waited.index(0)), waited
    assert waited.index(0) <= 4, waited

    for user, times in fleet.resets.items():
        windows = [schedule.window(pool.id, user, P, t.date()) for t in times]
        assert len(windows) == len(set(windows)), f"{user} was reset twice in one window: {times}"
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert all(2 * gap >= P * DAY for gap in gaps), f"{user}: scheduled resets too close: {times}"
    assert set(fleet.resets) == set(users), "every user was reset within the period after the outage"


def test_a_user_rotated_by_hand_this_afternoon_is_not_mailed_again_tonight(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    # bob's window starts tonight; alice is created this afternoon on a day that her window starts
    # tomorrow. Neither is reset again by tomorrow's run; the window after resets both.
    today = datetime.date(2026, 12, 3)
    bob = next(f"bob-{n}" for n in range(1000)
               if schedule.window_start(pool.id, f"bob-{n}", P, today + DAY) == today + DAY)
    alice = next(f"alice-{n}" for n in range(1000)
                 if schedule.window_start(pool.id, f"alice-{n}", P, today + DAY) == today + DAY)
    for user in (bob, alice):
        pool.user(user)
    adopted = declare(bob, user_pool_id=pool.id, username=bob, rotate_after_days=P, rotation_trigger="t1",
                      reset_on_create=False)
    created = declare(alice, user_pool_id=pool.id, username=alice, rotate_after_days=P)
    fleet = Fleet(proxy, launch, cap=5)
    assert fleet.run(at_night(today - 2 * DAY), [adopted]).reset == []

    afternoon = datetime.datetime.combine(today, datetime.time(15, 0), datetime.timezone.utc)
    assert fleet.run(afternoon, [adopted.but(rotation_trigger="t2"), created]).reset == [bob, alice]

    tonight = fleet.run(at_night(today + DAY), [adopted.but(rotation_trigger="t2"), created])
    assert (tonight.planned, tonight.reset, tonight.waiting) == ([], [], [])
    # The engine recorded the new window with the old outputs: still no step the night after...
    later = fleet.run(at_night(today + 2 * DAY), [adopted.but(rotation_trigger="t2"), created])
    assert (later.planned, later.reset) == ([], [])
    # ...and the next window start resets both, once.
    after = fleet.run(at_night(today + (P + 1) * DAY), [adopted.but(rotation_trigger="t2"), created])
    assert sorted(after.reset) == sorted([bob, alice]) and after.planned == after.reset


def test_half_a_period_is_the_boundary_measured_at_the_window_start(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    # State as an earlier run left it, with the last reset just under and exactly P/2 before the
    # window start: the first is skipped (no step in the preview), the second is reset.
    start = datetime.date(2026, 12, 10)
    users = [next(f"{stem}-{n}" for n in range(1000)
                  if schedule.window_start(pool.id, f"{stem}-{n}", P, start) == start) for stem in ("under", "at")]
    for user in users:
        pool.user(user)
    goals = [declare(u, user_pool_id=pool.id, username=u, rotate_after_days=P, reset_on_create=False)
             for u in users]
    fleet = Fleet(proxy, launch, cap=5)
    fleet.run(at_night(start - 2 * DAY), goals)  # adopted
    assert fleet.stack is not None
    half = datetime.datetime.combine(start, datetime.time(), datetime.timezone.utc) - P * DAY / 2
    for user, last in zip(users, (half + datetime.timedelta(seconds=1), half), strict=True):
        state = fleet.stack[user]
        state.outputs = {**state.outputs, "reset_at": last.strftime("%Y-%m-%dT%H:%M:%SZ")}
    night = fleet.run(at_night(start), goals)
    assert (night.planned, night.reset) == ([users[1]], [users[1]])
