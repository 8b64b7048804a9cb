"""Diff as pure functions: (old outputs, new inputs) -> what the engine should do, and why.

No I/O and no AWS here, so every row of the behaviour table is a one-line test.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schema
from .schema import contains_unknown


class Action(enum.Enum):
    NONE = "none"
    UPDATE = "update"
    REPLACE = "replace"


@dataclass(frozen=True)
class Plan:
    """What a change to a CognitoPasswordReset means."""

    action: Action
    changed: tuple[str, ...]
    """Every property that differs (or may differ: it is unknown), in schema order."""
    replaces: tuple[str, ...]
    """The changed properties that force a replacement."""
    resets: bool
    """Whether applying the plan calls AdminResetUserPassword."""


_COMPARED = schema.REPLACE_ON_CHANGE + schema.RESET_ON_CHANGE + schema.RESET_ON_NEW_WINDOW + schema.RECORD_ON_CHANGE


def _normalised(props: Mapping[str, Any], key: str) -> Any:
    # The provider host drops keys whose value is None, so absent and None are the same;
    # reset_on_create defaults to true when unset, in old state as in new inputs.
    value = props.get(key)
    if key == schema.RESET_ON_CREATE and value is None:
        return schema.DEFAULT_RESET_ON_CREATE
    if key == schema.CLIENT_METADATA and value == {}:
        return None
    return value


def differs(olds: Mapping[str, Any], news: Mapping[str, Any], key: str) -> bool:
    """True if ``key`` changed, or may change because its new value is not known yet."""
    new = _normalised(news, key)
    return contains_unknown(new) or _normalised(olds, key) != new


def plan(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
    """Plan the step from ``olds`` (the stored outputs) to ``news`` (the checked inputs)."""
    changed = tuple(k for k in _COMPARED if differs(olds, news, k))
    replaces = tuple(k for k in changed if k in schema.REPLACE_ON_CHANGE)
    if replaces:
        # The replacement is created fresh: it resets unless told not to.
        return Plan(Action.REPLACE, changed, replaces, resets_on_create(news))
    if changed:
        resets = any(k in schema.RESET_ON_CHANGE for k in changed) or _new_window(olds, news, changed)
        return Plan(Action.UPDATE, changed, (), resets)
    return Plan(Action.NONE, (), (), False)


def _new_window(olds: Mapping[str, Any], news: Mapping[str, Any], changed: tuple[str, ...]) -> bool:
    # A later window under the same schedule is due: one reset, however many windows were
    # missed. A schedule added, changed or removed only records its window. Anything else
    # (an earlier window, a window where there was none) records too: the safe side.
    if schema.SCHEDULE in changed or not any(k in changed for k in schema.RESET_ON_NEW_WINDOW):
        return False
    for key in schema.RESET_ON_NEW_WINDOW:
        old, new = olds.get(key), news.get(key)
        if contains_unknown(new) or (isinstance(old, str) and isinstance(new, str) and new > old):
            return True
    return False


def resets_on_create(props: Mapping[str, Any]) -> bool:
    """Whether creating a resource with these inputs resets the user (an unknown value: it may)."""
    return bool(_normalised(props, schema.RESET_ON_CREATE))


def outputs(inputs: Mapping[str, Any], *, reset_at: str | None, user_status: str | None) -> dict[str, Any]:
    """The complete output bag: every input key plus the computed ones.

    Update's outputs replace the stored ones wholesale, so this always returns every key,
    with None for what is not set. The serialized provider is added by the host.
    """
    outs = {k: inputs.get(k) for k in schema.INPUTS + schema.CHECKED}
    outs[schema.RESET_ON_CREATE] = resets_on_create(inputs)
    outs[schema.RESET_AT] = reset_at
    outs[schema.USER_STATUS] = user_status
    return outs
