"""The schedule's invariants as properties, over many nights of the provider's own code, in-process.

Each run is what `pulumi up` does with a fresh provider host: a preview (Check, Diff of every
resource, a new count) then an update (Check, Diff, Update of what Diff planned, another new
count), with the state kept as the engine keeps it (a "same" step records the new inputs with
the old outputs). The order of the resources is shuffled per deployment, since the engine
promises none. Only the clock and AdminResetUserPassword are stood in for: the clock is the run's
moment, and a reset is recorded instead of sent. What runs through real hosts and moto is
tests/engine/test_nights.py; 5,000 users over a year is `make bench`.

Generated: periods, fleet sizes, caps, nights skipped, and hand rotations in the afternoon.
Checked: at most one reset per window; never two resets of one user less than P/2 apart unless
a change asked for the second; the preview plans as many resets as the update makes; a cap
above the most users ever due on one day empties any backlog within a bounded number of runs;
skipping nights never adds a reset.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from cognito_password_reset import provider as provider_module
from cognito_password_reset import runcap, schedule
from cognito_password_reset.provider import CognitoPasswordResetProvider

POOL = "us-east-1_Sim123"
KEY = runcap.CONFIG_KEY
START = datetime.date(2027, 1, 1)
NIGHT = datetime.time(2, 0)
AFTERNOON = datetime.time(15, 0)


@dataclass(frozen=True)
class Reset:
    at: datetime.datetime
    by_change: bool


@dataclass
class Sent:
    """Stands in for AWS: records each AdminResetUserPassword."""

    users: list[str] = field(default_factory=list)

    def reset_password(self, _pool: str, username: str, _metadata: object, **_options: object) -> bool:
        self.users.append(username)
        return True


@dataclass
class Run:
    planned: int
    """Resets the preview planned (updates of existing resources)."""
    scheduled: list[str]
    """Users the update reset because of the schedule alone."""
    waiting: int
    """Users the update put off to a later run."""


class Simulation:
    """A stack of ``users`` on a ``period``-day schedule with a cap, run at chosen moments."""

    def __init__(self, users: int, period: int, cap: int, seed: int = 0, *, declared: bool = False) -> None:
        """``declared``: resources come in the order this repository's stack declares them (longest
        waiting first, ``schedule.longest_waiting_first``); otherwise in a random order each time."""
        self.period, self.cap, self.declared = period, cap, declared
        self.users = [f"user-{n}" for n in range(users)]
        self.triggers = dict.fromkeys(self.users, "t0")
        self.state: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self.resets: dict[str, list[Reset]] = {u: [] for u in self.users}
        self.random = random.Random(seed)

    def _inputs(self, user: str) -> dict[str, Any]:
        return {"user_pool_id": POOL, "username": user, "rotate_after_days": self.period,
                "rotation_trigger": self.triggers[user], "reset_on_create": False}

    @contextmanager
    def _host(self, moment: datetime.datetime, sent: Sent) -> Iterator[CognitoPasswordResetProvider]:
        runcap.COUNTER.forget()  # a fresh host: a fresh count
        host = CognitoPasswordResetProvider()
        host.configure(ConfigureRequest(Config({KEY: str(self.cap)}, "sim")))
        with mock.patch.object(provider_module, "_utcnow", lambda: moment), \
                mock.patch.object(host, "_cognito", lambda: sent), mock.patch.object(provider_module, "_warn"):
            yield host
        runcap.COUNTER.forget()

    def _order(self, today: datetime.date) -> list[str]:
        if self.declared:
            periods = [(POOL, u, self.period) for u in self.users]
            return [self.users[i] for i in schedule.longest_waiting_first(periods, today)]
        order = list(self.users)
        self.random.shuffle(order)
        return order

    def run(self, moment: datetime.datetime, changed: Sequence[str] = ()) -> Run:
        """`pulumi up` at ``moment``; ``changed`` users get a new rotation trigger in this run."""
        for user in changed:
            self.triggers[user] = f"t-{moment.isoformat()}"
        planned = 0
        with self._host(moment, Sent()) as preview:
            for user in self._order(moment.date()):
                if user in self.state:
                    olds, outs = self.state[user]
                    checked = preview.check(olds, self._inputs(user)).inputs
                    planned += bool(preview.diff(f"{POOL}/{user}", outs, checked).changes)
        sent = Sent()
        with self._host(moment, sent) as update:
            for user in self._order(moment.date()):
                old = self.state.get(user)
                checked = update.check(old[0] if old else {}, self._inputs(user)).inputs
                if old is None:
                    self.state[user] = (checked, update.create(checked).outs or {})
                elif update.diff(f"{POOL}/{user}", old[1], checked).changes:
                    self.state[user] = (checked, update.update(f"{POOL}/{user}", old[1], checked).outs or {})
                else:
                    self.state[user] = (checked, old[1])  # a same step: new inputs, old outputs
            waiting = len(runcap.COUNTER._waiting)
        for user in sent.users:
            self.resets[user].append(Reset(moment, by_change=user in changed))
        return Run(planned, [u for u in sent.users if u not in changed], waiting)

    def max_due_on_one_day(self) -> int:
        """The most window starts falling on one day of the period: what the cap must exceed."""
        offsets = Counter(schedule.offset_days(POOL, u, self.period) for u in self.users)
        return max(offsets.values())


def nightly(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, NIGHT, datetime.timezone.utc)


def afternoon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, AFTERNOON, datetime.timezone.utc)


def check_invariants(sim: Simulation) -> None:
    half = datetime.timedelta(days=sim.period) / 2
    for user, resets in sim.resets.items():
        windows = [schedule.window(POOL, user, sim.period, r.at.date()) for r in resets if not r.by_change]
        assert len(windows) == len(set(windows)), f"{user}: two scheduled resets in one window: {resets}"
        for before, after in itertools.pairwise(resets):
            assert after.by_change or after.at - before.at >= half, f"{user}: reset again too soon: {resets}"


runs = st.builds(
    lambda users, period, spare, seed: (users, period, spare, seed),
    st.integers(3, 40), st.integers(1, 20), st.integers(-3, 4), st.integers(0, 2**16))


@settings(max_examples=20, deadline=None)
@given(runs, st.sets(st.integers(1, 60), max_size=25), st.lists(st.tuples(st.integers(1, 60), st.integers(0, 39)),
                                                                max_size=8))
def test_nights_with_outages_and_hand_rotations_keep_every_invariant(
        fleet: tuple[int, int, int, int], skipped: set[int], rotations: list[tuple[int, int]]) -> None:
    users, period, spare, seed = fleet
    probe = Simulation(users, period, cap=1, seed=seed)
    cap = max(1, probe.max_due_on_one_day() + spare)  # below, at and above the busiest day
    sim = Simulation(users, period, cap, seed=seed)
    sim.run(nightly(START))  # adopted: nobody mailed
    by_day: dict[int, list[str]] = {}
    for day, who in rotations:
        by_day.setdefault(day, []).append(sim.users[who % users])
    for n in range(1, 61):
        day = START + datetime.timedelta(days=n)
        if n in by_day:
            # A change past the cap fails its preview (tested elsewhere); these stay within it.
            run = sim.run(afternoon(day), sorted(set(by_day[n]))[:cap])
        elif n not in skipped:
            run = sim.run(nightly(day))
        else:
            continue
        assert run.planned == len(run.scheduled) + len(sorted(set(by_day.get(n, ())))[:cap]), (
            "the preview planned another number of resets than the update made")
        assert len(run.scheduled) <= cap
        assert run.waiting == 0 or len(run.scheduled) == cap, "a user waited while a slot was free"
    check_invariants(sim)


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 40), st.integers(2, 15), st.integers(1, 3), st.integers(1, 30), st.integers(0, 2**16))
def test_a_cap_above_the_busiest_day_empties_any_backlog_within_a_bounded_number_of_runs(
        users: int, period: int, spare: int, outage: int, seed: int) -> None:
    sim = Simulation(users, period, cap=1, seed=seed)
    busiest = sim.max_due_on_one_day()
    sim.cap = busiest + spare
    sim.run(nightly(START))
    # An outage of ``outage`` nights, then a run every night.
    waiting = [sim.run(nightly(START + datetime.timedelta(days=outage + 1 + n))).waiting for n in range(3 * period)]
    bound = math.ceil(waiting[0] / spare) + 1
    assert all(w == 0 for w in waiting[bound:]), (waiting, bound)
    check_invariants(sim)


@settings(max_examples=15, deadline=None)
@given(st.integers(3, 30), st.integers(1, 15), st.sets(st.integers(1, 45), max_size=30), st.integers(0, 2**16),
       st.booleans())
def test_skipping_nights_never_adds_a_reset(users: int, period: int, skipped: set[int], seed: int,
                                            capped: bool) -> None:
    every, some = (Simulation(users, period, cap=0, seed=seed) for _ in range(2))
    if capped:
        every.cap = some.cap = every.max_due_on_one_day()
    for sim, nights in ((every, range(46)), (some, [n for n in range(46) if n not in skipped])):
        for n in nights:
            sim.run(nightly(START + datetime.timedelta(days=n)))
        check_invariants(sim)
    for user in every.users:
        assert len(some.resets[user]) <= len(every.resets[user]), user


def test_a_year_of_nights_for_a_fleet_whose_cap_is_above_its_busiest_day() -> None:
    # 120 users on a 30-day schedule (4 due a night on average), a 5-night outage in March.
    sim = Simulation(120, 30, cap=1, seed=7)
    sim.cap = sim.max_due_on_one_day() + 2
    sim.run(nightly(START))
    waiting = []
    for n in range(1, 366):
        if 60 <= n < 65:
            continue
        waiting.append(sim.run(nightly(START + datetime.timedelta(days=n))).waiting)
    check_invariants(sim)
    assert max(waiting) > 0 and waiting[-250:] == [0] * 250  # drained within days of the outage
    counts = sorted(len(r) for r in sim.resets.values())
    assert counts[0] >= 365 // 30 - 1 and counts[-1] <= 365 // 30 + 1, counts  # about one reset per period


def test_declared_longest_waiting_first_a_cap_below_the_daily_due_rate_starves_nobody() -> None:
    # 60 users on a 10-day schedule, 6 due a day on average, a cap of 4: the backlog never drains,
    # but declared in the stack's order (the user due longest first) everyone keeps being reset.
    sim = Simulation(60, 10, cap=4, declared=True)
    sim.run(nightly(START))
    for n in range(1, 121):
        sim.run(nightly(START + datetime.timedelta(days=n)))
    check_invariants(sim)
    last = START + datetime.timedelta(days=120)
    stale = {u: [x.at.date().isoformat() for x in r] for u, r in sim.resets.items()
             if not r or (nightly(last) - r[-1].at).days > 30}
    assert stale == {}
