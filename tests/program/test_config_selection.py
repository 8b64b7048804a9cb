"""stack.config for users selected by Cognito: existingPools' group, allUsers and filter.

What is checked at load (before any AWS call, so a preview fails at once), and how a selection's
members become accounts once read: adopted without a reset, with the stack's values and overrides,
a listed user kept as listed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.program.test_config import load, problems

EU = "eu-west-1_AbC123xyz"
POOL = "existingPools[0]"


def pools(*entries: dict[str, Any], **config: Any) -> dict[str, Any]:
    return {"existingPools": [{"userPoolId": EU, **e} for e in entries], **config}


def test_a_group_and_all_users_are_selections_without_users() -> None:
    group, everyone, filtered, listed = load({"existingPools": [
        {"userPoolId": EU, "group": "contractors"},
        {"userPoolId": "us-west-2_Q1", "allUsers": True},
        {"userPoolId": "us-east-1_Q2", "allUsers": "true", "filter": 'cognito:user_status = "CONFIRMED"'},
        {"userPoolId": "us-east-1_Q3", "users": ["carol"], "allUsers": False},
    ]}).existing_pools
    assert group.selection is not None and (group.selection.group, group.selection.filter) == ("contractors", None)
    assert group.selection.kind == "group" and group.accounts == ()
    assert everyone.selection is not None and everyone.selection.kind == "allUsers"
    assert (everyone.selection.group, everyone.selection.filter) == (None, None)
    assert filtered.selection is not None and filtered.selection.filter == 'cognito:user_status = "CONFIRMED"'
    assert listed.selection is None and [a.username for a in listed.accounts] == ["carol"]


def test_members_are_adopted_without_a_reset_with_the_stack_s_values_and_overrides() -> None:
    (pool,) = load(pools(
        {"users": ["carol", "dave"], "group": "contractors",
         "accountOverrides": {"dave": {"locale": "de"}, "erin": {"rotationTrigger": "2026-12-01", "ticket": "T-9"}}},
        rotationTrigger="2026-11-27", rotateAfterDays="90", resetTicket="SEC-7",
    )).existing_pools
    accounts = {a.username: a for a in pool.with_members(["carol", "erin", "frank"])}
    # Listed first, then the members not listed; a user both listed and selected is one account.
    assert list(accounts) == ["carol", "dave", "erin", "frank"]
    # Listed users keep what listing means (a reset when first declared) and their overrides.
    assert accounts["carol"].reset_on_create and accounts["dave"].reset_on_create
    assert accounts["dave"].client_metadata["locale"] == "de"
    # Selected members: no reset when first seen; the stack's trigger, schedule and metadata; overrides.
    assert not accounts["erin"].reset_on_create and not accounts["frank"].reset_on_create
    assert (accounts["frank"].rotation_trigger, accounts["frank"].rotate_after_days) == ("2026-11-27", 90)
    assert accounts["frank"].client_metadata == {"reason": "scheduled password rotation", "ticket": "SEC-7"}
    assert (accounts["erin"].rotation_trigger, accounts["erin"].client_metadata["ticket"]) == ("2026-12-01", "T-9")
    assert not accounts["erin"].create
    assert pool.override_warnings(["carol", "erin", "frank"]) == []


def test_an_override_for_someone_neither_listed_nor_selected_is_a_warning_not_a_failure() -> None:
    (pool,) = load(pools({"group": "contractors", "accountOverrides": {"gone": {"locale": "fr"}}})).existing_pools
    assert [a.username for a in pool.with_members(["erin"])] == ["erin"]
    assert pool.override_warnings(["erin"]) == [
        f"Stack config {POOL}.accountOverrides.gone names a user who is neither in {POOL}.users nor selected by "
        f"{POOL}.group in pool {EU} now, so it applies to nobody; check the username (it is case-sensitive) or "
        f"remove the override."]


NOT_CONFIRMED = "cognito:user_status = \"CONFIRMED\""


@pytest.mark.parametrize(("entry", "sentence"), [
    ({"group": "contractors", "allUsers": True},
     f"{POOL}.allUsers and {POOL}.group both select users; keep group to select that group's members, or allUsers "
     f"to select every user of the pool."),
    ({"group": ""},
     f"{POOL}.group is empty; name the Cognito group whose members to select, such as contractors."),
    ({"group": "night shift"},
     f"{POOL}.group must match the pattern [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+ (from the ListUsersInGroup "
     f"API), so it is not a Cognito group name; use the name as the Cognito console shows it."),
    ({"group": 7},
     f"{POOL}.group must be a string but is a number; name the Cognito group, such as contractors."),
    ({"group": None},
     f"{POOL}.group is empty; name the Cognito group whose members to select, such as contractors."),
    ({"allUsers": "yes"}, f"{POOL}.allUsers must be true or false but is a string."),
    ({"allUsers": None}, f"{POOL}.allUsers must be true or false but is a null value."),
    ({"allUsers": "yes", "filter": NOT_CONFIRMED}, f"{POOL}.allUsers must be true or false but is a string."),
    ({"group": "contractors", "filter": NOT_CONFIRMED},
     f"{POOL}.filter cannot narrow a group: Cognito's ListUsersInGroup takes no filter; remove filter, or replace "
     f"group with allUsers: true to filter every user of the pool."),
    ({"users": ["carol"], "filter": NOT_CONFIRMED},
     f"{POOL}.filter narrows allUsers, which is not true here; set allUsers: true to select the pool's users that "
     f"match it, or remove filter."),
    ({"allUsers": True, "filter": 'email = "' + "a" * 250 + '"'},
     f"{POOL}.filter must be at most 256 characters long but is 260 (the most Cognito's ListUsers takes); shorten "
     f"it."),
    ({"allUsers": True, "filter": "CONFIRMED"},
     f"{POOL}.filter must have the form attribute = \"value\" (exact) or attribute ^= \"value\" (starts with), on "
     f"one attribute, as Cognito's ListUsers takes it; for example {NOT_CONFIRMED}."),
    ({"allUsers": True, "filter": 'custom:team = "ops"'},
     f"{POOL}.filter searches the attribute 'custom:team', which Cognito's ListUsers cannot search (no custom "
     f"attribute is searchable); use one of username, email, phone_number, name, given_name, family_name, "
     f"preferred_username, cognito:user_status, status, sub."),
    ({"allUsers": True, "filter": ""},
     f"{POOL}.filter is empty; leave it out to select every user of the pool, or narrow them with one such as "
     f"{NOT_CONFIRMED}."),
    ({"allUsers": True, "filter": 5},
     f"{POOL}.filter must be a string but is a number; write it in quotes, such as '{NOT_CONFIRMED}'."),
    ({"allUsers": False},
     f"{POOL}.users is missing; list the usernames to reset in this pool, such as [carol, dave], or select them "
     f"with group: <a Cognito group> or allUsers: true."),
    ({"group": "contractors", "accountOverrides": {"bad name": {"locale": "de"}}},
     f"{POOL}.accountOverrides.bad name must match the pattern [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+ (from "
     f"the AdminResetUserPassword API), so Cognito would refuse it as a username."),
])
def test_a_bad_selection_gets_one_sentence_naming_the_key_and_the_fix(entry: dict[str, Any], sentence: str) -> None:
    assert problems(pools(entry)) == (f"Stack config {sentence}",)
