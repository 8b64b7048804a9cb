"""A refresh that reaches the wrong account (or endpoint) must never lead to a second reset.

Cognito answers "no such pool" alike for a deleted pool and for a pool in another account or
region. Read keeps the resource (user_status POOL_NOT_FOUND); only "no such user" in a pool
that answers drops it. Through real provider hosts: create against moto A, refresh through a
host pointed at an empty moto B (another account, as far as the provider can tell), then up
against A again with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal
from .servers import Moto, Pool, start_moto

RESET = "AdminResetUserPassword"


@pytest.fixture
def other_moto(tmp_path: Path) -> Iterator[Moto]:
    """A second, empty moto server: the account a misconfigured refresh reaches."""
    server = start_moto(tmp_path / "other-moto")
    try:
        yield server
    finally:
        server.stop()


def test_a_refresh_against_another_account_keeps_the_resource_and_the_next_up_resets_nobody(
        pool: Pool, proxy: FaultProxy, other_moto: Moto, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    goal = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1",
                   client_metadata={"reason": "rotation"})
    right = launch(proxy.url).stack
    assert right.up(goal).op == "create"
    assert len(proxy.forwarded(RESET)) == 1
    created = right["r"]

    # The same state, refreshed by a pipeline whose config reaches another account.
    with FaultProxy(upstream=other_moto.url) as wrong_proxy:
        wrong = launch(wrong_proxy.url).stack
        wrong.resources = dict(right.resources)
        refreshed = wrong.refresh("r")
        assert [r.operation for r in wrong_proxy.forwarded()] == ["AdminGetUser"]
    assert refreshed is not None, "the resource was dropped from state"
    assert refreshed.id == created.id
    assert refreshed.outputs["user_status"] == "POOL_NOT_FOUND"
    assert {k: v for k, v in refreshed.outputs.items() if k != "user_status"} == \
        {k: v for k, v in created.outputs.items() if k != "user_status"}

    # Back on the right account, with the refreshed state and the same program: no step, no reset.
    proxy.clear()
    right.resources = dict(wrong.resources)
    assert right.up(goal).op == "same"
    assert proxy.forwarded(RESET) == []
    assert "r" in right.resources
    # A refresh on the right account records the real status again. (A user deleted from a pool
    # that answers is still dropped: test_lifecycle.py.)
    restored = right.refresh("r")
    assert restored is not None and restored.outputs["user_status"] == "RESET_REQUIRED"
