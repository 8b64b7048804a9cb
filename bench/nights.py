"""8. Consecutive nights of a 5,000-user scheduled fleet through real provider hosts, after an outage.

    .venv/bin/python -m bench.nights [--users 5000] [--caps 50 80] [--outage 3] [--nights 5]

5,000 CognitoPasswordReset with ``rotate_after_days=90``, adopted on night 0 (``reset_on_create=False``:
nobody mailed; the provider's own Check + Create in this process, its clock on that night, which
spares the 25 s a host takes for 5,000 creates). Then the pipeline is down for
``--outage`` nights, and runs every night after: each night is what `pulumi up` does, two
deployments each with a fresh provider host whose wall clock is moved to 02:00 UTC of that night
(``testbed.clock_host``: time-machine, then ``pulumi.dynamic``'s own main): the preview (Check +
Diff of all 5,000, 4 in flight, in registration order) and the update (Check, Diff, and the
Update Diff planned, which resets the user in moto). The state carries from night to night as
the engine keeps it: an update's outputs, or for a "same" step the new inputs with the old
outputs. ``cognito-password-reset:maxResetsPerRun`` is each fleet's cap; the reset rate limit is
left at its default (30/s).

Checked every night, and the bench fails if not: no call fails; the users reset are among those
the schedule (its own functions, over the state before the night) makes due, as many as the cap
allows, and the preview planned as many; every due user not reset waits, with the host's warning
lines as runcap words them (each of the first 20, then every 100th); a user waits only when the cap
is full. Over all nights: no user is reset twice in one window nor twice less than P/2 apart, and
moto holds exactly the users the bench saw reset. A fleet whose cap is above the mean number due a
day (5,000 / 90 = 55.6) runs until its backlog is gone (at most ``--max-nights``), and fails if
that takes more than 2 nights longer than a steady drain of (cap - mean) a night from the first
night's backlog predicts. Both fleets start from the same adopted state and the same pool, so they
see the same users fall due. The busiest day depends on the pool id, which moto picks at random
(71 to 81 in the runs so far), so a cap of 80 is not always above it.

Only the users whose window starts between night 0 and the last night exist in moto (about 56 a
day): no other can be reset, and an Update of one that does not exist would fail the night.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from pulumi.dynamic.dynamic import serialize_provider

from cognito_password_reset import provider as provider_module
from cognito_password_reset import runcap, schedule
from cognito_password_reset.provider import CognitoPasswordResetProvider

from . import paths
from .driver import IN_FLIGHT, HostClient, plain, stack_config, struct
from .procs import ROOT, Moto, cpu_seconds, host_env, moto_server, provider_host, scratch_dir
from .year import check_resets

PERIOD = 90
NIGHT = datetime.time(2, 0)
DAY = datetime.timedelta(days=1)
ADOPTED_ON = datetime.date(2026, 12, 1)
NAMED = re.compile(r"^warning: CognitoPasswordReset: [^/\s]+/(\S+) is due for its scheduled reset", re.MULTILINE)
COUNTED = re.compile(r"^warning: CognitoPasswordReset: (\d+) users due for their scheduled reset wait", re.MULTILINE)

State = dict[str, tuple[dict[str, Any], dict[str, Any]]]
"""Each user's stored inputs and outputs, as the engine keeps them."""


def news(pool: str, user: str) -> dict[str, Any]:
    """What the program registers for ``user``, every night the same."""
    return {"user_pool_id": pool, "username": user, "reset_on_create": False, "rotate_after_days": PERIOD}


def at_night(day: datetime.date) -> str:
    return datetime.datetime.combine(day, NIGHT, datetime.timezone.utc).isoformat()


def warnings_for(waiting: int) -> int:
    """How many warning lines a host writes for ``waiting`` users put off (runcap.waiting_warning)."""
    return sum(runcap.waiting_warning("pool/user", None, 1, k) is not None for k in range(1, waiting + 1))


def due(pool: str, state: State, day: datetime.date) -> set[str]:
    """The users the schedule makes due on ``day``, from the stored outputs: a later window has
    begun, and not less than P/2 after the last reset."""
    found = set()
    for user, (_inputs, outputs) in state.items():
        window = schedule.window(pool, user, PERIOD, day)
        if window > outputs["rotation_window"] and not schedule.too_soon(window, outputs.get("reset_at"), PERIOD):
            found.add(user)
    return found


