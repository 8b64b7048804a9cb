"""Processes the benchmark starts (moto server, provider hosts) and what it reads about them.

Every server listens on 127.0.0.1 only, is polled for readiness with a deadline, and is
stopped by its PID. CPU and memory come from /proc/PID/stat and /proc/PID/status.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project root: the provider host runs there, as the Pulumi engine runs it."""

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: Callable[[], bool], what: str, deadline_s: float,
               proc: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``ready()`` until it is true, failing after ``deadline_s`` or when ``proc`` exits."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before it was ready")
        if ready():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} not ready after {deadline_s:g} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, by its PID: SIGTERM, then SIGKILL after 5 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@dataclass
class Moto:
    """A moto server on 127.0.0.1."""

    proc: subprocess.Popen[bytes]
    url: str

    def post(self, path: str, body: bytes = b"") -> bool:
        try:
            with urllib.request.urlopen(urllib.request.Request(self.url + path, data=body, method="POST"),
                                        timeout=5) as r:
                return bool(r.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def reset(self) -> None:
        """Clear all state (moto slows as it fills): ``POST /moto-api/reset``."""
        if not self.post("/moto-api/reset"):
            raise RuntimeError("moto server did not accept /moto-api/reset")


@contextlib.contextmanager
def moto_server(logdir: Path) -> Iterator[Moto]:
    port = free_port()
    with open(logdir / "moto.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        moto = Moto(proc, f"http://127.0.0.1:{port}")
        wait_until(lambda: moto.post("/moto-api/reset"), "moto server", 60, proc)
        yield moto
    finally:
        stop(proc)


@dataclass
class Host:
    """A ``python -m pulumi.dynamic`` provider host, started as the engine starts it."""

    proc: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextlib.contextmanager
def provider_host(logdir: Path, name: str, env: dict[str, str]) -> Iterator[Host]:
    """Start a provider host in the project root; its first stdout line is its gRPC port."""
    log = open(logdir / f"host-{name}.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.dynamic"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        os.set_blocking(proc.stdout.fileno(), False)
        buf = bytearray()

        def port_printed() -> bool:
            chunk = proc.stdout.read() if proc.stdout else None
            if chunk:
                buf.extend(chunk)
            return b"\n" in buf

        wait_until(port_printed, f"provider host {name}", 60, proc)
        yield Host(proc, int(buf.split(b"\n", 1)[0]))
    finally:
        stop(proc)
        log.close()


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="cpr-bench-")
