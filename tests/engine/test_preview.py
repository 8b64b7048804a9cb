"""Preview through the host: Check (and Diff for existing resources) with unknown inputs, as when
the user pool is created in the same ``pulumi up``. A preview never calls Cognito."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import UNKNOWN, Goal
from .servers import Pool


def test_preview_of_a_new_resource_with_unknown_pool_and_user_plans_a_create(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    launched = launch(proxy.url)
    goal = declare("r", user_pool_id="placeholder", username="placeholder", client_metadata={"reason": "x"})
    preview = goal.unknown("user_pool_id", "username")

    inputs, failures = launched.engine.check(preview.urn, {}, preview.inputs, preview.secret_keys)
    assert failures == []
    assert inputs["user_pool_id"] == UNKNOWN and inputs["username"] == UNKNOWN
    assert inputs["reset_on_create"] is True

    assert launched.stack.preview(preview).op == "create"
    assert launched.stack.resources == {}
    assert proxy.requests == []


def test_preview_of_an_existing_resource_with_unknowns_plans_without_calls(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    stack = launch(proxy.url).stack
    goal = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1")
    stack.up(goal)
    before = stack["r"].outputs
    proxy.clear()

    # A username that comes from another resource's output may be a different user: replace.
    step = stack.preview(goal.unknown("username"))
    assert step.op == "replace" and step.diff is not None and step.diff.replaces == ("username",)
    assert stack.preview(goal.unknown("user_pool_id")).op == "replace"
    # An unknown trigger may change: an in-place update (which would reset).
    assert stack.preview(goal.unknown("rotation_trigger")).op == "update"
    # Unknown metadata may change too: an update, never a replace.
    step = stack.preview(goal.unknown("client_metadata"))
    assert step.op == "update" and step.diff is not None and step.diff.replaces == ()
    assert stack.preview(goal).op == "same"

    assert proxy.requests == []
    assert stack["r"].outputs == before
