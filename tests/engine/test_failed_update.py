"""A failed update keeps the old outputs, so the next ``pulumi up`` still sees the change."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, HostError
from .servers import Pool

RESET = "AdminResetUserPassword"


def test_update_of_a_disabled_user_fails_keeps_old_outputs_and_resets_after_re_enabling(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    stack = launch(proxy.url).stack
    goal = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1")
    stack.up(goal)
    # State as an up some time ago wrote it, so that a new reset's time is visibly later.
    stack["r"].outputs["reset_at"] = "2020-01-01T00:00:00Z"
    before = dict(stack["r"].outputs)

    pool.disable("alice")
    with pytest.raises(HostError) as failed:
        stack.up(goal.but(rotation_trigger="t2"))
    assert "the user is disabled; enable it" in failed.value.sentence
    assert stack["r"].outputs == before
    assert stack["r"].outputs["rotation_trigger"] == "t1"

    pool.enable("alice")
    proxy.clear()
    assert stack.up(goal.but(rotation_trigger="t2")).op == "update"
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["alice"]
    assert stack["r"].outputs["rotation_trigger"] == "t2"
    assert stack["r"].outputs["reset_at"] > before["reset_at"]
