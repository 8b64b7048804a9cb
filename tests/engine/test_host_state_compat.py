"""Stacks written by earlier versions: the ``__provider`` they stored still runs in today's host.

The fixtures are committed (tests/fixtures/provider-v*.txt, see its README); here each one is
sent to the real host as an old stack's state would send it: Create, refresh, an up with the
current program, and destroy.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from cognito_password_reset import resource
from cognito_password_reset.provider import CognitoPasswordResetProvider

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal
from .servers import Pool

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SERIALIZED = sorted(FIXTURES.glob("provider-v*.txt"))
RESET = "AdminResetUserPassword"


def test_there_are_fixtures_to_replay() -> None:
    # 0.1.0 stored dynamic_providers.provider..., 0.2.0 cognito_password_reset.provider...
    assert {FIXTURES / "provider-v0.1.0.txt", FIXTURES / "provider-v0.2.0.txt"} <= set(SERIALIZED)


@pytest.mark.parametrize("fixture", SERIALIZED, ids=[p.name for p in SERIALIZED])
def test_a_stored_provider_creates_refreshes_updates_and_destroys_in_the_host(
        fixture: Path, pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    stack = launch(proxy.url).stack
    current = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1")
    stored = fixture.read_text().strip()
    old = current.but(__provider=stored)

    assert stack.up(old).op == "create"
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["alice"]
    assert pool.status("alice") == "RESET_REQUIRED"
    assert stack["r"].outputs["__provider"] == stored

    refreshed = stack.refresh("r")
    assert refreshed is not None and refreshed.outputs["user_status"] == "RESET_REQUIRED"

    # Today's program registers today's provider: an older one is replaced in state by an
    # update that calls nothing; today's own is no change at all.
    proxy.clear()
    assert stack.up(current).op == ("same" if stored == current.inputs["__provider"] else "update")
    assert stack["r"].outputs["__provider"] == current.inputs["__provider"]
    assert proxy.forwarded(RESET) == []
    stack.destroy("r")
    assert pool.status("alice") == "RESET_REQUIRED"


def test_the_provider_a_program_registers_carries_no_config_even_if_configured_in_process(
        declare: Callable[..., Goal]) -> None:
    # The resource module's shared provider instance is what every registration pickles.
    shared: Any = resource._PROVIDER
    assert isinstance(shared, CognitoPasswordResetProvider)
    shared.configure(ConfigureRequest(Config({
        "aws:accessKey": "AKIACANARY", "aws:secretKey": "SECRETCANARY",
        "aws:endpoints": '[{"cognitoidp": "http://ENDPOINTCANARY:1"}]'}, "cognito-password-reset")))
    try:
        goal = declare("r", user_pool_id="us-east-1_AbCdEf123", username="alice")
    finally:
        del shared._settings
    raw = base64.b64decode(goal.inputs["__provider"])
    for canary in (b"AKIACANARY", b"SECRETCANARY", b"ENDPOINTCANARY"):
        assert canary not in raw
    assert "__provider" in goal.secret_keys
