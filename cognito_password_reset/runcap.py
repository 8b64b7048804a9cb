"""How many users one run may reset: the stack config key and a process-wide count.

A reset mails a person and cannot be taken back, so one edited line (a stack-wide trigger, a
schedule turned on wrongly) must not reset a whole fleet unnoticed. One provider host serves one
preview or one update; within it the distinct users the run would reset are counted (at
preview: Check and Diff planning a reset; at update: the resets made), and each one past the
cap fails with a sentence saying how to allow it. Those within the cap go through; a refused
one keeps its state, so the next run (a fresh host, a fresh count) continues.

The count is process-wide, not per provider instance: the host builds one provider per
distinct serialized ``__provider`` (old stacks may hold several), and all of them serve the
same run. The engine may call Check and Diff more than once for one resource, so users are
counted by identity (pool id, username), once each.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from typing import Any, Final

from .errors import CognitoPasswordResetError, ConfigError
from .schema import RESOURCE_TYPE

CONFIG_KEY: Final = "cognito-password-reset:maxResetsPerRun"
"""The stack config key; namespaced by the package so it reads the same in any project."""

NO_CAP: Final = 0
"""The default: no cap."""


def cap_from_config(get: Callable[[str], Any]) -> int:
    """The configured cap (distinct users one run may reset; 0 = no cap), or 0 if unset."""
    return parse_cap(get(CONFIG_KEY))


def parse_cap(value: Any) -> int:
    """``value`` of CONFIG_KEY as a cap (0: none, also when unset), or ConfigError naming the key.

    The one reading of the key: the stack's mail warning uses it too. Config arrives as text
    (``"50"``, ``"5e1"``) or, through the provider protocol, as a number (``50.0``).
    """
    if value is None or value == "":
        return NO_CAP
    number: float | None = None
    if isinstance(value, str) and value.strip().isascii():  # float() also reads non-ASCII digits
        try:
            number = float(value)
        except ValueError:
            number = None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number) or not number.is_integer() or number < 0:
        raise ConfigError(
            f"stack config {CONFIG_KEY} must be a whole number of resets per run, 0 or more "
            f"(0, the default, means no cap), not {value!r}; set it with "
            f"`pulumi config set {CONFIG_KEY} 100`")
    return int(number)


class ResetCapReached(CognitoPasswordResetError):
    """A reset this run would make is past ``cognito-password-reset:maxResetsPerRun``."""


class RunCounter:
    """The distinct users this process's run resets (or plans to), against a cap. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._admitted: set[Hashable] = set()
        self._refused: set[Hashable] = set()

    def admit(self, user: Hashable, cap: int, who: str) -> None:
        """Count ``user`` (once per process) and return, or raise ResetCapReached if it is past ``cap``.

        ``who`` names the user in the sentence (``pool/username``). With no cap nothing is kept.
        """
        if cap == NO_CAP:
            return
        with self._lock:
            if user in self._admitted:
                return
            if len(self._admitted) < cap:
                self._admitted.add(user)
                return
            self._refused.add(user)
            count = len(self._admitted) + len(self._refused)
        raise ResetCapReached(
            f"{RESOURCE_TYPE}: resetting {who} would make {count} resets in this run, over the cap of "
            f"{cap} set by stack config {CONFIG_KEY}, so it is not reset in this run; raise "
            f"{CONFIG_KEY} in the same change if this many resets are intended (or run again: "
            "the next run resets the next ones, up to the cap)")

    def forget(self) -> None:
        """Start a new count (tests; in real use each run is a fresh host)."""
        with self._lock:
            self._admitted.clear()
            self._refused.clear()


COUNTER: Final = RunCounter()
"""The one count of this provider host."""
