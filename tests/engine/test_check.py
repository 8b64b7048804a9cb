"""Bad input through Check in the real host: each case is rejected naming the property, and the
engine stops there, so nothing reaches Cognito (checked at the proxy in front of moto).

Real Cognito rejects a malformed pool id with InvalidParameterException while moto answers
ResourceNotFoundException; Check rejects both before any call, so neither difference shows here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import CheckFailed, Goal
from .servers import Pool

CANARY = "canary-5ecret-in-metadata"
OVER = 131_073  # one more than botocore's model allows for a ClientMetadata key or value

# (case, fields replacing the valid ones, the property Check must name)
BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("pool id missing", {"user_pool_id": None}, "user_pool_id"),
    ("pool id empty", {"user_pool_id": ""}, "user_pool_id"),
    ("pool id without underscore", {"user_pool_id": "useast1AbCdEf123"}, "user_pool_id"),
    ("pool id without suffix", {"user_pool_id": "us-east-1_"}, "user_pool_id"),
    ("pool id with a space", {"user_pool_id": "us-east-1_AbC dEf"}, "user_pool_id"),
    ("pool id with a slash", {"user_pool_id": "us-east-1_AbC/dEf"}, "user_pool_id"),
    ("pool id oversized", {"user_pool_id": "us-east-1_" + "a" * 46}, "user_pool_id"),
    ("pool id a number", {"user_pool_id": 123}, "user_pool_id"),
    ("pool id a list", {"user_pool_id": ["us-east-1_AbCdEf123"]}, "user_pool_id"),
    ("username missing", {"username": None}, "username"),
    ("username empty", {"username": ""}, "username"),
    ("username 129 chars", {"username": "a" * 129}, "username"),
    ("username with a space", {"username": "alice smith"}, "username"),
    ("username with a newline", {"username": "alice\n"}, "username"),
    ("username a number", {"username": 42}, "username"),
    ("username a map", {"username": {"name": "alice"}}, "username"),
    ("metadata a string", {"client_metadata": "reason=rotation"}, "client_metadata"),
    ("metadata a list", {"client_metadata": ["reason", "rotation"]}, "client_metadata"),
    ("metadata value a number", {"client_metadata": {"ticket": 42}}, "client_metadata"),
    ("metadata value a bool", {"client_metadata": {"notify": True}}, "client_metadata"),
    ("metadata value a list", {"client_metadata": {"tags": [CANARY]}}, "client_metadata"),
    ("metadata value a map", {"client_metadata": {"nested": {"secret": CANARY}}}, "client_metadata"),
    ("metadata value over the limit", {"client_metadata": {"body": CANARY + "x" * OVER}}, "client_metadata"),
    ("metadata key over the limit", {"client_metadata": {"k" * OVER: CANARY}}, "client_metadata"),
    ("trigger a map", {"rotation_trigger": {"date": "2026-11-27"}}, "rotation_trigger"),
    ("trigger a number", {"rotation_trigger": 20261127}, "rotation_trigger"),
    ("trigger a list", {"rotation_trigger": ["t1"]}, "rotation_trigger"),
    ("reset_on_create a string", {"reset_on_create": "yes"}, "reset_on_create"),
    ("reset_on_create a number", {"reset_on_create": 1}, "reset_on_create"),
    ("rotate_after_days zero", {"rotate_after_days": 0}, "rotate_after_days"),
    ("rotate_after_days over 3650", {"rotate_after_days": 3651}, "rotate_after_days"),
    ("rotate_after_days a fraction", {"rotate_after_days": 1.5}, "rotate_after_days"),
    ("rotate_after_days a bool", {"rotate_after_days": True}, "rotate_after_days"),
    ("rotate_after_days a string", {"rotate_after_days": "90"}, "rotate_after_days"),
]


@pytest.mark.parametrize(("case", "fields", "prop"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_rejected_by_check_naming_the_property_and_reaches_no_aws(
        case: str, fields: dict[str, Any], prop: str, pool: Pool, shared_proxy: FaultProxy,
        shared_launch: Launch, declare: Callable[..., Goal]) -> None:
    proxy = shared_proxy
    pool.user("alice")
    stack = shared_launch(proxy.url).stack  # one host for the matrix: Check keeps no state
    # The registration of a valid program with one field changed on the wire: Python's type hints
    # stop some of these values in the program (under mocks, when outputs resolve), but other
    # languages, YAML programs and values computed in apply() send them to Check as they are.
    goal = declare("bad", user_pool_id=pool.id, username="alice", client_metadata={"reason": "x"}).but(**fields)

    with pytest.raises(CheckFailed) as failed:
        stack.up(goal)

    failures = failed.value.failures
    assert [p for p, _ in failures] == [prop], failures
    reason = failures[0][1]
    assert reason.startswith(f"CognitoPasswordReset: {prop} "), reason
    assert CANARY not in reason  # metadata values may be secret: never quoted
    assert stack.resources == {}
    assert proxy.requests == []
    assert pool.status("alice") == "CONFIRMED"



def test_a_pool_id_whose_region_is_not_a_region_fails_check_not_the_network(
        pool: Pool, shared_proxy: FaultProxy, shared_launch: Launch, declare: Callable[..., Goal]) -> None:
    # The real pool's id with a typo in its region: the API's pattern accepts it, and the host it
    # names (cognito-idp.us-east1.amazonaws.com) does not exist, so without Check refusing it,
    # up retried for ~20 s and then blamed the network.
    proxy = shared_proxy
    pool.user("alice")
    region, suffix = pool.id.split("_", 1)
    assert region == "us-east-1"
    bad = f"us-east1_{suffix}"
    stack = shared_launch(proxy.url).stack

    with pytest.raises(CheckFailed) as failed:
        stack.up(declare("typo", user_pool_id=bad, username="alice"))

    assert failed.value.failures == [(
        "user_pool_id",
        f"CognitoPasswordReset: user_pool_id '{bad}' has the region part 'us-east1', which is not an AWS "
        "region name (such as us-east-1); use the pool id as the Cognito console shows it.")]
    assert stack.resources == {}
    assert proxy.requests == []
    assert pool.status("alice") == "CONFIRMED"
