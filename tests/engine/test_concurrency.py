"""Many resources at once: the host runs at most 4 calls in parallel; every user is reset once.

The provider's own rate limiter (cognito-password-reset:maxResetsPerSecond, default 30/s) is
turned off here, so what the proxy sees in flight is the host's concurrency, not the pacing.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from cognito_password_reset import CognitoPasswordReset

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Step, program
from .servers import Pool

RESET = "AdminResetUserPassword"
COUNT = 50
BOUND_SECONDS = 30.0


def test_fifty_creates_four_in_flight_each_reset_exactly_once(pool: Pool, proxy: FaultProxy, launch: Launch,
                                                               mocks: Any) -> None:
    users = [pool.user(f"user{i:02d}") for i in range(COUNT)]
    stack = launch(proxy.url, config={"cognito-password-reset:maxResetsPerSecond": "0"}).stack
    goals = program(mocks, lambda: [CognitoPasswordReset(f"r{i:02d}", user_pool_id=pool.id, username=u)
                                    for i, u in enumerate(users)] and None)
    assert len(goals) == COUNT

    started = time.monotonic()
    results = stack.up_all(goals, parallel=4)
    elapsed = time.monotonic() - started

    assert all(isinstance(r, Step) and r.op == "create" for r in results.values()), results
    assert Counter(r.json()["Username"] for r in proxy.forwarded(RESET)) == Counter(users)
    assert {pool.status(u) for u in users} == {"RESET_REQUIRED"}
    assert {stack[g.name].outputs["user_status"] for g in goals} == {"RESET_REQUIRED"}
    assert 2 <= proxy.max_in_flight <= 4
    assert elapsed < BOUND_SECONDS
