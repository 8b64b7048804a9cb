"""Diff as pure functions: (old outputs, new inputs) -> what the engine should do, and why.

No I/O and no AWS here, so every row of the behaviour table is a one-line test.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schedule, schema
from .schema import contains_unknown


class Action(enum.Enum):
    NONE = "none"
    UPDATE = "update"
    REPLACE = "replace"


class Cause(enum.Enum):
    """Why a plan resets the user: the two are held to the per-run cap differently (runcap)."""

    CHANGE = "change"
    """A change someone made: a new or replaced resource that resets on create, or a new
    ``rotation_trigger``. Past the cap it fails the preview (the blast-radius guard)."""
    SCHEDULE = "schedule"
    """Only a new window of the ``rotate_after_days`` schedule. Past the cap it waits for a later
    run (``deferred``) instead of failing this one."""


@dataclass(frozen=True)
class Plan:
    """What a change to a CognitoPasswordReset means."""

    action: Action
    changed: tuple[str, ...]
    """Every property that differs (or may differ: it is unknown), in schema order. A new window
    that is skipped (``schedule.too_soon``) is not a difference: it is no step at all."""
    replaces: tuple[str, ...]
    """The changed properties that force a replacement."""
    cause: Cause | None
    """Why applying the plan calls AdminResetUserPassword; None if it does not."""

    @property
    def resets(self) -> bool:
        """Whether applying the plan calls AdminResetUserPassword."""
        return self.cause is not None


_COMPARED = schema.REPLACE_ON_CHANGE + schema.RESET_ON_CHANGE + schema.RESET_ON_NEW_WINDOW + schema.RECORD_ON_CHANGE


def _normalised(props: Mapping[str, Any], key: str) -> Any:
    # The provider host drops keys whose value is None, so absent and None are the same;
    # reset_on_create defaults to true when unset, in old state as in new inputs; global_sign_out
    # to false, so state written before it existed plans no change.
    value = props.get(key)
    if key == schema.RESET_ON_CREATE and value is None:
        return schema.DEFAULT_RESET_ON_CREATE
    if key == schema.GLOBAL_SIGN_OUT and value is None:
        return schema.DEFAULT_GLOBAL_SIGN_OUT
    if key == schema.CLIENT_METADATA and value == {}:
        return None
    return value


def differs(olds: Mapping[str, Any], news: Mapping[str, Any], key: str) -> bool:
    """True if ``key`` changed, or may change because its new value is not known yet."""
    new = _normalised(news, key)
    return contains_unknown(new) or _normalised(olds, key) != new


def plan(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
    """Plan the step from ``olds`` (the stored outputs) to ``news`` (the checked inputs)."""
    changed = tuple(k for k in _COMPARED if differs(olds, news, k) and not _skipped(olds, news, k))
    replaces = tuple(k for k in changed if k in schema.REPLACE_ON_CHANGE)
    if replaces:
        # The replacement is created fresh: it resets unless told not to.
        return Plan(Action.REPLACE, changed, replaces, Cause.CHANGE if resets_on_create(news) else None)
    if changed:
        cause = (Cause.CHANGE if any(k in schema.RESET_ON_CHANGE for k in changed)
                 else Cause.SCHEDULE if _new_window(olds, news, changed) else None)
        return Plan(Action.UPDATE, changed, (), cause)
    return Plan(Action.NONE, (), (), None)


def deferred(p: Plan) -> Plan:
    """``p`` with its scheduled reset put off to a later run: the new window is not taken.

    What remains is either no step (the user stays due: the stored outputs keep the old window)
    or an update that only records the other changes.
    """
    if p.cause is not Cause.SCHEDULE:
        return p
    changed = tuple(k for k in p.changed if k not in schema.RESET_ON_NEW_WINDOW)
    return Plan(Action.UPDATE if changed else Action.NONE, changed, (), None)


def _same_schedule(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    return not any(differs(olds, news, k) for k in (schema.SCHEDULE, *schema.REPLACE_ON_CHANGE))


def _later(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and new > old


def _skipped(olds: Mapping[str, Any], news: Mapping[str, Any], key: str) -> bool:
    # A later window of the same schedule that starts less than half a period after the last
    # reset: not a change at all, so the preview shows nothing for it and the stored window
    # stays; the next window start is measured from the same reset and resets.
    if key not in schema.RESET_ON_NEW_WINDOW or not _same_schedule(olds, news):
        return False
    old, new, days = olds.get(key), news.get(key), schedule.period(news.get(schema.SCHEDULE))
    return (days is not None and isinstance(new, str) and _later(old, new)
            and schedule.too_soon(new, olds.get(schema.RESET_AT), days))


def _new_window(olds: Mapping[str, Any], news: Mapping[str, Any], changed: tuple[str, ...]) -> bool:
    # A later window under the same schedule is due: one reset, however many windows were
    # missed. A schedule added, changed or removed only records its window. Anything else
    # (an earlier window, a window where there was none) records too: the safe side.
    if schema.SCHEDULE in changed or not any(k in changed for k in schema.RESET_ON_NEW_WINDOW):
        return False
    for key in schema.RESET_ON_NEW_WINDOW:
        old, new = olds.get(key), news.get(key)
        if contains_unknown(new) or _later(old, new):
            return True
    return False


def recorded(p: Plan, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs an update records as outputs: ``news``, but with the stored window wherever the
    plan did not take the new one (a reset put off, a window skipped), so the user stays due."""
    key = schema.ROTATION_WINDOW
    return dict(news) if key in p.changed else {**news, key: olds.get(key)}


def resets_on_create(props: Mapping[str, Any]) -> bool:
    """Whether creating a resource with these inputs resets the user (an unknown value: it may)."""
    return bool(_normalised(props, schema.RESET_ON_CREATE))


def signs_out(props: Mapping[str, Any]) -> bool:
    """Whether a reset made with these inputs signs the user out everywhere first (``global_sign_out``).

    Asked only of a reset the plan makes: an adoption, a record-only update and a scheduled
    reset put off by the cap (``deferred``) make none, so they sign nobody out either. The
    inputs asked are the new ones: a run that turns ``global_sign_out`` on and resets signs out.
    """
    return _normalised(props, schema.GLOBAL_SIGN_OUT) is True


def outputs(inputs: Mapping[str, Any], *, reset_at: str | None, user_status: str | None,
            signed_out_at: str | None) -> dict[str, Any]:
    """The complete output bag: every input key plus the computed ones.

    Update's outputs replace the stored ones wholesale, so this always returns every key,
    with None for what is not set. The serialized provider is added by the host.
    """
    outs = {k: inputs.get(k) for k in schema.INPUTS + schema.CHECKED}
    outs[schema.RESET_ON_CREATE] = resets_on_create(inputs)
    outs[schema.GLOBAL_SIGN_OUT] = signs_out(inputs)
    outs[schema.RESET_AT] = reset_at
    outs[schema.USER_STATUS] = user_status
    outs[schema.SIGNED_OUT_AT] = signed_out_at
    return outs
