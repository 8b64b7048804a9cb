"""Servers as subprocesses: a free 127.0.0.1 port, readiness polled under a deadline, and a stop
by process group whatever happened.

Used for moto server and the Pulumi provider host (``servers``), by the tests' fixtures and the
benchmark alike. Every process
is started in its own session (``start_new_session``), so ``stop()`` can end it and anything it
spawned with one ``killpg`` on its PID, never by name. And every process dies with the process
that started it, even when no teardown runs (Ctrl-C twice, a CI timeout, SIGKILL): it is
launched through ``orphan_guard.py``, which ends its group once ``_lifeline``'s write end closes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from . import orphan_guard

T = TypeVar("T")

LOCALHOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def poll(probe: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.02) -> T:
    """Call ``probe`` until it returns something other than None, or fail after ``timeout`` s.

    This is a poll with a deadline, not a sleep: it returns as soon as ``probe`` succeeds.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not ready after {timeout:g} s")
        time.sleep(interval)


def accepts_connections(port: int) -> bool | None:
    """True if something accepts TCP connections on 127.0.0.1:``port`` (None otherwise, for ``poll``)."""
    try:
        with socket.create_connection((LOCALHOST, port), timeout=0.2):
            return True
    except OSError:
        return None


@dataclass
class Process:
    """A started server process whose output goes to files (so nothing blocks on a full pipe)."""

    name: str
    popen: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stdout_text(self) -> str:
        return self.stdout.read_text(errors="replace")

    def stderr_text(self) -> str:
        return self.stderr.read_text(errors="replace")

    def require_alive(self) -> None:
        """Fail with the process's stderr if it has exited."""
        if not self.alive():
            raise RuntimeError(f"{self.name} (pid {self.pid}) exited with {self.popen.returncode}:\n"
                               f"{self.stderr_text()[-4000:]}")

    def stop(self, grace: float = orphan_guard.GRACE) -> None:
        """End the process and its group: SIGTERM, then SIGKILL after ``grace`` seconds. Idempotent."""
        if self.popen.poll() is None:
            _signal_group(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=grace)
        # The leader is gone; end anything it left behind in its group.
        _signal_group(self.pid, signal.SIGKILL)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


GUARD = Path(__file__).with_name("orphan_guard.py")

_LIFELINES: dict[int, int] = {}
"""The read end of this process's lifeline, by PID (a forked child makes its own)."""


def _lifeline() -> int:
    """The read end of this process's lifeline: a pipe made once, and never closed here.

    Its write end stays in this process alone (``os.pipe`` fds are not inherited, and ``start``
    passes only the read end), so the kernel closes it when this process exits, however, and the
    guard of every server started here sees EOF then. (A child forked without exec would hold it
    too, and keep the servers until it exits: nothing here forks so.) Two threads racing here make
    two pipes, both kept open: harmless.
    """
    pid = os.getpid()
    if pid not in _LIFELINES:
        _LIFELINES[pid] = os.pipe()[0]
    return _LIFELINES[pid]


STARTED: list[Process] = []
"""Every process ``start()`` started in this test session, for the end-of-session check."""


def still_running() -> list[Process]:
    """The started processes that have not exited (should be none once fixtures are torn down)."""
    return [p for p in STARTED if p.alive()]


def start(name: str, args: Sequence[str], *, cwd: Path, env: Mapping[str, str], logs: Path) -> Process:
    """Start ``args`` in a new session, stdout and stderr to ``logs/<name>.out`` and ``.err``; it
    dies with this process (see ``orphan_guard.py``), its PID and group being its own all the same."""
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / f"{name}.out", logs / f"{name}.err"
    if shutil.which(args[0], path=env.get("PATH", os.defpath)) is None:
        # Raised here, as Popen would without the guard, not as a guard exiting 127.
        raise FileNotFoundError(errno.ENOENT, "no such program", args[0])
    lifeline = _lifeline()
    guarded = [sys.executable, "-I", "-S", str(GUARD), str(lifeline), "--", *args]
    with out.open("wb") as out_file, err.open("wb") as err_file:
        popen = subprocess.Popen(guarded, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                 stdout=out_file, stderr=err_file, start_new_session=True, pass_fds=(lifeline,))
    process = Process(name, popen, out, err)
    STARTED.append(process)
    return process
