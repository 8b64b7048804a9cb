"""Existing user pools (``existingPools``): pools made elsewhere, in any region, whose users the stack resets.

The stack does not take such a pool over: it changes no trigger and no setting there. Each
entry names the pool by id (the region is the id's prefix), the users to reset, their
overrides, and whether to let that pool invoke the stack's custom-message function (an
``aws.lambda_.Permission``; attaching the trigger stays the pool owner's change).

Users may be listed by name (``users``), or selected by Cognito (``group``: a group's members;
``allUsers: true``: every user of the pool, narrowed by ``filter``, a ListUsers filter), or both.
A selection is only checked here; ``__main__.py`` reads its members at every preview and up
(``cognito_password_reset.pool_users``) and ``ExistingPool.with_members`` turns them into accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cognito_password_reset.errors import kind
from cognito_password_reset.regions import region_of, region_violation
from cognito_password_reset.selection import (
    FILTER_EXAMPLE,
    GROUP_TAKES_NO_FILTER,
    filter_violation,
    group_violation,
)
from cognito_password_reset.validation import rules

from .keys import ACCOUNT_OVERRIDES, ALL_USERS, EXISTING_POOL_FIELDS, EXISTING_POOLS, FILTER, GROUP
from .reading import Account, Defaults, Reader, build_accounts, read_overrides

EXAMPLE_ID = "eu-west-1_AbC123xyz"


@dataclass(frozen=True)
class Selection:
    """Users Cognito chooses: ``group``'s members, or (no group) all the pool's users narrowed by ``filter``."""

    key: str
    """The entry's config key, such as ``existingPools[0]``, for sentences."""
    group: str | None = None
    filter: str | None = None

    @property
    def kind(self) -> str:
        """``group`` or ``allUsers``: the config key that selects, as SELECTION_IAM_ACTIONS names it."""
        return GROUP if self.group is not None else ALL_USERS

    @property
    def selected_by(self) -> str:
        """The keys that select, for sentences: ``existingPools[0].group`` or ``existingPools[0].allUsers``."""
        return f"{self.key}.{self.kind}"


