"""Existing user pools (``existingPools``): pools made elsewhere, in any region, whose users the stack resets.

The stack does not take such a pool over: it changes no trigger and no setting there. Each
entry names the pool by id (the region is the id's prefix), the users to reset, their
overrides, and whether to let that pool invoke the stack's custom-message function (an
``aws.lambda_.Permission``; attaching the trigger stays the pool owner's change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_password_reset.errors import kind
from cognito_password_reset.regions import region_of, region_violation
from cognito_password_reset.validation import rules

from .keys import ACCOUNT_OVERRIDES, EXISTING_POOL_FIELDS, EXISTING_POOLS
from .reading import Account, Defaults, Reader, build_accounts, read_overrides

EXAMPLE_ID = "eu-west-1_AbC123xyz"


@dataclass(frozen=True)
class ExistingPool:
    """A pool the stack only resets users in."""

    user_pool_id: str
    accounts: tuple[Account, ...]
    allow_custom_message_invoke: bool = False

    @property
    def region(self) -> str:
        return region_of(self.user_pool_id)


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
        users = _users(r, f"{key}.users", entry.get("users"))
        overrides = read_overrides(r, f"{key}.{ACCOUNT_OVERRIDES}", entry.get(ACCOUNT_OVERRIDES), users,
                                   f"{key}.users")
        allow = entry.get("allowCustomMessageInvoke", False)
        if isinstance(allow, str) and allow.strip().lower() in ("true", "false"):
            allow = allow.strip().lower() == "true"  # `config set --path` may store it as text
        if not isinstance(allow, bool):
            r.fail(f"{key}.allowCustomMessageInvoke", f"must be true or false but is a {kind(allow)}")
            allow = False
        if pool_id is not None:
            pools.append(ExistingPool(pool_id, build_accounts(users, overrides, defaults), allow))
    return tuple(pools)


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


def _users(r: Reader, key: str, value: Any) -> dict[str, dict[str, Any]]:
    if value is None:
        r.fail(key, "is missing; list the usernames to reset in this pool, such as [carol, dave]")
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
