"""The harness's own tools: process groups are stopped whole, and the proxy's policies decide as
documented (issue 7 relies on ``quota`` to emulate Cognito's 30 requests/s)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from testbed.processes import poll, start

from .faultproxy import Fault, Request, always, fraction, quota


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_stop_ends_the_process_and_what_it_spawned(tmp_path: Path) -> None:
    # A parent that starts a long-lived child and reports its PID, as a server with workers would.
    script = ("import subprocess, sys, time\n"
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
              "print(child.pid, flush=True)\n"
              "time.sleep(600)\n")
    process = start("parent", [sys.executable, "-c", script], cwd=tmp_path, env={"PATH": "/usr/bin:/bin"},
                    logs=tmp_path)
    try:
        child = poll(lambda: int(process.stdout_text()) if process.stdout_text().endswith("\n") else None,
                     timeout=20, what="child pid")
        assert _alive(child)
    finally:
        process.stop()
    assert not process.alive()
    poll(lambda: True if not _alive(child) else None, timeout=5, what="child gone")


def test_poll_gives_up_at_its_deadline() -> None:
    with pytest.raises(TimeoutError, match=r"the thing not ready after 0\.1 s"):
        poll(lambda: None, timeout=0.1, what="the thing")


def _request(operation: str = "AdminResetUserPassword") -> Request:
    return Request(operation, b"{}", None, 0.0)


def test_quota_is_a_token_bucket() -> None:
    now = [100.0]
    policy = quota(10, burst=2, clock=lambda: now[0])
    assert [policy(_request()) for _ in range(3)] == [None, None, Fault.THROTTLE]
    now[0] += 0.1  # one token back at 10/s
    assert [policy(_request()) for _ in range(2)] == [None, Fault.THROTTLE]
    now[0] += 10  # refills only up to the burst
    assert [policy(_request()) for _ in range(3)] == [None, None, Fault.THROTTLE]


def test_policies_apply_only_to_their_operations() -> None:
    now = [0.0]
    policy = quota(1, clock=lambda: now[0], operations={"AdminResetUserPassword"})
    assert [policy(_request("AdminGetUser")) for _ in range(5)] == [None] * 5
    assert always(Fault.DROP, operations={"AdminGetUser"})(_request()) is None


def test_fraction_is_reproducible_and_near_its_share() -> None:
    first = [fraction(Fault.THROTTLE, 0.3, seed=1)(_request()) for _ in range(1)]
    decide_a, decide_b = fraction(Fault.THROTTLE, 0.3, seed=1), fraction(Fault.THROTTLE, 0.3, seed=1)
    a = [decide_a(_request()) for _ in range(1000)]
    assert a == [decide_b(_request()) for _ in range(1000)]
    assert a[:1] == first
    assert 250 <= a.count(Fault.THROTTLE) <= 350
