"""A `pulumi up` killed halfway, and the next one: what the engine keeps, and what the provider does.

The engine writes a pending operation into the state before each provider call and clears it when
the step ends (pkg/backend/snapshot.go, BeginMutation). Killed in between, the next `pulumi up`
keeps only pending creates (the resource is not in the state, so the program's registration
creates it again) and drops pending updates (the old outputs stay, so Diff plans the same update
again); it proceeds with a warning (pkg/resource/deploy/deployment_executor.go). Here the kill
falls after Cognito took the reset and before the engine recorded the step: the Stack below
simply never stores what the first host answered, which is what the next run sees.
"""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, Stack
from .servers import Pool

RESET = "AdminResetUserPassword"


def test_a_create_cut_short_after_its_reset_does_not_mail_the_user_again(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    pool.user("bob")
    goals = [declare(u, user_pool_id=pool.id, username=u) for u in ("alice", "bob")]
    killed = launch(proxy.url)
    inputs, _ = killed.engine.check(goals[0].urn, {}, goals[0].inputs, goals[0].secret_keys)
    killed.engine.create(goals[0].urn, inputs, goals[0].secret_keys)
    killed.close()  # the run dies: its create of alice is not in the state, only pending
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["alice"]

    proxy.clear()
    after = launch(proxy.url)
    stack = Stack(after.engine)
    assert [stack.up(g).op for g in goals] == ["create", "create"]
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["bob"]  # alice: no second code
    assert (stack["alice"].outputs["user_status"], stack["alice"].outputs.get("reset_at")) == ("RESET_REQUIRED", None)
    assert stack["bob"].outputs["reset_at"] is not None
    assert f"{pool.id}/alice is already RESET_REQUIRED, so creating its resource resets nobody" in after.stderr()


def test_an_update_cut_short_after_its_reset_is_made_again_by_the_next_run(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    # What no provider can tell apart safely: after a dropped pending update the state is the
    # old one, and a user RESET_REQUIRED since may as well never have finished an earlier reset.
    # So the user in flight at the kill gets a second code (docs/operations.md says when).
    pool.user("alice")
    goal = declare("alice", user_pool_id=pool.id, username="alice", rotation_trigger="t1")
    stack = launch(proxy.url).stack
    stack.up(goal)
    old = stack["alice"]
    killed = launch(proxy.url)
    changed = goal.but(rotation_trigger="t2")
    inputs, _ = killed.engine.check(changed.urn, old.inputs, changed.inputs, changed.secret_keys)
    killed.engine.update(old.id, changed.urn, old.outputs, inputs, old.inputs, changed.secret_keys)
    killed.close()  # its update is not recorded: the state still says t1
    proxy.clear()
    stack.engine = launch(proxy.url).engine
    assert stack.up(changed).op == "update"
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["alice"]
