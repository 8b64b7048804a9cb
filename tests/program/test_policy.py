"""The exported reset policy grants exactly what the provider calls: no more, no less."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from cognito_password_reset import IAM_ACTIONS, SELECTION_IAM_ACTIONS, pool_users
from cognito_password_reset.provider import CognitoPasswordResetProvider
from cognito_password_reset.schema import RESET_IAM_ACTIONS, SIGN_OUT_IAM_ACTIONS
from stack import policy
from tests.api_calls import ApiCall
from tests.cognito_pool import new_pool

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123"


def _life_cycle(global_sign_out: bool) -> None:
    with mock_aws():
        users = new_pool(boto3.client("cognito-idp", region_name="us-east-1"))
        users.user("alice")
        pool = users.id
        provider = CognitoPasswordResetProvider()
        props = {"user_pool_id": pool, "username": "alice", "client_metadata": {"reason": "r"},
                 "rotation_trigger": "1", "reset_on_create": True, "global_sign_out": global_sign_out}
        created = provider.create(props)
        updated = provider.update(created.id, created.outs, {**props, "rotation_trigger": "2"})
        provider.update(created.id, updated.outs, {**props, "rotation_trigger": "2", "global_sign_out": True})
        provider.read(created.id, created.outs)
        provider.delete(created.id, created.outs)
        users.delete("alice")
        provider.read(created.id, created.outs)  # the user is gone: still only AdminGetUser


def test_the_policy_is_the_provider_s_whole_life_cycle(calls: list[ApiCall]) -> None:
    _life_cycle(global_sign_out=True)
    assert {f"cognito-idp:{c.operation}" for c in calls} == set(IAM_ACTIONS)


def test_each_way_of_selecting_calls_exactly_its_own_action(calls: list[ApiCall]) -> None:
    with mock_aws():
        users = new_pool(boto3.client("cognito-idp", region_name="us-east-1"))
        users.client.create_group(UserPoolId=users.id, GroupName="ops")
        made: dict[str, set[str]] = {}
        for kind, select in {"group": lambda: pool_users(users.id, "ops", config={}),
                             "allUsers": lambda: pool_users(users.id, filter='email ^= "a"', config={})}.items():
            calls.clear()
            select()
            made[kind] = {f"cognito-idp:{c.operation}" for c in calls}
    assert made == {kind: {action} for kind, action in SELECTION_IAM_ACTIONS.items()}
    assert not set(SELECTION_IAM_ACTIONS.values()) & set(IAM_ACTIONS)  # the provider never lists


def test_without_global_sign_out_the_provider_never_signs_out(calls: list[ApiCall]) -> None:
    # So a pool none of whose resets sign out needs no AdminUserGlobalSignOut (turning it on
    # alone, the second update, calls nothing).
    _life_cycle(global_sign_out=False)
    assert {f"cognito-idp:{c.operation}" for c in calls} == set(RESET_IAM_ACTIONS)
    assert set(IAM_ACTIONS) == set(RESET_IAM_ACTIONS) | set(SIGN_OUT_IAM_ACTIONS)
    assert SIGN_OUT_IAM_ACTIONS == ("cognito-idp:AdminUserGlobalSignOut",)


def test_the_document_allows_only_those_actions_on_only_that_pool() -> None:
    document = json.loads(policy.reset_policy_json([ARN]))

    assert document["Version"] == "2012-10-17"
    assert document["Statement"] == [{"Sid": "CognitoPasswordReset", "Effect": "Allow",
                                      "Action": ["cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword"],
                                      "Resource": [ARN]}]


def test_a_list_call_is_granted_only_on_the_pools_that_select_that_way() -> None:
    eu = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_X"
    document = policy.reset_policy([ARN, eu], {"group": [eu], "allUsers": []})
    assert document["Statement"][1:] == [{"Sid": "CognitoPasswordResetSelectGroup", "Effect": "Allow",
                                          "Action": ["cognito-idp:ListUsersInGroup"], "Resource": [eu]}]
    assert policy.reset_policy([ARN], {"group": [], "allUsers": []}) == policy.reset_policy([ARN])


def test_the_sign_out_is_allowed_only_on_the_pools_whose_resets_sign_out() -> None:
    eu = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_X"
    document = json.loads(policy.reset_policy_json([ARN, eu], sign_out_pool_arns=[eu]))
    assert document["Statement"] == [
        {"Sid": "CognitoPasswordReset", "Effect": "Allow",
         "Action": ["cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword"], "Resource": [ARN, eu]},
        {"Sid": "CognitoPasswordResetSignOut", "Effect": "Allow",
         "Action": ["cognito-idp:AdminUserGlobalSignOut"], "Resource": [eu]}]


def test_each_pool_is_named_by_its_own_arn() -> None:
    document = policy.reset_policy([ARN, "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_X"])
    assert document["Statement"][0]["Resource"] == [
        ARN, "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_X"]


@pytest.mark.parametrize(("caller", "pool_id", "expected"), [
    ("arn:aws:iam::123456789012:user/ci", "eu-west-1_AbC123",
     "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123"),
    ("arn:aws:sts::123456789012:assumed-role/rotate/ci", "ap-southeast-2_Z9",
     "arn:aws:cognito-idp:ap-southeast-2:123456789012:userpool/ap-southeast-2_Z9"),
    ("arn:aws-cn:iam::123456789012:user/ci", "cn-north-1_Q1",
     "arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Q1"),
    ("arn:aws-us-gov:iam::123456789012:user/ci", "us-gov-west-1_Q1",
     "arn:aws-us-gov:cognito-idp:us-gov-west-1:123456789012:userpool/us-gov-west-1_Q1"),
])
def test_an_existing_pools_arn_has_its_region_and_the_callers_partition_and_account(
        caller: str, pool_id: str, expected: str) -> None:
    assert policy.user_pool_arn(caller, "123456789012", pool_id) == expected
