"""stack.config: every bad key named once, with its fix; good config turned into accounts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from stack import config as sc
from stack import keys, mail

ROOT = Path(__file__).resolve().parents[2]


def load(values: dict[str, Any], *, password: bool = True) -> sc.StackConfig:
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    return sc.load(raw.get, has_test_account_password=password)


def problems(values: dict[str, Any], *, password: bool = True) -> tuple[str, ...]:
    with pytest.raises(sc.StackConfigError) as caught:
        load(values, password=password)
    return caught.value.problems


def test_pulumi_yaml_declares_the_same_types_and_defaults() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    for key, default in sc.STRING_DEFAULTS.items():
        assert declared[key]["type"] == "string", key
        assert str(declared[key]["default"]) == default, key
    for key, default in sc.LIST_DEFAULTS.items():
        assert declared[key]["type"] == "array" and declared[key]["items"] == {"type": "string"}, key
        assert declared[key]["default"] == default, key
    for key, flag in keys.BOOLEAN_DEFAULTS.items():
        assert declared[key]["type"] == "boolean" and declared[key]["default"] is flag, key


def test_the_per_run_cap_is_declared_with_the_stacks_protective_default() -> None:
    # Read by the provider as cognito-password-reset:maxResetsPerRun; the stack's mail warning
    # assumes the same default when the key is absent.
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert declared["name"] == "cognito-password-reset"
    assert declared["config"][keys.MAX_RESETS_PER_RUN] == {
        "type": "integer", "default": keys.DEFAULT_MAX_RESETS_PER_RUN,
        "description": declared["config"][keys.MAX_RESETS_PER_RUN]["description"]}
    assert keys.DEFAULT_MAX_RESETS_PER_RUN == mail.DEFAULT_SENDER_DAILY_LIMIT



@pytest.mark.parametrize(("full_key", "default"), [
    ("cognito-password-reset:maxResetsPerSecond", 30.0), ("cognito-password-reset:maxReadsPerSecond", 50.0)])
def test_the_providers_rate_keys_are_declared_with_the_providers_defaults(full_key: str, default: float) -> None:
    # This project's name is the package's config namespace, so the provider's keys are
    # project keys here, and Pulumi rejects project keys the project does not declare. The
    # project file has no decimal type: string is the one that lets `0.5` through.
    from cognito_password_reset import ratelimit

    namespace, key = full_key.split(":")
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert declared["name"] == namespace
    assert declared["config"][key]["type"] == "string"
    assert float(declared["config"][key]["default"]) == default
    assert ratelimit.per_second_from_config({full_key: declared["config"][key]["default"]}.get, full_key) == default
    assert ratelimit.per_second_from_config({full_key: "0.5"}.get, full_key) == 0.5
    assert {ratelimit.CONFIG_KEY: ratelimit.DEFAULT_PER_SECOND,
            ratelimit.READS_CONFIG_KEY: ratelimit.DEFAULT_READS_PER_SECOND}[full_key] == default

def test_empty_config_means_the_defaults_and_no_accounts() -> None:
    cfg = load({})
    assert cfg.user_pool_name == "cognito-password-reset"
    assert cfg.rotation_trigger == "initial"
    assert cfg.accounts == ()


def test_accounts_get_the_stack_wide_values_unless_overridden() -> None:
    cfg = load({
        "rotationTrigger": "2026-11-27", "resetTicket": "SEC-1", "locale": "fr",
        "testAccounts": [{"username": "qa-1", "email": "qa-1@example.com", "name": "QA One"}],
        "existingUsers": ["carol", "dave"],
        "accountOverrides": {"dave": {"rotationTrigger": "2026-12-01", "reason": "left the team"}},
    })
    accounts = {a.username: a for a in cfg.accounts}
    assert list(accounts) == ["qa-1", "carol", "dave"]
    qa = accounts["qa-1"]
    assert (qa.create, qa.email, qa.name) == (True, "qa-1@example.com", "QA One")
    assert accounts["carol"].create is False and accounts["carol"].email is None
    assert qa.rotation_trigger == accounts["carol"].rotation_trigger == "2026-11-27"
    assert accounts["dave"].rotation_trigger == "2026-12-01"
    default_metadata = {"reason": "scheduled password rotation", "ticket": "SEC-1", "locale": "fr"}
    assert accounts["carol"].client_metadata == default_metadata
    assert accounts["dave"].client_metadata == {**default_metadata, "reason": "left the team"}


def test_no_locale_is_sent_unless_one_is_configured() -> None:
    # The function falls back to the user's own locale attribute only when none is sent.
    (account,) = load({"existingUsers": ["carol"]}).accounts
    assert "locale" not in account.client_metadata
    (account,) = load({"existingUsers": ["carol"], "accountOverrides": {"carol": {"locale": "de"}}}).accounts
    assert account.client_metadata["locale"] == "de"


def test_empty_metadata_values_are_left_out() -> None:
    (account,) = load({"existingUsers": ["carol"], "resetReason": "", "locale": "de"}).accounts
    assert account.client_metadata == {"locale": "de"}


def test_every_problem_is_reported_at_once_naming_its_key() -> None:
    found = problems({
        "rotationTrigger": ["a"],
        "testAccounts": [{"username": "qa-1"}, {"email": "x@example.com"}, "qa-3",
                         {"username": "qa-4", "email": "not-an-address", "emial": "typo"}],
        "existingUsers": ["carol", 7, "carol"],
        "accountOverrides": {"zed": {}, "carol": {"rotationTrigger": 5, "colour": "red"}},
    })
    assert found == (
        "Stack config rotationTrigger must be a string but is a list; set it with "
        "`pulumi config set rotationTrigger <text>`.",
        "Stack config testAccounts[0].email is missing; give every test account an email address (Cognito "
        "marks it verified and sends the reset code there).",
        "Stack config testAccounts[1].username is missing; give every test account a username.",
        "Stack config testAccounts[2] must be a map with username and email but is a string.",
        "Stack config testAccounts[3].emial is not a test-account field; use username, email, name.",
        "Stack config testAccounts[3].email is not an email address; use the form name@example.com.",
        "Stack config existingUsers[1] must be a string but is a number; quote it in Pulumi.<stack>.yaml, or set "
        "it with `pulumi config set --path --type string ...`.",
        "Stack config existingUsers[2] repeats the account 'carol'; list each account once, in testAccounts, "
        "testAccountsFile or existingUsers.",
        "Stack config accountOverrides.zed names no account in testAccounts, testAccountsFile or existingUsers; "
        "add the account there or remove the override (usernames are case-sensitive).",
        "Stack config accountOverrides.carol.rotationTrigger must be a string but is a number; quote it in "
        "Pulumi.<stack>.yaml, or set it with `pulumi config set --path --type string ...`.",
        "Stack config accountOverrides.carol.colour is not something an override can set; use rotationTrigger, "
        "rotateAfterDays, globalSignOut, reason, ticket, supportContact, locale.",
    )


def test_an_account_in_both_lists_is_a_problem() -> None:
    found = problems({"testAccounts": [{"username": "carol", "email": "c@example.com"}], "existingUsers": ["carol"]})
    assert found == ("Stack config existingUsers[0] repeats the account 'carol'; list each account once, in "
                     "testAccounts, testAccountsFile or existingUsers.",)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("testAccounts", {"username": "x"}, "Stack config testAccounts must be a list but is a map"),
    ("existingUsers", "[not json", "Stack config existingUsers must be a list but is a single string"),
    ("accountOverrides", ["carol"], "Stack config accountOverrides must be a map but is a list"),
    ("accountOverrides", {"carol": "2026"}, "Stack config accountOverrides.carol must be a map"),
    ("rotationTrigger", "  ", "Stack config rotationTrigger is empty"),
    ("locale", {"de": True}, "Stack config locale must be a string but is a map"),
])
def test_wrong_shapes_name_the_key(key: str, value: Any, expected: str) -> None:
    found = problems({"existingUsers": ["carol"], key: value})
    assert len(found) == 1 and found[0].startswith(expected)


@pytest.mark.parametrize(("config", "sentence"), [
    # `existingUsers: carol` is valid YAML: a string where a list belongs (the engine hands the
    # program the text itself, not JSON).
    ({"existingUsers": "carol"},
     "Stack config existingUsers must be a list but is a single string; write it as a list in "
     "Pulumi.<stack>.yaml, such as `existingUsers: [carol, dave]`."),
    ({"existingUsers": "7"},
     "Stack config existingUsers must be a list but is a number; write it as a list in Pulumi.<stack>.yaml, "
     "such as `existingUsers: [carol, dave]`."),
    ({"testAccounts": "qa-1"},
     "Stack config testAccounts must be a list but is a single string; write it as a list in "
     "Pulumi.<stack>.yaml, such as `testAccounts: [{username: qa-1, email: qa-1@example.com}]`."),
    ({"existingUsers": ["carol"], "accountOverrides": "carol"},
     "Stack config accountOverrides must be a map but is a single string; write it as a map in "
     "Pulumi.<stack>.yaml, such as `accountOverrides: {carol: {rotationTrigger: '2026-12-01'}}`."),
    # `carol:` with nothing under it is YAML's null.
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": None}},
     "Stack config accountOverrides.carol is empty; give it at least one of rotationTrigger, rotateAfterDays, "
     "globalSignOut, reason, ticket, supportContact, locale, or remove it."),
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {}}},
     "Stack config accountOverrides.carol is empty; give it at least one of rotationTrigger, rotateAfterDays, "
     "globalSignOut, reason, ticket, supportContact, locale, or remove it."),
    # Blank in an override, as blank stack-wide: rejected, not taken as a trigger.
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {"rotationTrigger": "  "}}},
     "Stack config accountOverrides.carol.rotationTrigger is empty; set it to a date or ticket id, such as "
     "'2026-12-01', or remove it so the account follows the stack-wide rotationTrigger."),
    ({"existingUsers": ["carol"], "rotationTrigger": " \t"},
     "Stack config rotationTrigger is empty; set it to a date or ticket id, such as "
     "`pulumi config set rotationTrigger 2026-11-27`."),
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {"ticket": "   "}}},
     "Stack config accountOverrides.carol.ticket is missing; remove the key or give it a value."),
])
def test_each_mistake_gets_one_sentence_saying_what_was_found_and_what_is_expected(
        config: dict[str, Any], sentence: str) -> None:
    assert problems(config) == (sentence,)


def test_test_accounts_need_the_password_key() -> None:
    found = problems({"testAccounts": [{"username": "qa", "email": "qa@example.com"}]}, password=False)
    assert found == ("Stack config testAccountPassword is missing but testAccounts needs it; set the test "
                     "accounts' initial password with `pulumi config set --secret testAccountPassword "
                     "<password>` (it must meet the pool's password policy).",)
    assert load({"existingUsers": ["carol"]}, password=False).accounts  # existing users need no password


def test_problems_never_quote_values() -> None:
    secret = "ticket-text-that-may-be-private"
    found = problems({"existingUsers": ["carol"], "accountOverrides": {"carol": {"ticket": [secret]}}})
    assert found and all(secret not in p for p in found)


def test_the_metadata_keys_are_those_the_function_reads() -> None:
    from lambdas import custom_message

    assert sorted(sc.METADATA_KEYS.values()) == sorted(custom_message.KNOWN_KEYS)
    assert set(sc.OVERRIDE_FIELDS) == {sc.ROTATION_TRIGGER, keys.ROTATE_AFTER_DAYS, keys.GLOBAL_SIGN_OUT,
                                       *custom_message.KNOWN_KEYS}