@dataclass(frozen=True)
class ExistingPool:
    """A pool the stack only resets users in."""

    user_pool_id: str
    accounts: tuple[Account, ...]
    """The users listed by name (``users``); ``with_members`` adds a selection's."""
    defaults: Defaults
    """The stack-wide values a selected member starts from."""
    allow_custom_message_invoke: bool = False
    selection: Selection | None = None
    overrides: Mapping[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return region_of(self.user_pool_id)

    def with_members(self, members: Sequence[str]) -> tuple[Account, ...]:
        """The listed accounts, then each selected member not listed, in the order given. A member is
        adopted without a reset (reset_on_create false: no mail when a group is put under management or
        someone joins it); the stack's schedule, trigger and the entry's overrides apply as to anyone."""
        listed = {a.username for a in self.accounts}
        specs = {u: {"create": False, "reset_on_create": False} for u in members if u not in listed}
        if not specs:
            return self.accounts
        return self.accounts + build_accounts(specs, self.overrides, self.defaults)

    def override_warnings(self, members: Sequence[str]) -> list[str]:
        """A warning per override of this selecting entry that names a user neither listed nor among
        ``members``: a typo, or someone who left (a warning, not an error: leaving must not fail a run)."""
        if self.selection is None:
            return []
        present = {a.username for a in self.accounts} | set(members)
        return [f"Stack config {self.selection.key}.{ACCOUNT_OVERRIDES}.{username} names a user who is neither in "
                f"{self.selection.key}.users nor selected by {self.selection.selected_by} in pool {self.user_pool_id} "
                f"now, so it applies to nobody; check the username (it is case-sensitive) or remove the override."
                for username in self.overrides if username not in present]


def read_existing_pools(r: Reader, defaults: Defaults) -> tuple[ExistingPool, ...]:
    pools: list[ExistingPool] = []
    seen: dict[str, str] = {}
    for key, entry in r.maps(EXISTING_POOLS, EXISTING_POOL_FIELDS, "a map with userPoolId and users",
                             "an existing-pool field"):
        pool_id = _pool_id(r, f"{key}.userPoolId", entry.get("userPoolId"))
        if pool_id is not None:
            if pool_id in seen:
                r.fail(f"{key}.userPoolId", f"names the same pool as {seen[pool_id]}; list each pool once, "
                                            f"with all its users")
                pool_id = None
            else:
                seen[pool_id] = f"{key}.userPoolId"
        # Whether the entry means to select (group or allUsers given, even if refused): then users may
        # be absent, and since members are known only once Cognito is read, an override may name anyone.
        selection, selecting = _selection(r, key, entry)
        users = _users(r, f"{key}.users", entry.get("users"), selecting=selecting)
        overrides = read_overrides(r, f"{key}.{ACCOUNT_OVERRIDES}", entry.get(ACCOUNT_OVERRIDES),
                                   None if selecting else users, f"{key}.users")
        allow = r.flag_in(f"{key}.allowCustomMessageInvoke", entry.get("allowCustomMessageInvoke", False))
        if pool_id is not None:
            pools.append(ExistingPool(pool_id, build_accounts(users, overrides, defaults), defaults,
                                      allow_custom_message_invoke=bool(allow), selection=selection,
                                      overrides=overrides))
    return tuple(pools)


def _selection(r: Reader, key: str, entry: Mapping[str, Any]) -> tuple[Selection | None, bool]:
    """The entry's group or allUsers selection (None: users listed by name only, or a refused selection),
    and whether the entry means to select at all."""
    # A key written with nothing after it (`group:`) is YAML's null: an empty value, not an absent key.
    group, text = ("" if k in entry and entry[k] is None else entry.get(k) for k in (GROUP, FILTER))
    selects_all = r.flag_in(f"{key}.{ALL_USERS}", entry[ALL_USERS]) if ALL_USERS in entry else False
    meant = group is not None or selects_all is not False
    return _checked_selection(r, key, group, selects_all, text), meant


def _checked_selection(r: Reader, key: str, group: Any, selects_all: bool | None, text: Any) -> Selection | None:
    if group is not None and _checked_text(r, f"{key}.{GROUP}", group, group_violation,
                                           "name the Cognito group, such as contractors") is None:
        return None
    if selects_all is None:
        return None  # allUsers is neither true nor false: said already
    if group is not None and selects_all:
        r.fail(f"{key}.{ALL_USERS}", f"and {key}.{GROUP} both select users; keep {GROUP} to select that group's "
                                     f"members, or {ALL_USERS} to select every user of the pool")
        return None
    if text is not None:
        if group is not None:
            r.fail(f"{key}.{FILTER}", f"cannot narrow a group: {GROUP_TAKES_NO_FILTER}; remove {FILTER}, or "
                                      f"replace {GROUP} with {ALL_USERS}: true to filter every user of the pool")
            return None
        if not selects_all:
            r.fail(f"{key}.{FILTER}", f"narrows {ALL_USERS}, which is not true here; set {ALL_USERS}: true to "
                                      f"select the pool's users that match it, or remove {FILTER}")
            return None
        if _checked_text(r, f"{key}.{FILTER}", text, filter_violation,
                         f"write it in quotes, such as '{FILTER_EXAMPLE}'") is None:
            return None
    if group is not None:
        return Selection(key, group=group)
    return Selection(key, filter=text) if selects_all else None


def _checked_text(r: Reader, key: str, value: Any, violation: Callable[[str], str | None], hint: str) -> str | None:
    """``value`` if it is a string ``violation`` finds nothing wrong with, or None after recording why not."""
    if not isinstance(value, str):
        r.fail(key, f"must be a string but is a {kind(value)}; {hint}")
        return None
    if (wrong := violation(value)) is not None:
        r.fail(key, wrong)
        return None
    return value


def _pool_id(r: Reader, key: str, value: Any) -> str | None:
    pool_id = r.text_in(key, value, f"name the pool by its id, such as {EXAMPLE_ID} (the Cognito console "
                                    f"shows it; the part before _ is its region)")
    if pool_id is None:
        return None
    if (problem := rules().user_pool_id.violation(pool_id)) is not None:
        r.fail(key, f"{problem}, so it is not a user pool id; use the id as the Cognito console shows it, "
                    f"such as {EXAMPLE_ID}")
        return None
    if (problem := region_violation(pool_id)) is not None:  # the provider's Check would refuse it too
        r.fail(key, f"{problem}; use the pool id as the Cognito console shows it, such as {EXAMPLE_ID}")
        return None
    return pool_id


def _users(r: Reader, key: str, value: Any, *, selecting: bool) -> dict[str, dict[str, Any]]:
    if value is None:
        if not selecting:
            r.fail(key, f"is missing; list the usernames to reset in this pool, such as [carol, dave], or select "
                        f"them with {GROUP}: <a Cognito group> or {ALL_USERS}: true")
        return {}
    if not isinstance(value, list):
        r.fail(key, f"must be a list of usernames but is a {kind(value)}; write it as [carol, dave]")
        return {}
    users: dict[str, dict[str, Any]] = {}
    first: dict[str, int] = {}
    for j, username in enumerate(value):
        at = f"{key}[{j}]"
        checked = r.username_in(at, username, "list the usernames of users that already exist in the pool")
        if checked is None:
            continue
        if checked in first:
            r.fail(at, f"repeats the user {checked!r} of {key}[{first[checked]}]; list each user once per pool")
            continue
        first[checked] = j
        users[checked] = {"create": False}
    return users
