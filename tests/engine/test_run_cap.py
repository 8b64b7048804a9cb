"""cognito-password-reset:maxResetsPerRun for changes, through the real provider host: one host is one run.

Five users are due because their trigger changed, with a cap of 3: the preview fails for the 4th
before anything is sent; an up without a preview resets 3 and refuses the others with their
state unchanged; the next run (a fresh host) resets the rest. Scheduled resets past the cap wait
instead of failing: tests/engine/test_nights.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, HostError, Stack
from .servers import Pool

RESET = "AdminResetUserPassword"
KEY = "cognito-password-reset:maxResetsPerRun"
CAP = {KEY: "3"}
FIX = (f"raise {KEY} in the same change to cover every user it resets, or split the change into changes of at "
       "most 3 users each")
USERS = ("u1", "u2", "u3", "u4", "u5")


def test_a_run_resets_up_to_the_cap_and_the_next_run_continues(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    for user in USERS:
        pool.user(user)
    adopted = [declare(u, user_pool_id=pool.id, username=u, rotation_trigger="t1", reset_on_create=False)
               for u in USERS]
    due = [g.but(rotation_trigger="t2") for g in adopted]

    # Run 1 adopts all five: no reset, so nothing counts against the cap.
    stack = Stack(launch(proxy.url, config=CAP).engine)
    assert [stack.up(g).op for g in adopted] == ["create"] * 5
    before = {u: dict(stack[u].outputs) for u in USERS}

    # Run 2, a preview: the 4th due user fails, naming the count, the cap, the key and the fix.
    stack.engine = launch(proxy.url, config=CAP).engine
    assert [stack.preview(g).op for g in due[:3]] == ["update"] * 3
    with pytest.raises(HostError) as fourth:
        stack.preview(due[3])
    assert fourth.value.sentence == (
        f"CognitoPasswordReset: resetting {pool.id}/u4 would make 4 resets for changes in this run (new or "
        f"replaced resources and changed rotation triggers), over the cap of 3 set by stack config {KEY}, so it "
        f"is not reset; {FIX}")
    assert proxy.requests == []

    # Run 3, an update with no preview before it (`pulumi up --skip-preview`, which is what the
    # pulumi/actions step runs), 16 at once in a fresh host: 3 resets go out, the other 2 fail
    # and keep their state.
    stack.engine = launch(proxy.url, config=CAP).engine
    results = stack.up_all(due)
    refused = sorted(u for u, r in results.items() if isinstance(r, HostError))
    done = sorted(r.json()["Username"] for r in proxy.forwarded(RESET))
    assert len(done) == 3 and len(refused) == 2 and sorted(done + refused) == list(USERS)
    for user in refused:
        assert FIX in str(results[user])
        assert stack[user].outputs == before[user]
        assert pool.status(user) != "RESET_REQUIRED"

    # Run 4 continues with the two left; the three done are unchanged.
    proxy.clear()
    stack.engine = launch(proxy.url, config=CAP).engine
    ops = {g.name: stack.up(g).op for g in due}
    assert sorted(r.json()["Username"] for r in proxy.forwarded(RESET)) == refused
    assert {u for u, op in ops.items() if op == "update"} == set(refused)
    assert all(pool.status(u) == "RESET_REQUIRED" for u in USERS)


def test_a_bad_cap_fails_the_first_call_naming_the_key(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    stack = launch(proxy.url, config={KEY: "-1"}).stack
    with pytest.raises(HostError) as failed:
        stack.preview(declare("r", user_pool_id=pool.id, username="alice"))
    assert failed.value.method == "Check"
    assert failed.value.sentence.startswith(f"CognitoPasswordReset: stack config {KEY} must be a whole number")
