"""How many users one run may reset: the stack config key and a process-wide count.

A reset mails a person and cannot be taken back, so one edited line (a stack-wide trigger, a
schedule turned on wrongly) must not reset a whole fleet unnoticed. One provider host serves one
preview or one update; within it the distinct users the run would reset are counted, in two
tallies held to the same cap, because the two kinds of reset need opposite answers past it:

- **Changes** (a new or replaced resource that resets on create, a new ``rotation_trigger``):
  each one past the cap fails, at preview before anything is sent. That is the blast-radius
  guard, and its fix is in the change itself: raise the cap in it, or split it.
- **The schedule** alone (a new ``rotate_after_days`` window): one past the cap *waits*. Its
  Diff answers "no change", so the engine keeps its old outputs and the user stays due for the
  next run; a warning names it. A schedule therefore never fails a run, and a fleet with more
  users due than the cap drains its backlog over the following runs.

The tallies are separate so that each is a function of the state and the program alone, not of
the order in which the engine asks: the preview and the update (two hosts) agree on how many of
each kind there are, and a change's verdict does not depend on how many users the schedule made
due that day. So one run resets at most the cap for changes plus the cap for the schedule.

The count is process-wide, not per provider instance: the host builds one provider per
distinct serialized ``__provider`` (old stacks may hold several), and all of them serve the
same run. The engine may call Check and Diff more than once for one resource, so users are
counted by identity (pool id, username), once each.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from typing import Any, Final, NamedTuple

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


WAITING_NAMED: Final = 20
"""How many waiting users a run names one by one; after that a warning every WAITING_EVERY."""
WAITING_EVERY: Final = 100


class Waiting(NamedTuple):
    """A scheduled reset put off to a later run."""

    place: int
    """1 for the first user put off in this run, 2 for the next, ..."""
    first: bool
    """Whether this is the first time the run asked (the time to say so)."""


class ResetCapReached(CognitoPasswordResetError):
    """A reset a change asks for in this run is past ``cognito-password-reset:maxResetsPerRun``."""


class RunCounter:
    """The distinct users this process's run resets (or plans to), against a cap. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._admitted: set[Hashable] = set()
        self._refused: set[Hashable] = set()
        self._scheduled: set[Hashable] = set()
        self._waiting: dict[Hashable, int] = {}

    def admit(self, user: Hashable, cap: int, who: str) -> None:
        """Count ``user``'s reset for a change (once per process) and return, or raise
        ResetCapReached if it is past ``cap``. ``who`` names the user (``pool/username``).
        With no cap nothing is kept."""
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
            f"{RESOURCE_TYPE}: resetting {who} would make {count} resets for changes in this run (new or "
            f"replaced resources and changed rotation triggers), over the cap of {cap} set by stack config "
            f"{CONFIG_KEY}, so it is not reset; raise {CONFIG_KEY} in the same change to cover every user it "
            f"resets, or split the change into changes of at most {cap} user{'' if cap == 1 else 's'} each")

    def admit_scheduled(self, user: Hashable, cap: int) -> Waiting | None:
        """Count ``user``'s scheduled reset: None if it goes ahead in this run, else its place among
        the users put off to a later run (the same place however often it is asked)."""
        if cap == NO_CAP:
            return None
        with self._lock:
            if user in self._scheduled:
                return None
            if user in self._waiting:
                return Waiting(self._waiting[user], first=False)
            if len(self._scheduled) < cap:
                self._scheduled.add(user)
                return None
            place = self._waiting[user] = len(self._waiting) + 1
            return Waiting(place, first=True)

    def forget(self) -> None:
        """Start a new count (tests; in real use each run is a fresh host)."""
        with self._lock:
            for tally in (self._admitted, self._refused, self._scheduled, self._waiting):
                tally.clear()


def waiting_warning(who: str, window: object, cap: int, waiting: int) -> str | None:
    """The warning for the ``waiting``-th user put off to a later run, or None if it goes unsaid
    (past the first WAITING_NAMED, only every WAITING_EVERY-th is said, as a count)."""
    why = (f"stack config {CONFIG_KEY} is {cap}, and this run already makes that many scheduled resets; "
           f"each later run resets up to {cap} of the users waiting; raise {CONFIG_KEY} to clear the backlog sooner")
    if waiting <= WAITING_NAMED:
        return (f"{RESOURCE_TYPE}: {who} is due for its scheduled reset (window {window}) but waits for a later "
                f"run ({waiting} waiting so far): {why}.")
    if waiting % WAITING_EVERY == 0:
        return f"{RESOURCE_TYPE}: {waiting} users due for their scheduled reset wait for a later run so far: {why}."
    return None


COUNTER: Final = RunCounter()
"""The one count of this provider host."""
