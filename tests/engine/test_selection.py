"""A group under management, through the real provider host: the stack program (``__main__.py``,
under mocks) reads the group's members from Cognito and declares their resets; the engine's side is
played against moto server behind the fault proxy, which records every call that reaches AWS.

One host is one run. Members are adopted without a reset when the group is put under management
and when someone joins; who leaves is deleted with no AWS call; a new rotation trigger resets each
member once, within maxResetsPerRun.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, HostError, Stack, program
from .servers import ROOT, Pool

RESET = "AdminResetUserPassword"
CAP_KEY = "cognito-password-reset:maxResetsPerRun"
GROUP = "contractors"


def add(pool: Pool, *usernames: str) -> None:
    for username in usernames:
        pool.user(username)
        pool.client.admin_add_user_to_group(UserPoolId=pool.id, Username=username, GroupName=GROUP)


@pytest.fixture
def run_program(mocks: Any, proxy: FaultProxy, pool: Pool, monkeypatch: pytest.MonkeyPatch
                ) -> Callable[[str], list[Goal]]:
    """``run_program(trigger)``: the stack program's resets (as the engine gets them) for ``pool``'s
    group, with that rotationTrigger; its membership read goes through the proxy, as aws:endpoints says."""
    monkeypatch.chdir(ROOT)  # Pulumi runs a program in its project folder

    def run(trigger: str) -> list[Goal]:
        config = {
            "cognito-password-reset:createUserPool": "false",
            "cognito-password-reset:rotationTrigger": trigger,
            "cognito-password-reset:existingPools": json.dumps([{"userPoolId": pool.id, "group": GROUP}]),
            "aws:endpoints": json.dumps([{"cognitoidp": proxy.url}]),
        }
        pulumi.runtime.set_all_config(config, [])
        try:
            return program(mocks, lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__") and None)
        finally:
            pulumi.runtime.set_all_config({}, [])

    return run


def engine_run(stack: Stack, goals: list[Goal]) -> dict[str, str]:
    """What the engine does in an up: each declared resource's step, then a delete for each resource in
    state the program no longer declares. Returns each name's op."""
    ops = {g.name: stack.up(g).op for g in goals}
    for gone in sorted(set(stack.resources) - set(ops)):
        stack.destroy(gone)
        ops[gone] = "delete"
    return ops


def test_a_group_is_adopted_then_followed_and_rotated_once_per_member(
        pool: Pool, proxy: FaultProxy, launch: Launch, run_program: Callable[[str], list[Goal]]) -> None:
    pool.client.create_group(UserPoolId=pool.id, GroupName=GROUP)
    add(pool, "carol", "dave", "erin")
    name = f"reset-{pool.id}-{{}}".format

    # Run 1 puts the group under management: three creates, and no reset, so no mail.
    goals = run_program("t1")
    assert [g.inputs["reset_on_create"] for g in goals] == [False] * 3
    stack = Stack(launch(proxy.url, config={CAP_KEY: "3"}).engine)
    assert engine_run(stack, goals) == {name(u): "create" for u in ("carol", "dave", "erin")}
    assert proxy.forwarded(RESET) == []
    assert {pool.status(u) for u in ("carol", "dave", "erin")} == {"CONFIRMED"}

    # Run 2: grace joins and is adopted the same way; the others are unchanged.
    add(pool, "grace")
    stack.engine = launch(proxy.url, config={CAP_KEY: "3"}).engine
    assert engine_run(stack, run_program("t1")) == {**{name(u): "same" for u in ("carol", "dave", "erin")},
                                                    name("grace"): "create"}
    assert proxy.forwarded(RESET) == [] and pool.status("grace") == "CONFIRMED"

    # Run 3: dave leaves the group, so the program no longer declares him; the delete calls nothing.
    pool.client.admin_remove_user_from_group(UserPoolId=pool.id, Username="dave", GroupName=GROUP)
    goals = run_program("t1")
    proxy.clear()  # what the program read; from here on, only the engine's calls
    stack.engine = launch(proxy.url, config={CAP_KEY: "3"}).engine
    assert engine_run(stack, goals)[name("dave")] == "delete"
    assert proxy.requests == [] and pool.status("dave") == "CONFIRMED"

    # Run 4, a preview with a cap of 2: the third member due fails it, before anything is sent.
    due = run_program("t2")
    proxy.clear()
    stack.engine = launch(proxy.url, config={CAP_KEY: "2"}).engine
    assert [stack.preview(g).op for g in due[:2]] == ["update", "update"]
    with pytest.raises(HostError) as third:
        stack.preview(due[2])
    assert "over the cap of 2 set by stack config cognito-password-reset:maxResetsPerRun" in third.value.sentence
    assert proxy.requests == []

    # Run 5 with a cap of 3: the new trigger resets each member once.
    stack.engine = launch(proxy.url, config={CAP_KEY: "3"}).engine
    assert set(engine_run(stack, due).values()) == {"update"}
    assert sorted(r.json()["Username"] for r in proxy.forwarded(RESET)) == ["carol", "erin", "grace"]
    assert {pool.status(u) for u in ("carol", "erin", "grace")} == {"RESET_REQUIRED"}

    # Run 6, the same trigger: nobody is reset again.
    proxy.clear()
    stack.engine = launch(proxy.url, config={CAP_KEY: "3"}).engine
    assert set(engine_run(stack, run_program("t2")).values()) == {"same"}
    assert proxy.forwarded(RESET) == []
