"""In-process Cognito (moto); the ``calls`` record comes from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

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
