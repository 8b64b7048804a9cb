"""Where the provider host's time goes: py-spy over path 1 (or 2) of the benchmark.

    .venv/bin/python -m bench.profile_host [--minimal] [--n 1500]

Samples the host with py-spy (bench/.venv, from bench/requirements.txt) while it serves N
resets, and prints, for each part of a call, its share of the samples taken while the host held the
GIL: what the provider's own code costs beside the SDK's host. ``--stacks FILE`` keeps py-spy's
collapsed stacks for a closer look.
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import time
from pathlib import Path

from pulumi.dynamic.dynamic import serialize_provider

from cognito_password_reset.provider import CognitoPasswordResetProvider
from cognito_password_reset.ratelimit import CONFIG_KEY, READS_CONFIG_KEY
from testbed import processes

from . import paths
from .driver import HostClient, stack_config
from .minimal_provider import MinimalResetProvider
from .procs import ROOT, host_env, moto_server, provider_host, scratch_dir

PY_SPY = ROOT / "bench" / ".venv" / "bin" / "py-spy"

# The first frame (outermost first) that names a part decides where a sample counts.
PARTS = (
    ("cognito_password_reset/validation.py", "provider: validation (check)"),
    ("cognito_password_reset/ratelimit.py", "provider: rate limiter"),
    ("admin_reset_user_password", "AdminResetUserPassword (botocore + HTTP)"),
    ("_make_api_call", "AdminResetUserPassword (botocore + HTTP)"),
    ("cognito_password_reset/", "provider: other own code"),
    ("bench/minimal_provider.py", "minimal provider: own code"),
    ("serialize_properties", "host: serialize outputs (asyncio loop)"),
    ("new_event_loop", "host: new event loop"),
    ("deserialize_properties", "host: deserialize inputs"),
    ("get_provider", "host: provider lookup + Settings"),
)


def classify(stack: str) -> str:
    for needle, part in PARTS:
        if needle in stack:
            return part
    if "_abort_with_traceback" in stack or "__main__.py" in stack:
        return "host: rest of the call"
    return "grpc server / idle threads"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minimal", action="store_true", help="profile the minimal provider's host instead")
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--stacks", type=Path, help="also keep py-spy's collapsed stacks in this file")
    args = parser.parse_args()
    provider = MinimalResetProvider() if args.minimal else CognitoPasswordResetProvider()
    with scratch_dir() as tmp, moto_server(Path(tmp)) as moto, provider_host(Path(tmp), "profiled", host_env()) as host:
        driver = HostClient(host.port, serialize_provider(provider))
        driver.configure(stack_config(moto.url, {CONFIG_KEY: "0", READS_CONFIG_KEY: "0"}))
        pool, users = paths.fresh_users(moto, 500)
        driver.reset_all(pool, users[:8])
        out = Path(tmp) / "stacks.txt"
        spy = processes.start("py-spy", [str(PY_SPY), "record", "--pid", str(host.pid), "--format", "raw",
                                         "--output", str(out), "--rate", "250", "--nonblocking", "--gil"],
                              cwd=ROOT, env=dict(os.environ), logs=Path(tmp))
        try:
            time.sleep(1.0)  # py-spy attaches; the host is idle meanwhile, which only adds idle samples
            for start in range(0, args.n, len(users)):
                driver.reset_all(pool, users[: min(len(users), args.n - start)])
            spy.popen.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
            spy.popen.wait(timeout=30)
        finally:
            spy.stop()
        driver.close()
        counts: collections.Counter[str] = collections.Counter()
        if args.stacks:
            args.stacks.write_text(out.read_text())
        for line in out.read_text().splitlines():
            stack, _, samples = line.rpartition(" ")
            counts[classify(stack)] += int(samples)
    busy = sum(n for part, n in counts.items() if part != "grpc server / idle threads")
    print(f"{'provider' if not args.minimal else 'minimal'} host, {args.n} resets, samples while busy: {busy}")
    for part, n in counts.most_common():
        if part != "grpc server / idle threads":
            print(f"  {100 * n / busy:5.1f} %  {part}")


if __name__ == "__main__":
    main()