@dataclass
class Deployment:
    """One provider host's run over every resource."""

    changed: dict[str, bool]
    """Per user: whether Diff planned a change."""
    state: State
    """The state after it (the preview's is the state before)."""
    start_s: float
    """Host started and configured."""
    calls_s: float
    """Every Check + Diff (and Update) of the fleet, 4 in flight."""
    cpu_s: dict[str, float]
    """The host's whole life; the caller and moto during the calls."""
    stderr: str


def deploy(tmp: Path, name: str, env: dict[str, str], day: datetime.date, config: dict[str, str], pool: str,
           state: State, moto: Moto, *, apply: bool) -> Deployment:
    """A preview (``apply=False``) or an update of the whole fleet in a fresh host on ``day``'s night."""
    t0 = time.perf_counter()
    with provider_host(tmp, name, env, today=at_night(day)) as host:
        driver = HostClient(host.port, serialize_provider(CognitoPasswordResetProvider()))
        driver.configure(config)
        started = time.perf_counter()
        pids = {"caller": os.getpid(), "moto": moto.pid}
        before = {role: cpu_seconds(pid) for role, pid in pids.items()}

        def step(user: str) -> tuple[str, bool, dict[str, Any], dict[str, Any]]:
            old_inputs, old_outputs = state[user]
            checked, changes = driver.check_diff(user, old_inputs, old_outputs, news(pool, user))
            if not apply:
                return user, changes, old_inputs, old_outputs
            outputs = plain(driver.update(user, old_inputs, old_outputs, checked)) if changes else old_outputs
            # The engine records the checked inputs; they differ from the stored ones only in a new window.
            same = checked.fields["rotation_window"].string_value == old_inputs.get("rotation_window")
            return user, changes, old_inputs if same else plain(checked), outputs

        with ThreadPoolExecutor(IN_FLIGHT) as ex:
            steps = list(ex.map(step, state))
        done = time.perf_counter()
        cpu = {role: cpu_seconds(pid) - before[role] for role, pid in pids.items()}
        cpu["host"] = cpu_seconds(host.pid)
        driver.close()
        stderr = host.process.stderr_text()
    return Deployment({u: c for u, c, _, _ in steps}, {u: (i, o) for u, _, i, o in steps} if apply else state,
                      started - t0, done - started, cpu, stderr)


def warned(stderr: str) -> tuple[list[str], int]:
    """The users a host's warnings name, and its number of warning lines about waiting users."""
    named = NAMED.findall(stderr)
    return named, len(named) + len(COUNTED.findall(stderr))


@dataclass
class Fleet:
    """A stack run night after night under one cap, from the adopted state."""

    cap: int
    pool: str
    state: State
    resets: dict[str, list[datetime.date]]

    def night(self, tmp: Path, env: dict[str, str], moto: Moto, day: datetime.date, n: int) -> dict[str, Any]:
        config = stack_config(moto.url, {runcap.CONFIG_KEY: str(self.cap)})  # the read and reset rates: defaults
        expected = due(self.pool, self.state, day)
        preview = deploy(tmp, f"cap{self.cap}-night{n}-preview", env, day, config, self.pool, self.state, moto,
                         apply=False)
        update = deploy(tmp, f"cap{self.cap}-night{n}-update", env, day, config, self.pool, self.state, moto,
                        apply=True)
        planned = {u for u, c in preview.changed.items() if c}
        reset = {u for u, (_, outputs) in update.state.items() if outputs.get("reset_at") != self.state[u][1].get(
            "reset_at")}
        waiting = expected - reset
        fail = f"cap {self.cap}, night {n} ({day}):"
        if not reset <= expected:
            raise AssertionError(f"{fail} reset users the schedule did not make due: {sorted(reset - expected)[:5]}")
        if len(reset) != min(self.cap, len(expected)):
            raise AssertionError(f"{fail} {len(reset)} reset of {len(expected)} due under a cap of {self.cap}")
        if len(planned) != len(reset):
            raise AssertionError(f"{fail} the preview planned {len(planned)} resets, the update made {len(reset)}")
        if {u for u, c in update.changed.items() if c} != reset:
            raise AssertionError(f"{fail} Diff planned a change the update did not reset, or the reverse")
        # Each host puts off the due users it did not admit: with 4 calls in flight, which ones are
        # admitted at the cap's edge is decided by which call reaches the count first, in each host.
        for name, run, admitted in (("preview", preview, planned), ("update", update, reset)):
            named, lines = warned(run.stderr)
            if lines != warnings_for(len(waiting)) or not set(named) <= expected - admitted:
                raise AssertionError(f"{fail} the {name} host wrote {lines} warnings about waiting users, "
                                     f"expected {warnings_for(len(waiting))} for {len(waiting)}, naming only them")
        self.state = update.state
        for user in reset:
            self.resets.setdefault(user, []).append(day)
        return {
            "night": n, "day": day.isoformat(), "due": len(expected), "reset": len(reset), "waiting": len(waiting),
            "planned": len(planned), "preview_names_the_reset_users": planned == reset,
            "planned_not_reset": len(planned - reset),
            "warning_lines": warned(preview.stderr)[1],
            "preview": {"start_s": preview.start_s, "calls_s": preview.calls_s, "cpu_s": preview.cpu_s},
            "update": {"start_s": update.start_s, "calls_s": update.calls_s, "cpu_s": update.cpu_s},
        }


