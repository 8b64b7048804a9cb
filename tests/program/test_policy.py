"""The exported reset policy grants exactly what the provider calls: no more, no less."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from dynamic_providers import cognito
from dynamic_providers.provider import CognitoPasswordResetProvider
from stack import policy

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123"


@pytest.fixture
def operations(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every Cognito operation the provider's clients send, by API name."""
    seen: set[str] = set()
    build = cognito._new_client

    def recording(target: cognito.Target) -> Any:
        client = build(target)
        client.meta.events.register("before-parameter-build.cognito-idp",
                                    lambda model, **_: seen.add(model.name))
        return client

    monkeypatch.setattr(cognito, "_new_client", recording)
    cognito.CLIENTS.clear()
    yield seen
    cognito.CLIENTS.clear()


def test_the_policy_is_the_provider_s_whole_life_cycle(operations: set[str]) -> None:
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
        idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "a@example.com"},
                                              {"Name": "email_verified", "Value": "true"}])
        idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password="Passw0rd!x", Permanent=True)
        provider = CognitoPasswordResetProvider()
        props = {"user_pool_id": pool, "username": "alice", "client_metadata": {"reason": "r"},
                 "rotation_trigger": "1", "reset_on_create": True}
        created = provider.create(props)
        provider.update(created.id, created.outs, {**props, "rotation_trigger": "2"})
        provider.read(created.id, created.outs)
        provider.delete(created.id, created.outs)
        idp.admin_delete_user(UserPoolId=pool, Username="alice")
        provider.read(created.id, created.outs)  # the user is gone: still only AdminGetUser

    assert {f"cognito-idp:{op}" for op in operations} == set(policy.RESET_ACTIONS)


def test_the_document_allows_only_those_actions_on_only_that_pool() -> None:
    document = json.loads(policy.reset_policy_json(ARN))

    assert document["Version"] == "2012-10-17"
    assert document["Statement"] == [{"Sid": "CognitoPasswordReset", "Effect": "Allow",
                                      "Action": ["cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword"],
                                      "Resource": ARN}]
