"""In-process Cognito (moto) and a record of every AWS call the provider makes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from dynamic_providers import cognito
from dynamic_providers.provider import CognitoPasswordResetProvider

REGION = "us-east-1"
PASSWORD = "Passw0rd!Passw0rd"


@dataclass(frozen=True)
class ApiCall:
    operation: str
    params: dict[str, Any]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[ApiCall]:
    """Every AWS call the provider's clients make, in order (clients are rebuilt per test)."""
    made: list[ApiCall] = []
    build = cognito._new_client

    def recording(target: cognito.Target) -> Any:
        client = build(target)

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            made.append(ApiCall(model.name, dict(params)))

        client.meta.events.register("before-parameter-build.cognito-idp", record)
        return client

    monkeypatch.setattr(cognito, "_new_client", recording)
    cognito.CLIENTS.clear()
    yield made
    cognito.CLIENTS.clear()


def resets(made: list[ApiCall]) -> list[ApiCall]:
    return [c for c in made if c.operation == "AdminResetUserPassword"]


@dataclass
class Pool:
    """A moto user pool with helpers to make users in the states a test needs."""

    client: Any
    id: str

    def user(self, username: str, *, verified: bool = True, confirmed: bool = True, enabled: bool = True) -> str:
        attrs = [{"Name": "email", "Value": f"{username}@example.com"},
                 {"Name": "email_verified", "Value": "true" if verified else "false"}]
        self.client.admin_create_user(UserPoolId=self.id, Username=username, UserAttributes=attrs,
                                      MessageAction="SUPPRESS")
        if confirmed:
            self.client.admin_set_user_password(UserPoolId=self.id, Username=username, Password=PASSWORD,
                                                Permanent=True)
        if not enabled:
            self.client.admin_disable_user(UserPoolId=self.id, Username=username)
        return username

    def status(self, username: str) -> str:
        return str(self.client.admin_get_user(UserPoolId=self.id, Username=username)["UserStatus"])


@pytest.fixture
def pool(calls: list[ApiCall]) -> Iterator[Pool]:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        pool_id = client.create_user_pool(PoolName="test")["UserPool"]["Id"]
        yield Pool(client, pool_id)


@pytest.fixture
def provider() -> CognitoPasswordResetProvider:
    return CognitoPasswordResetProvider()
