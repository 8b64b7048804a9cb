"""The AWS emulator (moto server) ``make up`` starts on 127.0.0.1, reuses, and ``make down`` stops.

The PID file decides what is ours: only a moto server this script started is reused or stopped.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .settings import Failure, Settings

if TYPE_CHECKING:
    import subprocess

START_TIMEOUT = 30.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_moto(pid: int) -> bool:
    import subprocess

    # The PID file may be stale and the PID reused: only a moto server is ours to stop.
    result = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False)
    return "moto.server" in result.stdout


def _our_pid(s: Settings) -> int | None:
    try:
        pid = int(s.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) and _is_moto(pid) else None


def _answers(s: Settings) -> bool:
    import urllib.error
    import urllib.request

    # /moto-api/config is small and cheap; data.json dumps every object (slow once the managed
    # policies are loaded).
    try:
        with urllib.request.urlopen(f"{s.endpoint}/moto-api/config", timeout=5) as response:
            return response.status in (200, 201)
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_answers(s: Settings, process: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while not _answers(s):
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def emulator_env() -> dict[str, str]:
    """moto's environment: the function's role attaches AWSLambdaBasicExecutionRole, an AWS
    managed policy moto only knows when told to load them. Without the user's AWS profile:
    moto uses botocore inside, which fails every request if that profile is not on this
    machine's files (and nothing of a real account belongs in the emulator)."""
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(name, None)
    return env


def ensure_emulator(s: Settings) -> None:
    """Reuse the moto server this script started, or start one and wait until it answers."""
    import subprocess

    if _our_pid(s) is not None:
        if _wait_until_answers(s, None, START_TIMEOUT):
            print(f"Using the AWS emulator (moto) already running at {s.endpoint}.", flush=True)
            return
        stop_emulator(s)  # ours, but not answering: start a fresh one
    s.pid_file.unlink(missing_ok=True)
    if _port_taken(s.port):
        raise Failure(f"port {s.port} on 127.0.0.1 is in use by a process this script did not start; "
                      f"stop it or choose another port with MOTO_PORT=<port>")
    if not s.python.exists():
        raise Failure(f"{s.python} is missing; run make venv first")
    s.state_dir.mkdir(parents=True, exist_ok=True)
    with s.log_file.open("ab") as log:
        # A session of its own: Ctrl-C in the terminal stops pulumi, not the emulator; make down does.
        process = subprocess.Popen([str(s.python), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s.port)],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=s.state_dir, start_new_session=True, env=emulator_env())
    s.pid_file.write_text(f"{process.pid}\n")
    if not _wait_until_answers(s, process, START_TIMEOUT):
        if process.poll() is not None:
            s.pid_file.unlink(missing_ok=True)
            raise Failure(f"the AWS emulator (moto) exited with code {process.returncode} while starting; "
                          f"see {s.log_file}")
        stop_emulator(s)
        raise Failure(f"the AWS emulator (moto) did not answer on {s.endpoint} within {START_TIMEOUT:.0f} s; "
                      f"see {s.log_file}")
    print(f"Started the AWS emulator (moto) at {s.endpoint}, PID {process.pid} (log: {s.log_file}).", flush=True)


def stop_emulator(s: Settings) -> None:
    """Stop the moto server this script started (by the PID in its PID file), if it runs."""
    import signal
    import time

    pid = _our_pid(s)
    s.pid_file.unlink(missing_ok=True)
    if pid is None:
        print("No AWS emulator started by make up is running.", flush=True)
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    print(f"Stopped the AWS emulator (moto), PID {pid}.", flush=True)


def _reap(pid: int) -> None:
    import contextlib

    # Only a child of this process (started in this same run) leaves a zombie to collect.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
