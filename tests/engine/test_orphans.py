"""Servers die with the run that started them (issue 17): a run that ends before its teardown
(SIGKILL, a CI timeout, Ctrl-C twice) leaves no moto server or provider host behind.

A driver (``orphan_driver``) stands in for that run: it starts both servers with the suite's own
helpers and never stops them. Once the driver is gone, every process of each server's group
(the server and its guard) must be gone too, within a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from testbed.orphan_guard import GRACE
from testbed.processes import poll, start

from .servers import ROOT, host_env


def _members(pgid: int) -> list[int]:
    """The live (not zombie) processes of group ``pgid``."""
    ps = subprocess.run(["ps", "-A", "-o", "pid=,pgid=,stat="], capture_output=True, text=True, check=True)
    rows = (line.split() for line in ps.stdout.splitlines())
    return [int(pid) for pid, group, state in rows if int(group) == pgid and not state.startswith("Z")]


def _line(text: str, index: int) -> str | None:
    lines = text.splitlines(keepends=True)
    return lines[index].strip() if len(lines) > index and lines[index].endswith("\n") else None


@pytest.mark.parametrize("end", ["SIGKILL", "SIGINT twice"])
def test_servers_die_with_the_run_that_started_them(end: str, tmp_path: Path) -> None:
    driver = start("driver", [sys.executable, "-m", "tests.engine.orphan_driver", str(tmp_path / "servers")],
                   cwd=ROOT, env=host_env(tmp_path / "home"), logs=tmp_path)
    groups: list[int] = []  # a server's PID is its group's ID (start_new_session)
    try:
        def pids() -> dict[str, int] | None:
            driver.require_alive()
            line = _line(driver.stdout_text(), 0)
            return json.loads(line) if line else None

        groups = list(poll(pids, timeout=60, what="the servers' PIDs").values())
        assert len(groups) == 2 and all(group in _members(group) for group in groups)

        if end == "SIGKILL":
            os.kill(driver.pid, signal.SIGKILL)
        else:
            os.kill(driver.pid, signal.SIGINT)
            poll(lambda: _line(driver.stdout_text(), 1), timeout=10, what="the driver's teardown")
            os.kill(driver.pid, signal.SIGINT)
        driver.popen.wait(timeout=10)

        def none_left() -> bool | None:
            return True if not any(_members(group) for group in groups) else None

        poll(none_left, timeout=GRACE + 5, what="the end of every server process", interval=0.05)
    finally:
        driver.stop()
        for group in groups:  # only when the guard failed: this test's own servers, still running
            if _members(group):
                os.killpg(group, signal.SIGKILL)
