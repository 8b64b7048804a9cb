"""The two servers the tests and the benchmark run: moto server (the Cognito endpoint) and the
real Pulumi dynamic provider host (``python -m pulumi.dynamic``), each a subprocess stopped by PID.

The host is started the way the Pulumi CLI starts it (``pulumi-resource-pulumi-python`` execs
``python -u -m pulumi.dynamic`` with the project root as working directory), but with a clean
environment: only what the CLI passes on (PATH, a HOME) plus fake AWS keys, so no developer
credentials, profile or ``~/.aws`` can leak in. Its gRPC port is the first line on its stdout.
"""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from .processes import LOCALHOST, Process, accepts_connections, free_port, poll, start

ROOT = Path(__file__).resolve().parents[1]
"""The project root: where Pulumi.yaml is, and the provider host's working directory."""

REGION = "us-east-1"
START_TIMEOUT = 30.0

FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def host_env(home: Path, *, credentials: bool = True, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The provider host's environment: PATH, an empty HOME, no instance-metadata look-ups, fake keys.

    ``credentials=False`` leaves the keys out (the "no credentials" case); ``extra`` adds or
    overrides variables, such as ``AWS_MAX_ATTEMPTS``.
    """
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PULUMI_PROJECT": "cognito-password-reset",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if credentials:
        env.update(FAKE_KEYS)
    env.update(extra or {})
    return env


@dataclass
class Server:
    """A server process this suite started, and the 127.0.0.1 port it serves on."""

    process: Process
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.stop()


class Host(Server):
    """A running provider host."""

    @property
    def address(self) -> str:
        """Its gRPC address."""
        return f"{LOCALHOST}:{self.port}"


def start_host(logs: Path, *, env: Mapping[str, str], cwd: Path = ROOT, module: str = "pulumi.dynamic") -> Host:
    """Start ``python -u -m pulumi.dynamic`` in ``cwd`` (a project's root: this one unless another
    project is meant) and read its port. ``module`` runs another launcher of the same host instead
    (``testbed.clock_host``: the host with its clock moved)."""
    process = start("provider-host", [sys.executable, "-u", "-m", module], cwd=cwd, env=env, logs=logs)
    try:
        def port() -> int | None:
            process.require_alive()
            first, newline, _ = process.stdout_text().partition("\n")
            return int(first) if newline else None

        return Host(process, poll(port, timeout=START_TIMEOUT, what="provider host port"))
    except BaseException:
        process.stop()
        raise


class Moto(Server):
    """A running moto server and a boto3 client for arranging users (never used by the provider)."""

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def client(self) -> Any:
        return boto3.client("cognito-idp", region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def reset(self) -> None:
        """Forget every pool and user (``POST /moto-api/reset``)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


def start_moto(logs: Path) -> Moto:
    """Start moto server on a free 127.0.0.1 port and wait until it answers."""
    port = free_port()
    env = host_env(logs / "moto-home")
    process = start("moto", [sys.executable, "-m", "testbed.moto_server", "-H", LOCALHOST, "-p", str(port)],
                    cwd=ROOT, env=env, logs=logs)
    try:
        def ready() -> bool | None:
            process.require_alive()
            return accepts_connections(port)

        poll(ready, timeout=START_TIMEOUT, what="moto server")
        return Moto(process, port)
    except BaseException:
        process.stop()
        raise