def adopt(pool: str, users: Sequence[str], day: datetime.date) -> State:
    """Night 0 in this process: the provider's own Check + Create of each user, its clock at that
    night, nothing reset; the properties as they cross the wire (numbers as doubles)."""
    provider = CognitoPasswordResetProvider()
    moment = datetime.datetime.combine(day, NIGHT, datetime.timezone.utc)
    state: State = {}
    with mock.patch.object(provider_module, "_utcnow", lambda: moment):
        for user in users:
            checked = provider.check({}, news(pool, user)).inputs
            outputs = provider.create(checked).outs or {}
            state[user] = (plain(struct(checked)), plain(struct(outputs)))
    return state


def reset_required(admin: Any, pool: str) -> set[str]:
    """The users moto has in RESET_REQUIRED (reset at least once since they were made or restored)."""
    found: set[str] = set()
    for page in admin.get_paginator("list_users").paginate(UserPoolId=pool):
        found.update(u["Username"] for u in page["Users"] if u["UserStatus"] == "RESET_REQUIRED")
    return found


def nights(moto: Moto, tmp: Path, env: dict[str, str], n: int, caps: Sequence[int] = (50, 80), outage: int = 3,
           runs: int = 5, max_runs: int = 12, progress: Callable[[str], None] = print) -> dict[str, Any]:
    moto.reset()
    admin = paths.client(moto)
    pool = admin.create_user_pool(PoolName="nights")["UserPool"]["Id"]
    users = [f"user-{i:05d}" for i in range(n)]
    first = ADOPTED_ON + (outage + 1) * DAY
    last = first + (max_runs - 1) * DAY
    may_reset = [u for u in users if schedule.window(pool, u, PERIOD, last) > schedule.window(pool, u, PERIOD,
                                                                                                ADOPTED_ON)]
    t0 = time.perf_counter()
    paths.make_users(admin, pool, may_reset)
    made_s = time.perf_counter() - t0
    per_day = [sum(1 for u in users if schedule.offset_days(pool, u, PERIOD) == d) for d in range(PERIOD)]
    busiest = max(per_day)

    t0 = time.perf_counter()
    adopted = adopt(pool, users, ADOPTED_ON)
    adopt_s = time.perf_counter() - t0
    if reset_required(admin, pool) or any(o.get("reset_at") for _, o in adopted.values()):
        raise AssertionError("adopting the fleet reset users")
    progress(f"8 nights: {n} users adopted on {ADOPTED_ON} in {adopt_s:.1f} s (in process); {len(may_reset)} made "
             f"in moto in {made_s:.1f} s; busiest day {busiest}, mean {n / PERIOD:.1f}")

    fleets = []
    for cap in caps:
        fleet = Fleet(cap, pool, dict(adopted), {})
        log: list[dict[str, Any]] = []
        drains = cap > n / PERIOD
        for k in range(max_runs):
            if k >= runs and (not drains or log[-1]["waiting"] == 0):
                break
            night = fleet.night(tmp, env, moto, first + k * DAY, k + 1)
            log.append(night)
            progress(describe_night(cap, night))
        check_resets(pool, PERIOD, fleet.resets)
        drained = next((x["night"] for x in log if x["waiting"] == 0), None)
        predicted = 1 + math.ceil(log[0]["waiting"] / (cap - n / PERIOD)) if drains else None
        if predicted is not None and predicted + 2 <= max_runs and (drained is None or drained > predicted + 2):
            raise AssertionError(f"cap {cap} is above the mean due a day ({n / PERIOD:.1f}), yet users still wait "
                                 f"after {len(log)} nights: {[x['waiting'] for x in log]} (a steady drain "
                                 f"predicts none after night {predicted})")
        in_moto = reset_required(admin, pool)
        if in_moto != set(fleet.resets):
            raise AssertionError(f"cap {cap}: moto has {len(in_moto)} users reset, the bench saw {len(fleet.resets)}")
        for user in in_moto:  # CONFIRMED again, for the next fleet
            admin.admin_set_user_password(UserPoolId=pool, Username=user, Password=paths.PASSWORD, Permanent=True)
        fleets.append({"cap": cap, "above_busiest_day": cap > busiest, "above_mean_due": drains,
                       "predicted_drain_night": predicted, "nights": log, "drained_on_night": drained,
                       "users_reset": len(fleet.resets), "max_waiting": max(x["waiting"] for x in log)})
    return {"users": n, "period_days": PERIOD, "outage_nights": outage, "adopted_on": ADOPTED_ON.isoformat(),
            "busiest_day": busiest, "quietest_day": min(per_day), "mean_due": n / PERIOD,
            "users_in_moto": len(may_reset), "adopt_s": adopt_s, "fleets": fleets}


