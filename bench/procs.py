"""What the benchmark reads about the processes it runs, and those processes as context managers.

Starting and stopping them is ``testbed/servers.py``, which the engine tests use too: every
server listens on 127.0.0.1 only, is polled for readiness with a deadline, and is stopped by
its PID. CPU and memory come from /proc/PID/stat and /proc/PID/statm.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from testbed import clock_host
from testbed.servers import FAKE_KEYS, REGION, ROOT, Host, Moto, start_host, start_moto

__all__ = ["ROOT", "Host", "Moto", "cpu_seconds", "host_env", "moto_server", "provider_host", "rss_bytes",
           "scratch_dir"]

CREDENTIALS = {**FAKE_KEYS, "AWS_DEFAULT_REGION": REGION}
"""Fake keys: moto accepts any, and no real account can be reached with them."""

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # fields 14 and 15 of stat(5)


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc/PID/statm."""
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def host_env() -> dict[str, str]:
    """The provider host's environment: no real AWS reachable, nothing from the caller's profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CREDENTIALS, AWS_EC2_METADATA_DISABLED="true", PULUMI_PROJECT="bench")
    return env


@contextlib.contextmanager
def moto_server(logdir: Path) -> Iterator[Moto]:
    """A moto server on a free 127.0.0.1 port, for the ``with`` block."""
    moto = start_moto(logdir)
    try:
        yield moto
    finally:
        moto.stop()


@contextlib.contextmanager
def provider_host(logdir: Path, name: str, env: dict[str, str], today: str | None = None) -> Iterator[Host]:
    """A provider host started in the project root, as the engine starts it, for the ``with`` block.

    ``today`` (an ISO date or time, UTC) starts it through ``testbed.clock_host``: its wall clock
    moved there and ticking on, the provider's code unchanged."""
    module = "pulumi.dynamic"
    if today is not None:
        module, env = clock_host.MODULE, {**env, clock_host.ENV: today}
    host = start_host(logdir / name, env=env, module=module)
    try:
        yield host
    finally:
        host.stop()


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="cpr-bench-")
