"""stack.config for fleets: existing pools, the schedule, the created pool's sender, no created pool."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_password_reset import runcap
from cognito_password_reset.errors import ConfigError
from stack import config as sc
from stack import mail
from tests.program.test_config import load, problems

EU = "eu-west-1_AbC123xyz"
PATTERN = "[\\w-]+_[0-9a-zA-Z]+"
NOT_AN_ID = (f"must match the pattern {PATTERN} (from the AdminResetUserPassword API), so it is not a user pool "
             f"id; use the id as the Cognito console shows it, such as eu-west-1_AbC123xyz.")


def test_existing_pools_get_their_users_overrides_and_opt_in() -> None:
    cfg = load({
        "rotationTrigger": "2026-11-27", "rotateAfterDays": "90",
        "existingPools": [
            {"userPoolId": EU, "users": ["carol", "dave"],
             "accountOverrides": {"dave": {"rotationTrigger": "2026-12-01", "rotateAfterDays": 30}}},
            {"userPoolId": "us-west-2_Q1", "users": ["carol"], "allowCustomMessageInvoke": "true"},
        ],
    })
    eu, west = cfg.existing_pools
    assert (eu.user_pool_id, eu.region, eu.allow_custom_message_invoke) == (EU, "eu-west-1", False)
    assert (west.region, west.allow_custom_message_invoke) == ("us-west-2", True)
    carol, dave = eu.accounts
    assert (carol.username, carol.rotation_trigger, carol.rotate_after_days, carol.create) == (
        "carol", "2026-11-27", 90, False)
    assert (dave.rotation_trigger, dave.rotate_after_days) == ("2026-12-01", 30)
    assert "rotateAfterDays" not in dave.client_metadata and "rotationTrigger" not in dave.client_metadata
    assert cfg.accounts == () and cfg.create_user_pool is True and cfg.rotate_after_days == 90


def test_the_schedule_is_off_unless_set() -> None:
    (carol,) = load({"existingUsers": ["carol"]}).accounts
    assert carol.rotate_after_days is None
    (carol,) = load({"existingUsers": ["carol"], "accountOverrides": {"carol": {"rotateAfterDays": 7}}}).accounts
    assert carol.rotate_after_days == 7


def test_global_sign_out_is_off_unless_set_stack_wide_or_per_account() -> None:
    carol, dave = load({"existingUsers": ["carol", "dave"]}).accounts
    assert (carol.global_sign_out, dave.global_sign_out) == (False, False)
    cfg = load({
        "globalSignOut": "true", "existingUsers": ["carol", "dave"],
        # `config set --path` may store a flag as text: read as the flag it names.
        "accountOverrides": {"dave": {"globalSignOut": False}, "carol": {"ticket": "T-1"}},
        "existingPools": [{"userPoolId": EU, "users": ["erin", "frank"],
                           "accountOverrides": {"erin": {"globalSignOut": "FALSE"}}}],
    })
    carol, dave = cfg.accounts
    erin, frank = cfg.existing_pools[0].accounts
    assert [a.global_sign_out for a in (carol, dave, erin, frank)] == [True, False, False, True]
    # A setting of the reset, not a metadata value handed to the Lambda trigger.
    assert all("globalSignOut" not in a.client_metadata for a in (carol, dave, erin, frank))
    (carol,) = load({"existingUsers": ["carol"], "accountOverrides": {"carol": {"globalSignOut": "true"}}}).accounts
    assert carol.global_sign_out is True


POOL = "existingPools[0]"


@pytest.mark.parametrize(("config", "sentence"), [
    # Existing pools: a malformed id, a user twice, the same pool twice, shapes.
    ({"existingPools": [{"userPoolId": "eu-west-1", "users": ["carol"]}]}, f"{POOL}.userPoolId {NOT_AN_ID}"),
    ({"existingPools": [{"userPoolId": "eu west_1", "users": ["carol"]}]}, f"{POOL}.userPoolId {NOT_AN_ID}"),
    ({"existingPools": [{"userPoolId": "x" * 50 + "_abcdef", "users": ["carol"]}]},
     f"{POOL}.userPoolId must be at most 55 characters long but is 57, so it is not a user pool id; use the id "
     f"as the Cognito console shows it, such as eu-west-1_AbC123xyz."),
    ({"existingPools": [{"users": ["carol"]}]},
     f"{POOL}.userPoolId is missing; name the pool by its id, such as eu-west-1_AbC123xyz (the Cognito console "
     f"shows it; the part before _ is its region)."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol", "carol"]}]},
     f"{POOL}.users[1] repeats the user 'carol' of {POOL}.users[0]; list each user once per pool."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol"]}, {"userPoolId": EU, "users": ["dave"]}]},
     "existingPools[1].userPoolId names the same pool as existingPools[0].userPoolId; list each pool once, "
     "with all its users."),
    ({"existingPools": [{"userPoolId": EU}]},
     f"{POOL}.users is missing; list the usernames to reset in this pool, such as [carol, dave], or select them "
     f"with group: <a Cognito group> or allUsers: true."),
    ({"existingPools": [{"userPoolId": EU, "users": "carol"}]},
     f"{POOL}.users must be a list of usernames but is a string; write it as [carol, dave]."),
    ({"existingPools": [{"userPoolId": EU, "users": ["bad name"]}]},
     f"{POOL}.users[0] must match the pattern [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+ (from the "
     f"AdminResetUserPassword API), so Cognito would refuse it as a username."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol"], "region": "eu-west-1"}]},
     f"{POOL}.region is not an existing-pool field; use userPoolId, users, group, allUsers, filter, "
     f"accountOverrides, allowCustomMessageInvoke."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol"], "allowCustomMessageInvoke": "yes"}]},
     f"{POOL}.allowCustomMessageInvoke must be true or false but is a string."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol"], "accountOverrides": {"dave": {"ticket": "T"}}}]},
     f"{POOL}.accountOverrides.dave names no account in {POOL}.users; add the account there or remove the "
     f"override (usernames are case-sensitive)."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol"], "accountOverrides": {"carol": None}}]},
     f"{POOL}.accountOverrides.carol is empty; give it at least one of rotationTrigger, rotateAfterDays, "
     f"globalSignOut, reason, ticket, supportContact, locale, or remove it."),
    ({"existingPools": {"userPoolId": EU}},
     "existingPools must be a list but is a map; write it as a list in Pulumi.<stack>.yaml, such as "
     "`existingPools: [{userPoolId: eu-west-1_AbC123, users: [carol]}]`."),
    ({"existingPools": ["eu-west-1_AbC123xyz"]}, f"{POOL} must be a map with userPoolId and users but is a string."),
    # The schedule.
    ({"rotateAfterDays": "0"},
     "rotateAfterDays must be a whole number of days from 1 to 3650 but is 0; leave it out to reset only when "
     "the rotation trigger changes."),
    ({"rotateAfterDays": "3651"},
     "rotateAfterDays must be a whole number of days from 1 to 3650 but is 3651; leave it out to reset only "
     "when the rotation trigger changes."),
    ({"rotateAfterDays": "1.5"},
     "rotateAfterDays must be a whole number of days from 1 to 3650 but is a decimal number; for example 90 "
     "resets each account once in each 90-day window of its own, never twice within 45 days."),
    ({"rotateAfterDays": "ninety"},
     "rotateAfterDays must be a whole number of days from 1 to 3650 but is a string; for example 90 resets each "
     "account once in each 90-day window of its own, never twice within 45 days."),
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {"rotateAfterDays": True}}},
     "accountOverrides.carol.rotateAfterDays must be a whole number of days from 1 to 3650 but is a boolean; "
     "for example 90 resets each account once in each 90-day window of its own, never twice within 45 days."),
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {"rotateAfterDays": -5}}},
     "accountOverrides.carol.rotateAfterDays must be a whole number of days from 1 to 3650 but is -5; leave it "
     "out to reset only when the rotation trigger changes."),
    # The sign-out: a flag, stack-wide or per account.
    ({"globalSignOut": "yes"}, "globalSignOut must be true or false but is a string."),
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {"globalSignOut": "yes"}}},
     "accountOverrides.carol.globalSignOut must be true or false but is a string."),
    ({"existingPools": [{"userPoolId": EU, "users": ["carol"], "accountOverrides": {"carol": {"globalSignOut": 1}}}]},
     f"{POOL}.accountOverrides.carol.globalSignOut must be true or false but is a number."),
    # No created pool: its accounts and sender have nowhere to go.
    ({"createUserPool": "false", "existingUsers": ["carol"]},
     "existingUsers names accounts of the pool the stack creates, but createUserPool is false; move them to "
     "existingPools under their pool, or set createUserPool to true."),
    ({"createUserPool": "no"}, "createUserPool must be true or false but is a string."),
    # The created pool's sender.
    ({"sesSourceArn": "arn:aws:ses:eu-west-1:123456789012:configuration-set/x"},
     "sesSourceArn is not the ARN of an SES identity; use the form "
     "arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com."),
    ({"sesFromAddress": "no-reply@example.com"},
     "sesFromAddress is set but sesSourceArn is not; the default sender cannot use a from address of your own: "
     "set sesSourceArn to the SES identity's ARN too."),
    ({"sesSourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com", "sesFromAddress": "IT Support"},
     "sesFromAddress is not an email address; use the form no-reply@example.com or "
     "'IT Support <no-reply@example.com>'."),
    ({"createUserPool": "false", "sesSourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com"},
     "sesSourceArn configures the pool the stack creates, but createUserPool is false; the stack changes no "
     "setting of an existing pool: remove it."),
])
def test_fleet_mistakes_get_one_sentence_naming_the_key(config: dict[str, Any], sentence: str) -> None:
    assert problems(config) == (f"Stack config {sentence}",)


@pytest.mark.parametrize(("arn", "sender"), [
    ("arn:aws:ses:eu-west-1:123456789012:identity/example.com", "IT Support <no-reply@example.com>"),
    ("arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com", ""),
    ("arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/example.com", "no-reply@example.com"),
])
def test_an_ses_sender_is_taken_as_given(arn: str, sender: str) -> None:
    cfg = load({"sesSourceArn": arn, "sesFromAddress": sender})
    assert cfg.ses == mail.SesSender(arn, sender or None)
    assert load({}).ses is None


@pytest.mark.parametrize(("accounts", "cap", "warned"), [
    (50, 50, False), (51, 50, False), (51, None, True), (51, 51, True), (2000, 50, False), (2000, 100, True),
    (10, None, False),
])
def test_the_default_sender_warning_counts_what_the_run_may_reset(accounts: int, cap: int | None,
                                                                  warned: bool) -> None:
    warning = mail.default_sender_warning("The pool", accounts, cap)
    assert (warning is not None) is warned
    if warning is not None:
        may = accounts if cap is None else min(accounts, cap)
        assert f"may reset {may} users" in warning and "about 50 emails a day" in warning
        assert "cognito-password-reset:sesSourceArn" in warning


@pytest.mark.parametrize(("raw", "cap"), [
    (None, 50), ("50", 50), ("200", 200), ("0", None), ("2.0", 2), ("5e1", 50),
])
def test_the_stack_reads_the_cap_with_the_providers_parser(raw: str | None, cap: int | None) -> None:
    config = {} if raw is None else {"maxResetsPerRun": raw}
    assert sc.load(config.get, has_test_account_password=True).max_resets_per_run == cap


@pytest.mark.parametrize("raw", ["-1", "lots", "2.5", "١٢"])
def test_a_cap_the_provider_refuses_fails_the_stack_with_the_providers_sentence(raw: str) -> None:
    # One message, and a true one: not a mail warning saying "no cap" beside the provider's refusal.
    with pytest.raises(sc.StackConfigError) as caught:
        sc.load({"maxResetsPerRun": raw}.get, has_test_account_password=True)
    with pytest.raises(ConfigError) as provider:
        runcap.parse_cap(raw)
    assert caught.value.problems == (f"{provider.value}.",)
    assert caught.value.problems[0].startswith(
        "CognitoPasswordReset: stack config cognito-password-reset:maxResetsPerRun must be a whole number")


def test_with_a_schedule_the_warning_counts_twice_the_cap() -> None:
    # The cap bounds resets for changes and scheduled resets each: a run may make both.
    warning = mail.default_sender_warning("The pool", 120, 40, scheduled=True)
    assert warning is not None and "may reset 80 users there (maxResetsPerRun is 40, for changes and for the " \
        "schedule each)" in warning and "to 25 or less" in warning
    assert mail.default_sender_warning("The pool", 120, 25, scheduled=True) is None
