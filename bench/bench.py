"""``make bench``: CognitoPasswordReset against the other ways to reset many Cognito users.

One run, one moto server on 127.0.0.1, nine measurements (see docs/performance.md):
  1. the real provider host over gRPC, 4 calls in flight, limiters off; each create reads the
     user's status (AdminGetUser) before its reset
  2. a provider host running a minimal provider making the same two calls (the SDK host's and
     the calls' own cost, which no provider removes)
  3. a plain boto3 loop, one reused client, 4 threads, the reset alone (what a script does)
  4. the AWS CLI per reset, direct and through ``sh -c`` (a command.local.Command per user)
  5. registering 1,000 and 5,000 resources under mocks, against aws.cognito.User
  6. the provider host's resident memory over 5,000 resets
  7. the nightly run of 5,000 scheduled resources: Check + Diff of all, the ~56 due reset
     (bench/nightly.py), against the minimal provider's Check + Diff; then a refresh of
     5,000 users through the real host at the default read rate (50/s: about 100 s)
  8. consecutive nights of 5,000 scheduled users through real hosts with their clock moved
     (bench/nights.py): adopted, 3 nights without a run, then a preview and an update host a
     night, under the stack's default cap (50) and a cap above the mean due a day (80)
  9. a year of nights of 5,000 users in process, the provider's own Check, Diff and Update, caps
     50 and 80 (bench/year.py)
Paths 1-3 run in rotating order over several rounds on fresh moto state; medians are quoted.
Prints a table and writes bench/results.json (not committed: numbers of one machine).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider

from cognito_password_reset.provider import CognitoPasswordResetProvider
from cognito_password_reset.ratelimit import CONFIG_KEY, READS_CONFIG_KEY

from . import nightly, nights, paths, year
from .driver import HostClient, stack_config
from .minimal_provider import MinimalResetProvider
from .procs import ROOT, host_env, moto_server, provider_host, scratch_dir
from .report import evaluate, table

HOST_PATHS = ("provider", "minimal", "boto3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="resets per run of paths 1-3")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of paths 1-3, in rotating order")
    parser.add_argument("--cli-runs", type=int, default=10, help="AWS CLI resets to take the median of")
    parser.add_argument("--memory-resets", type=int, default=5000, help="resets for the host memory figure")
    parser.add_argument("--register", type=int, nargs="*", default=[1000, 5000], help="resources to register")
    parser.add_argument("--nightly", type=int, default=5000, help="scheduled resources of the nightly run (0: skip)")
    parser.add_argument("--refresh", type=int, default=5000, help="users refreshed at the read rate (0: skip)")
    parser.add_argument("--nights", type=int, default=5000, help="users of the consecutive nights (0: skip)")
    parser.add_argument("--nights-caps", type=int, nargs="+", default=[50, 80], help="maxResetsPerRun of each fleet")
    parser.add_argument("--year", type=int, default=5000, help="users of the year in process (0: skip)")
    parser.add_argument("--year-caps", type=int, nargs="+", default=[50, 80])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()

    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(), "python": platform.python_version(), "pulumi": version("pulumi"),
        "n": args.n, "rounds": args.rounds,
    }
    env = host_env()
    with scratch_dir() as tmp, moto_server(Path(tmp)) as moto:
        # Both limits off: a create reads the user's status before its reset (a read, held to
        # maxReadsPerSecond, 50/s by default), which would otherwise cap path 1 at 50 resets/s.
        off = stack_config(moto.url, {CONFIG_KEY: "0", READS_CONFIG_KEY: "0"})
        with provider_host(Path(tmp), "provider", env) as real, provider_host(Path(tmp), "minimal", env) as minimal:
            drivers = {"provider": HostClient(real.port, serialize_provider(CognitoPasswordResetProvider())),
                       "minimal": HostClient(minimal.port, serialize_provider(MinimalResetProvider()))}
            hosts = {"provider": real, "minimal": minimal}
            for d in drivers.values():
                d.configure(off)
            pool, users = paths.fresh_users(moto, 8, "warm")
            for d in drivers.values():  # first calls: unpickle + configure the provider, build the client
                d.reset_all(pool, users)

            runs: list[dict[str, Any]] = []
            for r in range(args.rounds):
                order = HOST_PATHS[r % 3:] + HOST_PATHS[:r % 3]
                for name in order:
                    pool, users = paths.fresh_users(moto, args.n)
                    if name == "boto3":
                        run = paths.boto3_loop(moto, pool, users)
                    else:
                        run = paths.through_host(name, hosts[name], drivers[name], moto, pool, users)
                    runs.append({"round": r, **run.as_dict()})
                    print(f"  round {r + 1} {name:8s} {run.per_second:7.1f} resets/s", flush=True)
            results["runs"] = runs

            pool, both = paths.fresh_users(moto, 2 * args.n)
            split = {"provider": both[:args.n], "minimal": both[args.n:]}
            paired = paths.interleaved(hosts, drivers, moto, pool, split, chunk=50)
            results["interleaved"] = {name: run.as_dict() for name, run in paired.items()}
            results["own_code_us"] = {"provider": paths.own_code_us(CognitoPasswordResetProvider(), 2000),
                                      "minimal": paths.own_code_us(MinimalResetProvider(), 2000)}

            pool, users = paths.fresh_users(moto, 20, "cli")
            aws, where = paths.find_aws_cli()
            if aws is None:
                results["cli"] = {"skipped": where}
                print(f"  AWS CLI: skipped: {where}", flush=True)
            else:
                k = args.cli_runs
                results["cli"] = {"from": where,
                                  "direct_s": paths.cli_per_reset(aws, moto, pool, users[:k], shell=False),
                                  "shell_s": paths.cli_per_reset(aws, moto, pool, users[k:2 * k], shell=True)}
            for d in drivers.values():
                d.close()

        with provider_host(Path(tmp), "memory", env) as host:
            driver = HostClient(host.port, serialize_provider(CognitoPasswordResetProvider()))
            driver.configure(off)
            pool, users = paths.fresh_users(moto, args.n)
            samples = paths.host_memory(host, driver, pool, users, args.memory_resets, every=args.n)
            results["host_memory"] = [{"resets": done, "rss_bytes": rss} for done, rss in samples]
            driver.close()

        if args.nightly:
            results["nightly"] = nightly.nightly(moto, Path(tmp), env, args.nightly)
            print(nightly.describe(results["nightly"]), flush=True)
        if args.refresh:
            results["refresh"] = nightly.refresh(moto, Path(tmp), env, args.refresh)
            print(nightly.describe_refresh(results["refresh"]), flush=True)
        if args.nights:
            t0 = time.perf_counter()
            results["nights"] = nights.nights(moto, Path(tmp), env, args.nights, args.nights_caps,
                                              progress=lambda line: print(line, flush=True))
            results["nights"]["wall_s"] = time.perf_counter() - t0
            print(nights.describe(results["nights"]), flush=True)

    if args.year:
        results["year"] = year.year(args.year, caps=args.year_caps)

    results["register"] = []
    for n in args.register:
        for kind in ("reset", "user"):
            results["register"].append(paths.register(kind, n))
            print(f"  registered {n} {kind}", flush=True)

    results["summary"] = evaluate(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
