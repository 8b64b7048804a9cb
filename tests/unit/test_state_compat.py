"""The provider's import path and serialized form are a contract with every stack's state."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import dill
import pytest
import tomllib
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

import cognito_password_reset
from cognito_password_reset.provider import CognitoPasswordResetProvider
from tests.api_calls import ApiCall, resets

from .conftest import Pool

FIXTURES = Path(__file__).parent.parent / "fixtures"
SERIALIZED = sorted(FIXTURES.glob("provider-v*.txt"))


def test_provider_import_path_is_pinned() -> None:
    # Stored by reference in every stack's state: moving the class needs a re-export here.
    assert (CognitoPasswordResetProvider.__module__, CognitoPasswordResetProvider.__qualname__) == (
        "cognito_password_reset.provider", "CognitoPasswordResetProvider")


def test_the_path_0_1_0_stored_is_the_same_class() -> None:
    from dynamic_providers.provider import CognitoPasswordResetProvider as stored_by_0_1_0

    assert stored_by_0_1_0 is CognitoPasswordResetProvider


def test_dynamic_providers_is_a_namespace_package_that_cannot_hide_a_projects_own() -> None:
    import dynamic_providers

    # No __init__.py: a project's own dynamic_providers/ (regular or namespace) is never shadowed.
    assert getattr(dynamic_providers, "__file__", None) is None
    assert not (Path(cognito_password_reset.__file__).parent.parent / "dynamic_providers" / "__init__.py").exists()


def test_the_provider_is_pickled_by_reference() -> None:
    raw = base64.b64decode(serialize_provider(CognitoPasswordResetProvider()))
    assert b"cognito_password_reset.provider" in raw and b"CognitoPasswordResetProvider" in raw
    assert b"dynamic_providers" not in raw  # 0.1.0's path is only read, never written
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
    project = tomllib.loads((FIXTURES.parents[1] / "pyproject.toml").read_text())["project"]
    assert (FIXTURES / f"provider-v{project['version']}.txt").exists()
    current = (FIXTURES / "provider-v0.2.0.txt").read_text().strip()
    assert serialize_provider(CognitoPasswordResetProvider()) == current


@pytest.fixture
def stored_by_0_2_0() -> tuple[dict[str, Any], dict[str, Any]]:
    """A reset's stored inputs and outputs as 0.2.0 wrote them: no rotate_after_days,
    rotation_window, global_sign_out nor signed_out_at."""
    inputs = {"user_pool_id": "us-east-1_AbC123", "username": "alice", "rotation_trigger": "t1",
              "reset_on_create": True, "__provider": serialize_provider(CognitoPasswordResetProvider())}
    return inputs, {**inputs, "reset_at": "2026-11-01T00:00:00Z", "user_status": "RESET_REQUIRED"}


def test_state_written_before_the_schedule_plans_no_change_for_an_unchanged_program(
        stored_by_0_2_0: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # 0.1.0 and 0.2.0 stored neither rotate_after_days nor rotation_window.
    old_inputs, old_outputs = stored_by_0_2_0
    provider = CognitoPasswordResetProvider()
    checked = provider.check(old_inputs, dict(old_inputs))
    assert checked.failures == [] and "rotation_window" not in checked.inputs
    assert provider.diff("us-east-1_AbC123/alice", old_outputs, checked.inputs).changes is False


def test_state_written_before_global_sign_out_plans_no_change_for_an_unchanged_program(
        stored_by_0_2_0: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # The program now registers global_sign_out=false where 0.2.0's state has no such key.
    old_inputs, old_outputs = stored_by_0_2_0
    provider = CognitoPasswordResetProvider()
    checked = provider.check(old_inputs, {**old_inputs, "global_sign_out": False})
    assert checked.failures == [] and checked.inputs["global_sign_out"] is False
    assert provider.diff("us-east-1_AbC123/alice", old_outputs, checked.inputs).changes is False
