"""7. The nightly run of a scheduled fleet: what `pulumi up` costs over 5,000 existing resources.

    .venv/bin/python -m bench.nightly [--n 5000] [--refresh 5000]      (make bench runs it too)

5,000 CognitoPasswordReset with ``rotate_after_days=90`` whose state was written by last
night's run (each ``rotation_window`` computed for yesterday). Tonight the engine checks and
diffs all of them through the real provider host (4 calls in flight); the ~N/90 whose window
starts today plan an update, and those are then updated, each resetting its user in moto. The
same Check + Diff of the same 5,000 goes through a minimal provider's host (bench/minimal_provider.py:
check returns the inputs, diff compares them), taking turns in chunks so both see the same
background load: the provider's own CPU per resource is the difference (host + caller).

Only the due users exist in moto: Check and Diff call no AWS API. "Today" is the host's UTC
date and this process's; a run across 00:00 UTC would see a different set due.

Then `pulumi refresh` of the same fleet, every user existing in moto: a Read (AdminGetUser) of
each through the real provider host, 4 in flight, at the default read rate
(cognito-password-reset:maxReadsPerSecond, 50/s). The limiter spaces the starts of the reads
1/rate apart, so N reads take at least (N - 1)/rate seconds: about 100 s for 5,000.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider

from cognito_password_reset import schedule
from cognito_password_reset.provider import CognitoPasswordResetProvider
from cognito_password_reset.ratelimit import CONFIG_KEY, DEFAULT_READS_PER_SECOND

from . import paths
from .driver import IN_FLIGHT, HostClient, stack_config
from .minimal_provider import MinimalResetProvider
from .procs import ROOT, Host, Moto, cpu_seconds, host_env, moto_server, provider_host, scratch_dir

PERIOD = 90
CHUNK = 250


def last_nights_state(pool: str, users: Sequence[str], today: datetime.date) -> dict[str, tuple[dict[str, Any],
                                                                                                 dict[str, Any]]]:
    """Each user's stored inputs and outputs as yesterday's run left them."""
    yesterday = today - datetime.timedelta(days=1)
    state = {}
    for user in users:
        inputs = {"user_pool_id": pool, "username": user, "reset_on_create": True, "rotate_after_days": PERIOD,
                  "rotation_window": schedule.window(pool, user, PERIOD, yesterday)}
        state[user] = (inputs, {**inputs, "reset_at": "2026-01-01T00:00:00Z", "user_status": "CONFIRMED"})
    return state


def news(pool: str, user: str) -> dict[str, Any]:
    """What tonight's program registers for ``user`` (unchanged since yesterday)."""
    return {"user_pool_id": pool, "username": user, "reset_on_create": True, "rotate_after_days": PERIOD}


