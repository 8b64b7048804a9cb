"""The provider's import path and serialized form are a contract with every stack's state."""

from __future__ import annotations

import base64
from pathlib import Path

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from dynamic_providers.provider import CognitoPasswordResetProvider
from tests.api_calls import ApiCall, resets

from .conftest import Pool

FIXTURES = Path(__file__).parent.parent / "fixtures"
SERIALIZED = sorted(FIXTURES.glob("provider-v*.txt"))


def test_provider_import_path_is_pinned() -> None:
    # Stored by reference in every stack's state: moving the class needs a re-export here.
    assert (CognitoPasswordResetProvider.__module__, CognitoPasswordResetProvider.__qualname__) == (
        "dynamic_providers.provider", "CognitoPasswordResetProvider")


def test_the_provider_is_pickled_by_reference() -> None:
    raw = base64.b64decode(serialize_provider(CognitoPasswordResetProvider()))
    assert b"dynamic_providers.provider" in raw and b"CognitoPasswordResetProvider" in raw
    assert b"def " not in raw and b"co_code" not in raw  # no code by value
    assert len(raw) < 200


def test_serialization_is_deterministic() -> None:
    # A changing __provider would plan an update of every resource on every preview.
    assert serialize_provider(CognitoPasswordResetProvider()) == serialize_provider(CognitoPasswordResetProvider())


def test_serialized_provider_holds_no_config_credentials_or_clients(pool: Pool) -> None:
    provider = CognitoPasswordResetProvider()
    provider.configure(ConfigureRequest(Config({
        "aws:accessKey": "AKIACANARY", "aws:secretKey": "SECRETCANARY", "aws:token": "TOKENCANARY",
        "aws:profile": "PROFILECANARY", "aws:endpoints": '[{"cognitoidp": "http://ENDPOINTCANARY:1"}]',
        "cognito-password-reset:anything": "CONFIGCANARY"}, "cognito-password-reset")))
    provider._cognito()  # settings resolved; a used provider is what a program could hold
    raw = base64.b64decode(serialize_provider(provider))
    for canary in (b"AKIACANARY", b"SECRETCANARY", b"TOKENCANARY", b"PROFILECANARY", b"ENDPOINTCANARY",
                   b"CONFIGCANARY"):
        assert canary not in raw
    assert serialize_provider(provider) == serialize_provider(CognitoPasswordResetProvider())


@pytest.mark.parametrize("fixture", SERIALIZED, ids=[p.name for p in SERIALIZED])
def test_providers_stored_by_earlier_versions_still_run(fixture: Path, pool: Pool, calls: list[ApiCall]) -> None:
    provider = dill.loads(base64.b64decode(fixture.read_text().strip()))
    assert isinstance(provider, CognitoPasswordResetProvider)
    provider.configure(ConfigureRequest(Config({}, "cognito-password-reset")))
    pool.user("alice")
    provider.create({"user_pool_id": pool.id, "username": "alice", "reset_on_create": True})
    assert len(resets(calls)) == 1
    assert pool.status("alice") == "RESET_REQUIRED"


def test_there_is_a_fixture_for_the_current_version() -> None:
    assert (FIXTURES / "provider-v0.1.0.txt").exists()