def describe_night(cap: int, x: dict[str, Any]) -> str:
    p, u = x["preview"], x["update"]
    same = ("" if x["preview_names_the_reset_users"]
            else f" ({x['planned_not_reset']} planned by the preview put off by the update instead)")
    return (f"  cap {cap} night {x['night']} {x['day']}: due {x['due']:3d}, reset {x['reset']:3d}, waiting "
            f"{x['waiting']:3d} ({x['warning_lines']} warning lines){same}; preview {p['start_s']:.1f} + "
            f"{p['calls_s']:.1f} s, update {u['start_s']:.1f} + {u['calls_s']:.1f} s; CPU s host "
            f"{p['cpu_s']['host']:.1f} / {u['cpu_s']['host']:.1f}, caller {p['cpu_s']['caller']:.1f} / "
            f"{u['cpu_s']['caller']:.1f}, moto {p['cpu_s']['moto']:.1f} / {u['cpu_s']['moto']:.1f}")


def summary(f: dict[str, Any]) -> dict[str, float]:
    """Medians over a fleet's nights: wall and CPU per deployment."""
    med = statistics.median
    log = f["nights"]
    return {"preview_s": med(x["preview"]["start_s"] + x["preview"]["calls_s"] for x in log),
            "update_s": med(x["update"]["start_s"] + x["update"]["calls_s"] for x in log),
            "preview_calls_s": med(x["preview"]["calls_s"] for x in log),
            "update_calls_s": med(x["update"]["calls_s"] for x in log),
            "host_cpu_s": med(x[d]["cpu_s"]["host"] for x in log for d in ("preview", "update")),
            "caller_cpu_s": med(x[d]["cpu_s"]["caller"] for x in log for d in ("preview", "update"))}


def describe(r: dict[str, Any]) -> str:
    lines = [f"8 consecutive nights, {r['users']} users, P={r['period_days']}, real hosts, clock moved; adopted "
             f"{r['adopted_on']}, then {r['outage_nights']} nights without a run (busiest day {r['busiest_day']}, "
             f"quietest {r['quietest_day']}, mean {r['mean_due']:.1f} due a day)"]
    for f in r["fleets"]:
        s = summary(f)
        waits = ", ".join(str(x["waiting"]) for x in f["nights"])
        end = (f"backlog gone on night {f['drained_on_night']}" if f["drained_on_night"] else "backlog not gone")
        if f["predicted_drain_night"]:
            end += f" (a steady drain of cap - mean a night predicts night {f['predicted_drain_night']})"
        lines.append(f"  cap {f['cap']}: waiting after each night {waits}; {end}; {f['users_reset']} users reset, "
                     f"none twice; median preview {s['preview_s']:.1f} s, update {s['update_s']:.1f} s "
                     f"(calls {s['preview_calls_s']:.1f} / {s['update_calls_s']:.1f} s), host CPU "
                     f"{s['host_cpu_s']:.1f} s, caller {s['caller_cpu_s']:.1f} s per deployment")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--caps", type=int, nargs="+", default=[50, 80])
    parser.add_argument("--outage", type=int, default=3, help="nights without a run after the adoption")
    parser.add_argument("--nights", type=int, default=5, help="runs per cap (a cap above the mean due a day: until "
                                                              "its backlog is gone)")
    parser.add_argument("--max-nights", type=int, default=12)
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    args = parser.parse_args()
    with scratch_dir() as tmp, moto_server(Path(tmp)) as moto:
        result = nights(moto, Path(tmp), host_env(), args.users, args.caps, args.outage, args.nights,
                        args.max_nights)
    result["cpu_count"] = os.cpu_count()
    print(describe(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
