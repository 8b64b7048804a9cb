"""Where the local run keeps things, and the one kind of failure it reports.

Standard library only: this runs with any python3 (3.10+), before ``.venv`` exists.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL_URL = "https://www.pulumi.com/docs/install/"
DEFAULT_STACK = "local"
DEFAULT_PORT = 5055  # not 5000: macOS's AirPlay receiver listens there
REGION = "us-east-1"
LOCAL_ENDPOINT = re.compile(r"https?://127\.0\.0\.1:\d+")


class Failure(Exception):
    """A step failed; the message is the one line the user sees."""

    exit_code = 1


class CliMissing(Failure):
    exit_code = 127  # the shell's "command not found"


class Settings:
    """Where things live; each can be overridden from the environment (tests use that)."""

    def __init__(self, stack: str, state_dir: Path, port: int, python: Path) -> None:
        self.stack, self.state_dir, self.port, self.python = stack, state_dir, port, python

    @classmethod
    def from_env(cls) -> Settings:
        port = os.environ.get("MOTO_PORT", str(DEFAULT_PORT))
        if not port.isdigit():
            raise Failure(f"MOTO_PORT must be a port number, such as {DEFAULT_PORT}")
        return cls(
            stack=os.environ.get("STACK") or DEFAULT_STACK,
            state_dir=Path(os.environ.get("LOCAL_STATE_DIR") or ROOT / ".state").resolve(),
            port=int(port),
            python=ROOT / ".venv" / "bin" / "python",
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "moto.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "moto.log"

    @property
    def backend_url(self) -> str:
        return f"file://{self.state_dir / 'pulumi'}"

    @property
    def stack_file(self) -> Path:
        return ROOT / f"Pulumi.{self.stack}.yaml"

    def is_local(self) -> bool:
        """New stacks and stacks whose endpoints point at 127.0.0.1 are local."""
        if not self.stack_file.exists():
            return True
        return bool(LOCAL_ENDPOINT.search(self.stack_file.read_text(encoding="utf-8")))


def require_cli(action: str) -> str:
    """The path of the ``pulumi`` executable, or a Failure saying how to install it."""
    found = shutil.which("pulumi")
    if found is None:
        raise CliMissing(f"The Pulumi CLI is not installed (no `pulumi` on PATH); install it from "
                         f"{INSTALL_URL}, then run make {action} again")
    return found
