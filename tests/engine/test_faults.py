"""Faults between the provider and Cognito, injected by the proxy in front of moto.

moto never throttles, fails or drops a connection by itself; the proxy stands in for real
Cognito's TooManyRequestsException (its 30 requests/s quota), its 500s and a flaky network.
A faulted request never reaches moto, so moto's view is "each user reset exactly once".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cognito_password_reset import CognitoPasswordReset

from .conftest import Launch
from .faultproxy import Fault, FaultProxy, always, fraction, never
from .harness import Goal, HostError, Stack, Step, program
from .servers import Pool

RESET = "AdminResetUserPassword"
NO_PACING = {"cognito-password-reset:maxResetsPerSecond": "0"}


def _goals(mocks: Any, pool: Pool, users: list[str], trigger: str = "t1") -> list[Goal]:
    return program(mocks, lambda: [CognitoPasswordReset(f"r-{u}", user_pool_id=pool.id, username=u,
                                                        rotation_trigger=trigger) for u in users] and None)


def _all_created(stack: Stack, results: dict[str, Step | Exception]) -> None:
    failures = {name: r for name, r in results.items() if not isinstance(r, Step)}
    assert failures == {}
    assert {r.op for r in results.values() if isinstance(r, Step)} == {"create"}
    assert {s.outputs["user_status"] for s in stack.resources.values()} == {"RESET_REQUIRED"}


def test_thirty_percent_throttling_loses_no_reset(pool: Pool, proxy: FaultProxy, launch: Launch, mocks: Any) -> None:
    users = [pool.user(f"u{i:03d}") for i in range(100)]
    stack = launch(proxy.url).stack  # the default retry policy and pacing, as a user runs it
    proxy.policy = fraction(Fault.THROTTLE, 0.3, operations={RESET})

    _all_created(stack, stack.up_all(_goals(mocks, pool, users), parallel=8))

    assert len(proxy.faulted(RESET)) >= 10  # the faults really happened
    assert Counter(r.json()["Username"] for r in proxy.forwarded(RESET)) == Counter(users)
    assert {pool.status(u) for u in users} == {"RESET_REQUIRED"}


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.DROP])
def test_a_share_of_500s_or_dropped_connections_is_retried(pool: Pool, proxy: FaultProxy, launch: Launch,
                                                             mocks: Any, fault: Fault) -> None:
    users = [pool.user(f"u{i:02d}") for i in range(30)]
    stack = launch(proxy.url, config=NO_PACING).stack
    proxy.policy = fraction(fault, 0.3, operations={RESET})

    _all_created(stack, stack.up_all(_goals(mocks, pool, users), parallel=4))

    assert len(proxy.faulted(RESET)) >= 3
    assert Counter(r.json()["Username"] for r in proxy.forwarded(RESET)) == Counter(users)


def test_full_throttling_fails_each_update_clearly_and_changes_no_state(
        pool: Pool, proxy: FaultProxy, launch: Launch, mocks: Any) -> None:
    users = [pool.user(f"u{i}") for i in range(6)]
    # Two attempts per call keep the test fast; the message reports the count it was given.
    stack = launch(proxy.url, config=NO_PACING, env={"AWS_MAX_ATTEMPTS": "2"}).stack
    _all_created(stack, stack.up_all(_goals(mocks, pool, users), parallel=4))
    before = {name: dict(state.outputs) for name, state in stack.resources.items()}
    for user in users:  # the users signed in again since
        pool.client.admin_set_user_password(UserPoolId=pool.id, Username=user, Password="An0ther!pass",
                                            Permanent=True)

    proxy.policy = always(Fault.THROTTLE, operations={RESET})
    proxy.clear()
    results = stack.up_all(_goals(mocks, pool, users, trigger="t2"), parallel=4)

    for name, result in results.items():
        assert isinstance(result, HostError), name
        assert result.exception_type.endswith("CognitoPasswordResetError")
        assert "Cognito throttled the call (TooManyRequestsException) on all 2 attempts" in result.sentence
        assert "allows 30 requests per second" in result.sentence
    assert len(proxy.faulted(RESET)) == 2 * len(users) and proxy.forwarded(RESET) == []
    assert {name: state.outputs for name, state in stack.resources.items()} == before
    assert {pool.status(u) for u in users} == {"CONFIRMED"}

    # Once Cognito answers again, the next up resets exactly the users whose update failed.
    proxy.policy = never()
    results = stack.up_all(_goals(mocks, pool, users, trigger="t2"), parallel=4)
    assert {r.op for r in results.values() if isinstance(r, Step)} == {"update"}
    assert Counter(r.json()["Username"] for r in proxy.forwarded(RESET)) == Counter(users)
    assert {pool.status(u) for u in users} == {"RESET_REQUIRED"}
