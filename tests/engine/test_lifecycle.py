"""The full lifecycle through the real provider host: up, no-op up, trigger change, metadata
change, username change (replace), refresh and destroy, checked against moto and the proxy."""

from __future__ import annotations

import re
from collections.abc import Callable

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal
from .servers import Pool

RESET = "AdminResetUserPassword"


def test_lifecycle(pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    pool.user("bob")
    stack = launch(proxy.url).stack
    goal = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1",
                   client_metadata={"reason": "rotation"})

    # Create resets the user. moto ignores ClientMetadata and runs no trigger, so what real
    # Cognito would hand the custom-message Lambda is checked in the request, at the proxy.
    assert stack.up(goal).op == "create"
    assert pool.status("alice") == "RESET_REQUIRED"
    assert [r.json() for r in proxy.forwarded(RESET)] == [
        {"UserPoolId": pool.id, "Username": "alice", "ClientMetadata": {"reason": "rotation"}}]
    state = stack["r"]
    assert state.id == f"{pool.id}/alice"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", state.outputs["reset_at"])
    assert state.outputs["user_status"] == "RESET_REQUIRED"
    assert "client_metadata" in state.secret_outputs and "__provider" in state.secret_outputs
    first_reset_at = state.outputs["reset_at"]

    # Same inputs: no change, no call.
    proxy.clear()
    assert stack.up(declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1",
                            client_metadata={"reason": "rotation"})).op == "same"
    assert proxy.requests == []
    assert stack["r"].outputs["reset_at"] == first_reset_at

    # New trigger: update in place, exactly one more reset.
    pool.client.admin_set_user_password(UserPoolId=pool.id, Username="alice", Password="Other0ne!pass",
                                        Permanent=True)
    assert pool.status("alice") == "CONFIRMED"
    # A rotation sends the metadata of this rotation, not of the last one.
    assert stack.up(goal.but(rotation_trigger="t2", client_metadata={"reason": "second"})).op == "update"
    assert [r.json() for r in proxy.forwarded(RESET)] == [
        {"UserPoolId": pool.id, "Username": "alice", "ClientMetadata": {"reason": "second"}}]
    assert pool.status("alice") == "RESET_REQUIRED"
    assert stack["r"].outputs["rotation_trigger"] == "t2"
    assert stack["r"].outputs["user_status"] == "RESET_REQUIRED"

    # Metadata-only change: update, no call; the outputs still have every key.
    proxy.clear()
    step = stack.up(goal.but(rotation_trigger="t2", client_metadata={"reason": "other"}))
    assert step.op == "update"
    assert proxy.requests == []
    outputs = stack["r"].outputs
    assert outputs["client_metadata"] == {"reason": "other"}
    assert outputs["reset_at"] and outputs["user_status"] == "RESET_REQUIRED"

    # Username change: replace, which resets the new user and leaves the old one alone.
    step = stack.up(goal.but(username="bob", rotation_trigger="t2", client_metadata={"reason": "other"}))
    assert step.op == "replace" and step.diff is not None and step.diff.replaces == ("username",)
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["bob"]
    assert pool.status("bob") == "RESET_REQUIRED"
    assert stack["r"].id == f"{pool.id}/bob"

    # Refresh records the user's status as Cognito has it now.
    pool.client.admin_set_user_password(UserPoolId=pool.id, Username="bob", Password="Other0ne!pass",
                                        Permanent=True)
    refreshed = stack.refresh("r")
    assert refreshed is not None and refreshed.outputs["user_status"] == "CONFIRMED"

    # Destroy changes nothing in Cognito.
    proxy.clear()
    stack.destroy("r")
    assert "r" not in stack.resources
    assert proxy.requests == []
    assert pool.status("bob") == "CONFIRMED"


def test_refresh_drops_a_deleted_user(pool: Pool, proxy: FaultProxy, launch: Launch,
                                      declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    stack = launch(proxy.url).stack
    stack.up(declare("r", user_pool_id=pool.id, username="alice"))
    pool.delete("alice")
    assert stack.refresh("r") is None
    assert "r" not in stack.resources
