"""Users selected by Cognito rather than by name: a group's members, or a pool's users.

``pool_users`` is public, for any Python program; the stack's ``existingPools`` entries with
``group`` or ``allUsers`` call it at every preview and up. It reads the same stack config as the
provider (``AwsSettings.from_config``: aws:profile, aws:accessKey/secretKey/token,
aws:assumeRoles, aws:assumeRoleWithWebIdentity, aws:endpoints, and the read rate) and calls
through the same client cache (``cognito.CLIENTS``), so a selection and its resets reach the same
account. A read that fails raises, with one sentence naming the pool and the group: a failure is
never an empty selection, which would let the engine delete every member's resource.

The arguments are checked before any call, against botocore's model (GroupName's and Filter's
lengths and pattern) and the filter grammar its documentation gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn

from .errors import SelectionError, kind
from .regions import region_violation
from .validation import rules, selection_rules

SEARCHABLE_ATTRIBUTES: Final = ("username", "email", "phone_number", "name", "given_name", "family_name",
                                "preferred_username", "cognito:user_status", "status", "sub")
"""The only attributes a ListUsers filter can search, as botocore's model documents its Filter member
(``cognito-idp/2016-04-18/service-2.json``, ListUsersRequest.Filter; the same list is in the Cognito
developer guide, "Searching user attributes"). Custom attributes are not searchable."""

FILTER_SHAPE: Final = re.compile(r'(?P<attribute>[^\s=^"]+)\s*(?P<operator>\^?=)\s*"(?P<value>(?:[^"\\]|\\.)*)"')
"""The filter's grammar, from the same documentation: ``attribute = "value"`` (exact) or
``attribute ^= "value"`` (starts with); a quote inside the value is escaped with a backslash."""

FILTER_EXAMPLE: Final = 'cognito:user_status = "CONFIRMED"'
GROUP_TAKES_NO_FILTER: Final = "Cognito's ListUsersInGroup takes no filter"


def group_violation(group: str) -> str | None:
    """What is wrong with ``group`` as a Cognito group name (a phrase after its key), or None."""
    if not group.strip():
        return "is empty; name the Cognito group whose members to select, such as contractors"
    if (wrong := selection_rules().group_name.violation(group)) is not None:
        return f"{wrong}, so it is not a Cognito group name; use the name as the Cognito console shows it"
    return None


def filter_violation(text: str) -> str | None:
    """What is wrong with ``text`` as a ListUsers filter (a phrase after its key), or None."""
    if not text.strip():
        return (f"is empty; leave it out to select every user of the pool, or narrow them with one such as "
                f"{FILTER_EXAMPLE}")
    if (wrong := selection_rules().filter.violation(text)) is not None:
        return f"{wrong} (the most Cognito's ListUsers takes); shorten it"
    found = FILTER_SHAPE.fullmatch(text)
    if found is None:
        return ('must have the form attribute = "value" (exact) or attribute ^= "value" (starts with), on one '
                f"attribute, as Cognito's ListUsers takes it; for example {FILTER_EXAMPLE}")
    if found["attribute"] not in SEARCHABLE_ATTRIBUTES:
        return (f"searches the attribute {found['attribute']!r}, which Cognito's ListUsers cannot search (no custom "
                f"attribute is searchable); use one of {', '.join(SEARCHABLE_ATTRIBUTES)}")
    return None


def pool_id_violation(user_pool_id: str) -> str | None:
    """What is wrong with ``user_pool_id`` (a phrase after its name), or None."""
    return rules().user_pool_id.violation(user_pool_id) or region_violation(user_pool_id)


def program_config(key: str) -> str | None:
    """``key`` of the running Pulumi program's stack config, namespaced as the provider's configure()
    reads it (``aws:endpoints``, ``aws:profile``, ``cognito-password-reset:maxReadsPerSecond``), or None
    if unset: ``pulumi.Config(namespace).get(name)``. Secret values come back plain, as the provider
    gets them; list and map values as their JSON text. Outside a program it reads ``PULUMI_CONFIG``."""
    import pulumi

    namespace, _, name = key.partition(":")
    return pulumi.Config(namespace).get(name)


def pool_users(user_pool_id: str, group: str | None = None, filter: str | None = None, *,
               config: Callable[[str], Any] | Mapping[str, Any] | None = None) -> list[str]:
    """The usernames of ``group``'s members in the pool, or (no group) of all the pool's users
    narrowed by a Cognito ListUsers ``filter`` such as ``cognito:user_status = "CONFIRMED"``; sorted.

    ``config`` gives the stack config by namespaced key (``aws:profile``, ``aws:endpoints``, ...): a
    getter such as the provider's ``req.config.get``, or a mapping; by default the running program's
    (``program_config``). Every page is read (60 users a call), paced under Cognito's UserList quota.

    Raises ``SelectionError`` (a ValueError too) for arguments Cognito would refuse, before any call,
    and ``CognitoPasswordResetError`` if a read fails (no such group or pool in the account the
    credentials reach, access denied, throttled on every attempt): never an empty list for a failure.
    """
    _check(user_pool_id, group, filter)
    from .cognito import AwsSettings, Cognito

    get = config.get if isinstance(config, Mapping) else (config or program_config)
    calls = Cognito(AwsSettings.from_config(get))
    names = calls.group_members(user_pool_id, group) if group is not None else calls.users(user_pool_id, filter)
    return sorted(set(names))


def _check(user_pool_id: Any, group: Any, filter: Any) -> None:
    def fail(what: str) -> NoReturn:
        raise SelectionError(f"cognito_password_reset.pool_users: {what}.")

    if not isinstance(user_pool_id, str):
        fail(f"user_pool_id must be a string but is a {kind(user_pool_id)}; pass the pool's id, such as "
             f"eu-west-1_AbC123xyz")
    if (wrong := pool_id_violation(user_pool_id)) is not None:
        fail(f"user_pool_id {wrong}; pass the pool's id as the Cognito console shows it, such as eu-west-1_AbC123xyz")
    if group is not None and filter is not None:
        fail(f"group and filter cannot be combined: {GROUP_TAKES_NO_FILTER}; pass the group alone, or no group "
             f"and the filter to narrow all the pool's users")
    if group is not None:
        if not isinstance(group, str):
            fail(f"group must be a string but is a {kind(group)}; pass the group's name")
        elif (wrong := group_violation(group)) is not None:
            fail(f"group {wrong}")
    if filter is not None:
        if not isinstance(filter, str):
            fail(f"filter must be a string but is a {kind(filter)}; pass one such as {FILTER_EXAMPLE}")
        elif (wrong := filter_violation(filter)) is not None:
            fail(f"filter {wrong}")
