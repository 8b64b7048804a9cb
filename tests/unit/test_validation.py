"""Check: every bad input is refused at preview, naming the property; unknowns never fail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from pulumi.output import Unknown

from cognito_password_reset import regions, validation

GOOD: dict[str, Any] = {"user_pool_id": "us-east-1_AbC123", "username": "alice"}


def problems(**changes: Any) -> list[validation.Problem]:
    return validation.check({**GOOD, **changes})[1]


@pytest.mark.parametrize(("changes", "prop", "phrase"), [
    ({"user_pool_id": None}, "user_pool_id", "is required"),
    ({"user_pool_id": ""}, "user_pool_id", "at least 1"),
    ({"user_pool_id": "nounderscore"}, "user_pool_id", "must match the pattern"),
    ({"user_pool_id": "us-east-1_abc!"}, "user_pool_id", "must match the pattern"),
    ({"user_pool_id": "us east 1_abc"}, "user_pool_id", "must match the pattern"),
    ({"user_pool_id": "us-east-1_" + "a" * 50}, "user_pool_id", "at most 55"),
    ({"user_pool_id": 42}, "user_pool_id", "must be a string"),
    ({"user_pool_id": "us-east1_AbC123xyz"}, "user_pool_id", "region part 'us-east1'"),
    ({"user_pool_id": "US-EAST-1_AbC123xyz"}, "user_pool_id", "region part 'US-EAST-1'"),
    ({"username": None}, "username", "is required"),
    ({"username": ""}, "username", "at least 1"),
    ({"username": "a" * 129}, "username", "at most 128"),
    ({"username": "with space"}, "username", "must match the pattern"),
    ({"username": "tab\there"}, "username", "must match the pattern"),
    ({"username": ["alice"]}, "username", "must be a string"),
    ({"client_metadata": "reason=rotation"}, "client_metadata", "must be a map"),
    ({"client_metadata": ["a"]}, "client_metadata", "must be a map"),
    ({"client_metadata": {1: "x"}}, "client_metadata", "key 1 must be a string"),
    ({"client_metadata": {"n": 1}}, "client_metadata", "must be a string"),
    ({"client_metadata": {"flag": True}}, "client_metadata", "must be a string"),
    ({"client_metadata": {"nested": {"a": "b"}}}, "client_metadata", "must be a string"),
    ({"client_metadata": {"big": "x" * 131073}}, "client_metadata", "at most 131072"),
    ({"client_metadata": {"k" * 131073: "v"}}, "client_metadata", "at most 131072"),
    ({"rotation_trigger": {"when": "now"}}, "rotation_trigger", "must be a string"),
    ({"rotation_trigger": 2026}, "rotation_trigger", "must be a string"),
    ({"reset_on_create": "yes"}, "reset_on_create", "true or false"),
    ({"reset_on_create": 1}, "reset_on_create", "true or false"),
    ({"global_sign_out": "yes"}, "global_sign_out", "true or false"),
    ({"global_sign_out": 1}, "global_sign_out", "true or false"),
    ({"global_sign_out": "false"}, "global_sign_out", "true or false"),
    ({"global_sign_out": {"on": True}}, "global_sign_out", "true or false"),
    ({"rotate_after_days": 0}, "rotate_after_days", "from 1 to 3650 but is 0"),
    ({"rotate_after_days": 3651}, "rotate_after_days", "from 1 to 3650 but is 3651"),
    ({"rotate_after_days": -90}, "rotate_after_days", "whole number of days"),
    ({"rotate_after_days": 1.5}, "rotate_after_days", "but is 1.5"),
    ({"rotate_after_days": True}, "rotate_after_days", "but is a boolean"),
    ({"rotate_after_days": "90"}, "rotate_after_days", "but is a string"),
])
def test_bad_input_names_the_property(changes: dict[str, Any], prop: str, phrase: str) -> None:
    found = problems(**changes)
    assert [p.property for p in found] == [prop]
    reason = found[0].reason
    assert reason.startswith(f"CognitoPasswordReset: {prop} ")
    assert phrase in reason


# One row per kind of sentence: the whole sentence, since its fix is what the user acts on.
@pytest.mark.parametrize(("changes", "sentence"), [
    ({"user_pool_id": None}, "user_pool_id is required; pass the pool's id, such as 'us-east-1_AbCdEf123' "
                             "(the id output of aws.cognito.UserPool)."),
    ({"user_pool_id": "us-east1_AbC123xyz"}, "user_pool_id 'us-east1_AbC123xyz' has the region part 'us-east1', "
                                             "which is not an AWS region name (such as us-east-1); use the pool "
                                             "id as the Cognito console shows it."),
    ({"username": 42}, "username must be a string but is a number; pass the user's Cognito username "
                       "(no spaces, 1 to 128 characters)."),
    ({"client_metadata": ["a"]}, "client_metadata must be a map of strings to strings but is a list; "
                                 'pass a dict such as {"reason": "rotation"}.'),
    ({"client_metadata": {"n": 1}}, "client_metadata value of key 'n' must be a string but is a number; "
                                    "convert it with str() or quote it in config."),
    ({"client_metadata": {1: "x"}}, "client_metadata key 1 must be a string but is a number; quote it."),
    ({"client_metadata": {"n": None}}, "client_metadata value of key 'n' must be a string but is a null value; "
                                       "convert it with str() or quote it in config."),
    ({"client_metadata": {"k" * 50: "v" * 131073}},
     f"client_metadata value of key {repr('k' * 50)[:40]} must be at most 131072 characters long but is 131073; "
     "shorten it."),
    ({"rotation_trigger": 2026}, "rotation_trigger must be a string but is a number; pass a string such as a date "
                                 "('2026-11-27') or a ticket id."),
    ({"reset_on_create": "yes"}, "reset_on_create must be true or false but is a string; pass a bool (False adopts "
                                 "the user without resetting it)."),
    ({"global_sign_out": "true"}, "global_sign_out must be true or false but is a string; pass a bool (True also "
                                  "signs the user out everywhere with each reset)."),
    ({"rotate_after_days": "90"}, "rotate_after_days must be a whole number of days from 1 to 3650 but is a string; "
                                  "pass the rotation period in days, such as 90, or leave it out for no schedule."),
])
def test_each_sentence_says_what_is_wrong_and_the_fix(changes: dict[str, Any], sentence: str) -> None:
    assert [p.reason for p in problems(**changes)] == [f"CognitoPasswordReset: {sentence}"]


def test_every_bad_metadata_entry_is_reported_past_unknown_and_bad_ones() -> None:
    found = problems(client_metadata={"a": Unknown(), 1: "x", "b": 2, "c": "x" * 131073, "d": 3})
    assert [p.reason.split(" must ")[0] for p in found] == [
        "CognitoPasswordReset: client_metadata key 1",
        "CognitoPasswordReset: client_metadata value of key 'b'",
        "CognitoPasswordReset: client_metadata value of key 'c'",
        "CognitoPasswordReset: client_metadata value of key 'd'",
    ]


@pytest.mark.parametrize("changes", [
    {},
    {"username": "ÄlïcΣ-ñ.o'brien+tag@example.com"},
    {"username": "a" * 128},
    {"user_pool_id": "eu-west-2_" + "a" * 45},
    {"user_pool_id": "cn-northwest-1_AbC123"},
    {"user_pool_id": "eu-north-9_AbC123"},  # a region opened after this botocore: named like the others
    {"client_metadata": {}},
    {"client_metadata": {"reason": "", "": "empty key is allowed by the model"}},
    {"rotation_trigger": ""},
    {"reset_on_create": False},
    {"global_sign_out": True},
    {"global_sign_out": False},
])
def test_good_input_passes(changes: dict[str, Any]) -> None:
    assert problems(**changes) == []


@pytest.mark.parametrize("changes", [
    {"user_pool_id": Unknown()},
    {"username": Unknown()},
    {"client_metadata": Unknown()},
    {"client_metadata": {"reason": Unknown()}},
    {"rotation_trigger": Unknown()},
    {"reset_on_create": Unknown()},
    {"global_sign_out": Unknown()},
    {"user_pool_id": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},  # the wire sentinel, as a string
])
def test_unknowns_never_fail_and_are_kept(changes: dict[str, Any]) -> None:
    inputs, found = validation.check({**GOOD, **changes})
    assert found == []
    for key, value in changes.items():
        assert inputs[key] is value


def test_reset_on_create_defaults_to_true() -> None:
    assert validation.check(GOOD)[0]["reset_on_create"] is True
    assert validation.check({**GOOD, "reset_on_create": False})[0]["reset_on_create"] is False


def test_global_sign_out_defaults_to_false() -> None:
    assert validation.check(GOOD)[0]["global_sign_out"] is False
    assert validation.check({**GOOD, "global_sign_out": True})[0]["global_sign_out"] is True


def test_metadata_values_are_never_quoted() -> None:
    secret = "canary-" + "s" * 131072
    found = problems(client_metadata={"token": secret, "count": 3})
    assert len(found) == 2
    assert all("canary" not in p.reason for p in found)


def test_rules_come_from_the_installed_botocore_model() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    members = model.operation_model("AdminResetUserPassword").input_shape.members
    rules = validation.rules()
    assert rules.user_pool_id.pattern == members["UserPoolId"].metadata["pattern"]
    assert rules.user_pool_id.max == members["UserPoolId"].metadata["max"]
    assert rules.username.pattern == members["Username"].metadata["pattern"]
    assert rules.username.max == members["Username"].metadata["max"]
    assert rules.metadata_value.max == members["ClientMetadata"].value.metadata["max"]


@pytest.mark.parametrize("pool_id", ["nounderscore", "_abc", "us-east1_abc!", "us-east1_" + "a" * 50])
def test_a_pool_id_the_api_pattern_refuses_gets_that_sentence_alone(pool_id: str) -> None:
    (found,) = problems(user_pool_id=pool_id)
    assert "region part" not in found.reason


def test_every_problem_is_reported_at_once() -> None:
    found = problems(user_pool_id="bad", username="", rotation_trigger=1, reset_on_create="no", global_sign_out=0)
    assert {p.property for p in found} == {"user_pool_id", "username", "rotation_trigger", "reset_on_create",
                                           "global_sign_out"}


def test_a_period_that_crossed_the_wire_as_a_float_is_a_whole_number_again() -> None:
    inputs, found = validation.check({**GOOD, "rotate_after_days": 90.0})
    assert found == [] and inputs["rotate_after_days"] == 90 and isinstance(inputs["rotate_after_days"], int)


def test_an_unknown_period_is_not_a_failure() -> None:
    assert problems(rotate_after_days=Unknown()) == []


# A pool id's region part: region-shaped by botocore's partition data, not by a list of ours.
@pytest.mark.parametrize("region", [
    "us-east-1", "eu-central-2", "ap-southeast-5", "cn-north-1", "us-gov-west-1",
    "us-isob-east-1", "eu-isoe-west-1", "eusc-de-east-1",
    "me-west-1", "sa-west-1",
    "eu-north-9", "ap-south-12", "us-gov-east-7",  # not opened yet: named like their partition's regions
])
def test_a_region_shaped_prefix_passes(region: str) -> None:
    assert regions.region_violation(f"{region}_AbC123xyz") is None


@pytest.mark.parametrize(("pool_id", "region"), [
    ("us-east1_AbC123xyz", "us-east1"),
    ("useast-1_AbC123xyz", "useast-1"),
    ("US-EAST-1_AbC123xyz", "US-EAST-1"),
    ("us-east-1x_AbC123xyz", "us-east-1x"),
    ("_abc", ""),
    ("us-east-_abc", "us-east-"),
    ("xx-east-1_abc", "xx-east-1"),  # no partition has the area xx
    ("us-ëast-1_abc", "us-ëast-1"),  # \w in a region name is ASCII, as in the other SDKs
    ("us-east-١_abc", "us-east-١"),  # an Arabic-Indic digit one
    ("aws-global_abc", "aws-global"),  # listed by botocore, but a pseudo-region: no Cognito host there
    ("aws-cn-global_abc", "aws-cn-global"),
])
def test_a_prefix_that_is_not_a_region_name_is_refused_naming_it(pool_id: str, region: str) -> None:
    assert regions.region_violation(pool_id) == (
        f"{pool_id!r} has the region part {region!r}, which is not an AWS region name (such as us-east-1)")


def test_every_region_botocore_lists_passes() -> None:
    data = botocore.session.get_session().get_data("partitions")
    listed = [name for p in data["partitions"] for name in p["regions"] if not name.endswith("-global")]
    assert len(listed) > 30
    assert [name for name in listed if regions.region_violation(f"{name}_a") is not None] == []


@pytest.fixture
def own_partition_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """botocore's loader reading partitions.json from AWS_DATA_PATH first; the cache cleared around it."""
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    regions.region_names.cache_clear()
    yield tmp_path
    regions.region_names.cache_clear()


def test_the_shape_comes_from_botocores_loader_so_a_new_partition_passes(own_partition_data: Path) -> None:
    (own_partition_data / "partitions.json").write_text(json.dumps({"version": "1.1", "partitions": [
        {"id": "aws-new", "regionRegex": "^zz\\-\\w+\\-\\d+$", "regions": {"odd-one": {}, "aws-new-global": {}},
         "outputs": {}},
    ]}))
    assert regions.region_violation("zz-central-1_abc") is None  # by its pattern
    assert regions.region_violation("odd-one_abc") is None  # listed by name
    assert regions.region_violation("aws-new-global_abc") is not None  # its pseudo-region
    assert regions.region_violation("us-east-1_abc") is not None  # this data has no aws partition


def test_the_partition_data_is_read_once() -> None:
    assert regions.region_names() is regions.region_names()
