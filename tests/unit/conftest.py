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
from tests.cognito_pool import Pool, new_pool

REGION = "us-east-1"


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


@pytest.fixture
def pool(calls: list[ApiCall]) -> Iterator[Pool]:
    with mock_aws():
        yield new_pool(boto3.client("cognito-idp", region_name=REGION))


@pytest.fixture
def provider() -> CognitoPasswordResetProvider:
    return CognitoPasswordResetProvider()