def check_diff_all(driver: HostClient, pool: str, users: Sequence[str],
                   state: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Check + Diff of ``users``, 4 in flight; the checked inputs of those Diff planned to change."""
    def one(user: str) -> tuple[str, Any, bool]:
        old_inputs, old_outputs = state[user]
        checked, changes = driver.check_diff(user, old_inputs, old_outputs, news(pool, user))
        return user, checked, changes

    with ThreadPoolExecutor(IN_FLIGHT) as ex:
        return {user: checked for user, checked, changes in ex.map(one, users) if changes}


@dataclass
class Fleet:
    """``n`` scheduled resources as last night's run left them, and their pool in moto."""

    admin: Any
    pool: str
    users: list[str]
    today: datetime.date
    state: dict[str, tuple[dict[str, Any], dict[str, Any]]]
    due: list[str]
    """The users whose window starts today, by the schedule's own function."""


def fleet(moto: Moto, n: int, *, everyone: bool) -> Fleet:
    """Fresh moto state with one pool; the due users ready to be reset and, with ``everyone``,
    every other user of the fleet existing too (what a refresh reads)."""
    moto.reset()
    admin = paths.client(moto)
    pool = admin.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    users = [f"user-{i:05d}" for i in range(n)]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    due = [u for u in users if schedule.window_start(pool, u, PERIOD, today) == today]
    paths.make_users(admin, pool, due)
    if everyone:
        paths.make_users(admin, pool, sorted(set(users) - set(due)), resettable=False)
    return Fleet(admin, pool, users, today, last_nights_state(pool, users, today), due)


def nightly(moto: Moto, tmp: Path, env: dict[str, str], n: int) -> dict[str, Any]:
    f = fleet(moto, n, everyone=False)  # only the due users are reset; the others need no Cognito user
    admin, pool, users, today, state, expected_due = f.admin, f.pool, f.users, f.today, f.state, f.due

    config = stack_config(moto.url, {CONFIG_KEY: "0"})
    with provider_host(tmp, "nightly-provider", env) as real, provider_host(tmp, "nightly-minimal", env) as minimal:
        hosts: dict[str, Host] = {"provider": real, "minimal": minimal}
        drivers = {"provider": HostClient(real.port, serialize_provider(CognitoPasswordResetProvider())),
                   "minimal": HostClient(minimal.port, serialize_provider(MinimalResetProvider()))}
        for d in drivers.values():
            d.configure(config)
            check_diff_all(d, pool, users[:8], state)  # first calls: unpickle and configure the provider

        cpu = {name: {"host": 0.0, "caller": 0.0} for name in hosts}
        wall = dict.fromkeys(hosts, 0.0)
        due: dict[str, Any] = {}
        for i, start in enumerate(range(0, n, CHUNK)):
            part = users[start:start + CHUNK]
            for name in (("provider", "minimal") if i % 2 == 0 else ("minimal", "provider")):
                pids = {"host": hosts[name].pid, "caller": os.getpid()}
                before = {role: cpu_seconds(pid) for role, pid in pids.items()}
                t0 = time.perf_counter()
                planned = check_diff_all(drivers[name], pool, part, state)
                wall[name] += time.perf_counter() - t0
                for role, pid in pids.items():
                    cpu[name][role] += cpu_seconds(pid) - before[role]
                if name == "provider":
                    due.update(planned)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(IN_FLIGHT) as ex:
            list(ex.map(lambda u: drivers["provider"].update(u, *state[u], due[u]), due))
        update_s = time.perf_counter() - t0
        reset = [u for u in expected_due
                 if admin.admin_get_user(UserPoolId=pool, Username=u)["UserStatus"] == "RESET_REQUIRED"]
        for d in drivers.values():
            d.close()

    per = {name: {role: 1000 * c / n for role, c in roles.items()} for name, roles in cpu.items()}
    own_us = {"provider": own_check_diff_us(CognitoPasswordResetProvider(), pool, state),
              "minimal": own_check_diff_us(MinimalResetProvider(), pool, state)}
    return {
        "n": n, "period_days": PERIOD, "today": today.isoformat(),
        "due_planned": len(due), "due_expected": len(expected_due), "reset_in_moto": len(reset),
        "planned_is_expected": sorted(due) == sorted(expected_due),
        "check_diff_wall_s": wall, "check_diff_cpu_ms_per_resource": per,
        "own_cpu_ms_per_resource": sum(per["provider"].values()) - sum(per["minimal"].values()),
        "update_wall_s": update_s, "own_code_us": own_us,
    }


def own_check_diff_us(provider: Any, pool: str, state: dict[str, tuple[dict[str, Any], dict[str, Any]]],
                      n: int = 2000) -> float:
    """Microseconds of a provider's own Check + Diff per resource, in this process (no host, no gRPC)."""
    users = list(state)[:n]
    best = float("inf")
    for _ in range(3):  # the best of three: what the code costs when nothing else competes for the CPU
        start = time.perf_counter()
        for user in users:
            old_inputs, old_outputs = state[user]
            checked = provider.check(dict(old_inputs), news(pool, user)).inputs
            provider.diff(user, dict(old_outputs), checked)
        best = min(best, time.perf_counter() - start)
    return 1e6 * best / len(users)


def describe(r: dict[str, Any]) -> str:
    p, m = r["check_diff_cpu_ms_per_resource"]["provider"], r["check_diff_cpu_ms_per_resource"]["minimal"]
    return "\n".join([
        f"7 nightly run, {r['n']} resources, rotate_after_days={r['period_days']}, {r['today']}: "
        f"{r['due_planned']} due (expected {r['due_expected']}, same users: {r['planned_is_expected']}), "
        f"{r['reset_in_moto']} reset in {r['update_wall_s']:.1f} s",
        f"  Check + Diff of all: provider {r['check_diff_wall_s']['provider']:.1f} s wall, "
        f"{p['host']:.2f} + {p['caller']:.2f} ms CPU per resource (host + caller); minimal "
        f"{r['check_diff_wall_s']['minimal']:.1f} s, {m['host']:.2f} + {m['caller']:.2f} ms",
        f"  provider's own CPU per resource over the minimal provider: {r['own_cpu_ms_per_resource']:.2f} ms "
        f"(target 0.3); its Check + Diff alone, in-process: {r['own_code_us']['provider']:.0f} us vs minimal "
        f"{r['own_code_us']['minimal']:.0f} us",
    ])


def refresh(moto: Moto, tmp: Path, env: dict[str, str], n: int) -> dict[str, Any]:
    """`pulumi refresh` of the same fleet, all ``n`` users existing: Read of each through the real
    provider host (4 in flight), reads at their default rate (the key unset), resets unlimited."""
    f = fleet(moto, n, everyone=True)
    rate = DEFAULT_READS_PER_SECOND
    with provider_host(tmp, "refresh-provider", env) as host:
        driver = HostClient(host.port, serialize_provider(CognitoPasswordResetProvider()))
        driver.configure(stack_config(moto.url, {CONFIG_KEY: "0"}))
        for user in f.users[:4]:  # first calls: unpickle and configure the provider, build the client
            driver.read(user, *f.state[user])
        pids = {"host": host.pid, "caller": os.getpid(), "moto": moto.pid}
        before = {role: cpu_seconds(pid) for role, pid in pids.items()}
        t0 = time.perf_counter()
        with ThreadPoolExecutor(IN_FLIGHT) as ex:
            ids = list(ex.map(lambda u: driver.read(u, *f.state[u]), f.users))
        wall = time.perf_counter() - t0
        cpu = {role: cpu_seconds(pid) - before[role] for role, pid in pids.items()}
        driver.close()
    floor = (n - 1) / rate  # the limiter spaces the starts of n reads 1/rate apart
    return {
        "n": n, "read_rate_per_s": rate, "wall_s": wall, "floor_s": floor, "held_to_rate": wall >= floor,
        "reads_per_s": n / wall, "kept": sum(1 for i in ids if i),
        "cpu_ms_per_read": {role: 1000 * c / n for role, c in cpu.items()},
    }


def describe_refresh(r: dict[str, Any]) -> str:
    c = r["cpu_ms_per_read"]
    return (f"7 refresh of {r['n']} at the default read rate ({r['read_rate_per_s']:g}/s): {r['wall_s']:.1f} s "
            f"(floor {r['floor_s']:.2f} s, held to the rate: {r['held_to_rate']}), {r['reads_per_s']:.2f} reads/s, "
            f"{r['kept']} kept; CPU per read {c['host']:.2f} ms host, {c['caller']:.2f} ms caller, "
            f"{c['moto']:.2f} ms moto")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--refresh", type=int, default=5000, help="users of the refresh at the read rate (0: skip)")
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    args = parser.parse_args()
    with scratch_dir() as tmp, moto_server(Path(tmp)) as moto:
        result = nightly(moto, Path(tmp), host_env(), args.n)
        print(describe(result), flush=True)
        if args.refresh:
            result["refresh"] = refresh(moto, Path(tmp), host_env(), args.refresh)
            print(describe_refresh(result["refresh"]))
    result["cpu_count"] = os.cpu_count()
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
