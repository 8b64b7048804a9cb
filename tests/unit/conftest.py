"""In-process Cognito (moto); the ``calls`` record comes from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from cognito_password_reset import cognito
from cognito_password_reset.provider import CognitoPasswordResetProvider
from tests.api_calls import ApiCall
from tests.cognito_pool import Pool, new_pool

REGION = "us-east-1"


@pytest.fixture
def pool(calls: list[ApiCall]) -> Iterator[Pool]:
    with mock_aws():
        yield new_pool(boto3.client("cognito-idp", region_name=REGION))


@pytest.fixture
def provider() -> CognitoPasswordResetProvider:
    return CognitoPasswordResetProvider()


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The client the provider (and pool_users) calls through, answering whatever the test queues:
    no network."""
    client = boto3.client("cognito-idp", region_name=REGION)
    monkeypatch.setattr(cognito, "_new_client", lambda target: client)
    cognito.CLIENTS.clear()
    with Stubber(client) as stubber:
        yield stubber
    cognito.CLIENTS.clear()
