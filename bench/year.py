"""9. A year of nights of a 5,000-user fleet, in process: the provider's own Check, Diff and Update.

    .venv/bin/python -m bench.year [--users 5000] [--period 90] [--caps 50 80] [--nights 365]

Each night is what `pulumi up` does with two fresh provider hosts: a preview (Check + Diff) and
an update (Check, Diff, then Update where Diff planned one), with the state kept as the engine
keeps it (a "same" step records the new inputs with the old outputs). Each host is a new
CognitoPasswordResetProvider configured with the cap and a fresh per-run count; only the clock
(the provider's ``_utcnow``, set to 02:00 UTC of the night) and AdminResetUserPassword (recorded,
not sent) are stood in for. Night 0 adopts the fleet (``reset_on_create=False``: nobody mailed);
then a run every night, except an outage of ``--outage`` nights in the middle of the year.

Only the users something can happen to are asked each night: those whose window starts that day
(by the schedule's own offset) and those the cap put off on earlier nights. Every other user's
Check would give the inputs it stored and its Diff no change (a user whose new window came less
than P/2 after its last reset is skipped until its next window starts): on the first night, the
first after the outage and the last, the preview asks all of them too and fails if one would plan
anything. Two orders of the calls: ``registration``
(the program's order, which the engine follows closely and the real-host bench uses) and
``shuffled`` (the engine promises none). The cap admits the first users asked, so the order
decides who waits.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import random
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from pulumi.dynamic import Config, ConfigureRequest

from cognito_password_reset import provider as provider_module
from cognito_password_reset import runcap, schedule, schema
from cognito_password_reset.provider import CognitoPasswordResetProvider

POOL = "us-east-1_BenchYear1"
START = datetime.date(2027, 1, 1)
NIGHT = datetime.time(2, 0)
ORDERS = ("registration", "shuffled")


class Sent:
    """Stands in for AWS in a host: records each AdminResetUserPassword."""

    def __init__(self) -> None:
        self.users: list[str] = []

    def reset_password(self, _pool: str, username: str, _metadata: object, **_options: object) -> bool:
        self.users.append(username)
        return True


@dataclass
class Night:
    day: datetime.date
    calls: int
    """Check + Diff pairs made in the two hosts (the users not asked would plan nothing)."""
    due: int
    """Users the schedule makes due tonight: reset, or put off by the cap."""
    reset: int
    waiting: int
    """Users due but put off to a later run by the cap (the backlog after tonight)."""
    skipped: int
    """Users behind on their window whose new window came less than P/2 after a late reset."""


@dataclass
class Fleet:
    """``users`` on a ``period``-day schedule under ``cap``, called in ``order``."""

    users: int
    period: int
    cap: int
    order: str
    seed: int = 0
    names: list[str] = field(init=False)
    state: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(init=False, default_factory=dict)
    resets: dict[str, list[datetime.date]] = field(init=False)
    waits: list[int] = field(init=False, default_factory=list)
    """Days each reset came after the night its user first became due for it."""
    behind: set[str] = field(init=False, default_factory=set)
    """Users the cap put off in the last run: due, waiting for a slot."""
    due_since: dict[str, datetime.date] = field(init=False, default_factory=dict)
    calls: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.names = [f"user-{n:05d}" for n in range(self.users)]
        self.rank = {u: n for n, u in enumerate(self.names)}
        self.resets = {u: [] for u in self.names}
        self.by_offset: dict[int, list[str]] = {}
        for u in self.names:  # the schedule's own offset: who starts a window on which day
            self.by_offset.setdefault(schedule.offset_days(POOL, u, self.period), []).append(u)
        self.last_run = START
        """The day of the last run: the windows that started since are asked about."""
        self.random = random.Random(self.seed)

    def inputs(self, user: str) -> dict[str, Any]:
        return {"user_pool_id": POOL, "username": user, "rotate_after_days": self.period,
                "reset_on_create": False}

    @contextmanager
    def host(self, moment: datetime.datetime, sent: Sent) -> Iterator[CognitoPasswordResetProvider]:
        """A fresh provider host of one deployment: a new provider, a new count, the clock at ``moment``."""
        runcap.COUNTER.forget()
        host = CognitoPasswordResetProvider()
        host.configure(ConfigureRequest(Config({runcap.CONFIG_KEY: str(self.cap)}, "bench")))
        with mock.patch.object(provider_module, "_utcnow", lambda: moment), \
                mock.patch.object(host, "_cognito", lambda: sent), mock.patch.object(provider_module, "_warn"):
            yield host
        runcap.COUNTER.forget()

    def ordered(self, users: set[str]) -> list[str]:
        if self.order == "registration":
            return sorted(users, key=self.rank.__getitem__)
        listed = sorted(users, key=self.rank.__getitem__)
        self.random.shuffle(listed)
        return listed

    def adopt(self, day: datetime.date) -> None:
        """Night 0: every resource created, nobody reset (``reset_on_create=False``)."""
        sent = Sent()
        with self.host(datetime.datetime.combine(day, NIGHT, datetime.timezone.utc), sent) as h:
            for u in self.names:
                checked = h.check({}, self.inputs(u)).inputs
                self.state[u] = (checked, h.create(checked).outs or {})
        if sent.users:
            raise AssertionError(f"adopting the fleet reset {len(sent.users)} users")
        self.last_run = day

    def run(self, day: datetime.date, *, sweep: bool = False) -> Night:
        """`pulumi up` on the night of ``day``: a preview, then an update, each in a fresh host."""
        moment = datetime.datetime.combine(day, NIGHT, datetime.timezone.utc)
        since = min((day - self.last_run).days, self.period)  # nights missed: their windows started too
        today = (day - schedule.EPOCH).days
        starting = {u for d in range(since) for u in self.by_offset.get((today - d) % self.period, ())}
        asked = self.behind | starting
        everyone = set(self.names) if sweep else asked

        def past_cap(count: int, user: str) -> bool:
            # Once the cap's slots are taken, a user put off on an earlier night whose window has not
            # moved since would only be put off again, its state unchanged: it is not asked.
            return 0 < self.cap <= count and user not in starting

        planned: list[str] = []
        calls = 0
        with self.host(moment, Sent()) as preview:
            for u in self.ordered(everyone):
                if not sweep and past_cap(len(planned), u):
                    continue
                olds, outs = self.state[u]
                checked = preview.check(olds, self.inputs(u)).inputs
                changes = preview.diff(f"{POOL}/{u}", outs, checked).changes
                calls += 1
                if u not in asked and (changes or checked != olds):
                    raise AssertionError(f"{day}: {u} planned {changes} / checked {checked} though no window of "
                                         f"its started since its last run: the bench's short cut is wrong")
                if changes:
                    planned.append(u)

        sent = Sent()
        with self.host(moment, sent) as update:
            for u in self.ordered(asked):
                if past_cap(len(sent.users), u):
                    continue
                olds, outs = self.state[u]
                checked = update.check(olds, self.inputs(u)).inputs
                if update.diff(f"{POOL}/{u}", outs, checked).changes:
                    outs = update.update(f"{POOL}/{u}", outs, checked).outs or {}
                self.state[u] = (checked, outs)  # an update's outputs, or a same step's old ones
                calls += 1
        self.calls += calls
        self.last_run = day

        reset = set(sent.users)
        # Both hosts admit the first users they are asked about: in registration order the same ones.
        if len(planned) != len(reset) or (self.order == "registration" and set(planned) != reset):
            raise AssertionError(f"{day}: the preview planned {len(planned)} resets, the update made {len(reset)}")
        behind, waiting, skipped = self.behind, [], 0
        self.behind = set()
        for u in asked:
            if u in reset:
                continue
            olds, outs = self.state[u]
            window = olds[schema.ROTATION_WINDOW]
            if outs[schema.ROTATION_WINDOW] == window:
                continue
            # A user put off before was last reset over a period before its window: never too soon.
            if u not in behind and schedule.too_soon(window, outs.get(schema.RESET_AT), self.period):
                skipped += 1  # nothing happens to it until its next window starts
            else:
                waiting.append(u)
                self.behind.add(u)
        for u in [*reset, *waiting]:
            self.due_since.setdefault(u, day)
        for u in reset:
            self.resets[u].append(day)
            self.waits.append((day - self.due_since.pop(u)).days)
        if len(reset) > self.cap or (waiting and len(reset) < self.cap):
            raise AssertionError(f"{day}: {len(reset)} reset, {len(waiting)} waiting, cap {self.cap}")
        return Night(day, calls, len(reset) + len(waiting), len(reset), len(waiting), skipped)


def check_resets(pool: str, period: int, resets: dict[str, list[datetime.date]]) -> None:
    """No user reset twice in one window, nor twice less than P/2 apart (bench.nights checks its
    nights through real hosts with the same function)."""
    for user, days in resets.items():
        windows = [schedule.window(pool, user, period, d) for d in days]
        if len(windows) != len(set(windows)):
            raise AssertionError(f"{user} was reset twice in one window: {days}")
        if any(2 * (b - a).days < period for a, b in itertools.pairwise(days)):
            raise AssertionError(f"{user}: two scheduled resets less than {period / 2:g} days apart: {days}")


def simulate(users: int, period: int, cap: int, order: str, nights: int, outage: int) -> dict[str, Any]:
    fleet = Fleet(users, period, cap, order)
    busiest = max(len(v) for v in fleet.by_offset.values())
    t0, cpu0 = time.perf_counter(), time.process_time()
    fleet.adopt(START)
    gap_start = nights // 2
    sweeps = {1, gap_start + outage, nights}  # every user asked: checks the short cut
    log: list[Night] = []
    for n in range(1, nights + 1):
        if gap_start <= n < gap_start + outage:
            continue
        log.append(fleet.run(START + datetime.timedelta(days=n), sweep=n in sweeps))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    check_resets(POOL, fleet.period, fleet.resets)

    gaps = [(b - a).days for days in fleet.resets.values() for a, b in itertools.pairwise(days)]
    per_user = [len(d) for d in fleet.resets.values()]
    backlog = [night.waiting for night in log]
    after = [night for night in log if night.day > START + datetime.timedelta(days=gap_start + outage - 1)]
    drained = next((i + 1 for i, night in enumerate(after) if night.waiting == 0), None)
    first = next((i for i, w in enumerate(backlog) if w), None)
    return {
        "users": users, "period_days": period, "cap": cap, "order": order, "nights": len(log),
        "outage": {"from_night": gap_start, "nights": outage, "drained_after_runs": drained},
        "busiest_day": busiest, "mean_due_per_day": users / period,
        "max_backlog": max(backlog), "nights_with_backlog": sum(1 for w in backlog if w),
        "first_night_with_backlog": None if first is None else first + 1,
        "backlog_last_30": {"min": min(backlog[-30:]), "max": max(backlog[-30:])},
        "resets": sum(per_user), "skipped_windows": sum(night.skipped for night in log),
        "resets_per_user": {"mean": statistics.fmean(per_user), "min": min(per_user), "max": max(per_user),
                            "never": per_user.count(0)},
        "resets_per_user_per_year": 365 * statistics.fmean(per_user) / nights,
        "gap_days": {"mean": statistics.fmean(gaps), "min": min(gaps), "max": max(gaps)} if gaps else None,
        "wait_days": {"mean": statistics.fmean(fleet.waits), "max": max(fleet.waits),
                      "p99": statistics.quantiles(fleet.waits, n=100)[98]} if len(fleet.waits) > 1 else None,
        "still_waiting_days_max": max(((START + datetime.timedelta(days=nights)) - d).days
                                      for d in fleet.due_since.values()) if fleet.due_since else 0,
        "backlog_by_night": backlog,
        "calls": fleet.calls, "wall_s": wall, "cpu_s": cpu, "us_per_call": 1e6 * cpu / fleet.calls,
    }


def year(users: int = 5000, period: int = 90, caps: Sequence[int] = (50, 80), nights: int = 365,
         outage: int = 3, orders: Sequence[str] = ORDERS) -> list[dict[str, Any]]:
    runs = []
    for cap in caps:
        for order in orders:
            runs.append(simulate(users, period, cap, order, nights, outage))
            print(describe_run(runs[-1]), flush=True)
    return runs


def describe_run(r: dict[str, Any]) -> str:
    g, w, p = r["gap_days"], r["wait_days"], r["resets_per_user"]
    o = r["outage"]
    drained = (f"backlog gone {o['drained_after_runs']} run(s) after the {o['nights']}-night outage"
               if o["drained_after_runs"] else f"backlog never gone after the {o['nights']}-night outage")
    return "\n".join([
        f"9 year, {r['users']} users, P={r['period_days']}, cap {r['cap']}, {r['order']} order "
        f"(busiest day {r['busiest_day']}, mean {r['mean_due_per_day']:.1f} due a day): "
        f"{r['nights']} nights in {r['wall_s']:.1f} s ({r['us_per_call']:.0f} us CPU per Check + Diff)",
        f"  backlog max {r['max_backlog']}, on {r['nights_with_backlog']} nights, last 30 nights "
        f"{r['backlog_last_30']['min']}-{r['backlog_last_30']['max']}; {drained}; "
        f"{r['skipped_windows']} windows skipped (P/2 rule)",
        f"  resets per user {p['mean']:.2f} (min {p['min']}, max {p['max']}, {p['never']} never reset) = "
        f"{r['resets_per_user_per_year']:.2f} a year; gap between a user's resets "
        + (f"mean {g['mean']:.1f} d, min {g['min']}, max {g['max']}" if g else "-")
        + (f"; wait for a slot mean {w['mean']:.1f} d, p99 {w['p99']:.0f}, max {w['max']}" if w else "")
        + (f"; still waiting at the end up to {r['still_waiting_days_max']} d" if r["still_waiting_days_max"]
           else ""),
    ])


def describe(runs: list[dict[str, Any]]) -> str:
    return "\n".join(describe_run(r) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--period", type=int, default=90)
    parser.add_argument("--caps", type=int, nargs="+", default=[50, 80])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--outage", type=int, default=3, help="nights without a run, in the middle of the year")
    parser.add_argument("--orders", nargs="+", choices=ORDERS, default=list(ORDERS))
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    args = parser.parse_args()
    runs = year(args.users, args.period, args.caps, args.nights, args.outage, args.orders)
    if args.out:
        args.out.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
