"""Program side: register N resources under Pulumi's mocks, in a process of its own.

    python -m bench.register reset|user N

Prints one JSON line: wall and CPU seconds to register and settle the N resources (imports
excluded), the peak resident memory of the process, and its resident memory before the first
resource.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

import pulumi

POOL_ID = "us-east-1_BenchPool1"


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


def main(kind: str, n: int) -> None:
    pulumi.runtime.set_mocks(_Mocks(), project="bench", stack="bench", preview=False)
    if kind == "reset":
        from cognito_password_reset import CognitoPasswordReset

        def make(i: int) -> pulumi.Resource:
            return CognitoPasswordReset(f"reset-{i}", user_pool_id=POOL_ID, username=f"user-{i}")
    elif kind == "user":
        import pulumi_aws as aws

        user = aws.cognito.User  # pulumi_aws loads its modules lazily: load it before the clock starts

        def make(i: int) -> pulumi.Resource:
            return user(f"user-{i}", user_pool_id=POOL_ID, username=f"user-{i}")
    else:
        raise SystemExit(f"unknown kind {kind!r}: reset or user")

    before = _rss_kb()
    start, cpu_start = time.perf_counter(), _cpu_s()

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[int]:
        resources = [make(i) for i in range(n)]
        return pulumi.Output.all(*[r.urn for r in resources]).apply(len)

    program()
    seconds, cpu = time.perf_counter() - start, _cpu_s() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"kind": kind, "n": n, "seconds": seconds, "cpu_s": cpu, "peak_rss_kb": peak,
                      "rss_before_kb": before}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
