"""Every failure of a reset reaches the user, through the host, as the provider's own sentence,
and a secret canary in client_metadata shows up in no error, no host stderr, no plain output.

The engine shows the gRPC error's details; for a provider exception that is the host's
traceback, whose last line is ``<module>.CognitoPasswordResetError: <sentence>``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from testbed.processes import free_port

from .conftest import Launch, Launched
from .faultproxy import Fault, FaultProxy, Reply, always
from .harness import Goal, HostError
from .servers import Pool

CANARY = "canary-7d1f-secret-metadata"
ESCAPED_CANARY = 'Jürgen "canary" Müller\\7d1f'
JSON_ESCAPED_CANARY = r'J\u00fcrgen \"canary\" M\u00fcller\\7d1f'
"""ESCAPED_CANARY as a trigger's json.dumps writes it."""
METADATA = {"ticket": CANARY, "contact": ESCAPED_CANARY}
KEY_CANARY = "AKIACANARY0000000000"
SECRET_KEY_CANARY = "secret-key-canary-0000"
FEW_ATTEMPTS = {"AWS_MAX_ATTEMPTS": "2"}


@dataclass(frozen=True)
class Case:
    """How to break a reset, and the words the user must read."""

    username: str
    expected: str
    user: dict[str, bool] | None = None
    """Options for Pool.user; None: the user is not created."""
    pool_id: str | None = None
    """Replaces the real pool's id."""
    fault: Fault | Reply | None = None
    endpoint: str = "proxy"
    """``proxy`` (in front of moto), ``unreachable`` (a port nothing listens on)."""
    launch: dict[str, Any] | None = None


CASES = {
    "disabled": Case("dora", "the user is disabled; enable it (aws cognito-idp admin-enable-user)",
                     user={"enabled": False}),
    "force_change_password": Case("fred", "the user is still in FORCE_CHANGE_PASSWORD", user={"confirmed": False}),
    "no_verified_email": Case("nina", "the user has no verified email address or phone number",
                              user={"verified": False}),
    "user_not_found": Case("ghost", "no such user exists in the pool (usernames are case-sensitive)"),
    "pool_not_found": Case("alice", "the user pool does not exist in this account and region",
                           user={}, pool_id="us-east-1_NoSuchPool1"),
    "throttled": Case("tina", "Cognito throttled the call (TooManyRequestsException) on all 2 attempts",
                      user={}, fault=Fault.THROTTLE, launch={"env": FEW_ATTEMPTS}),
    "internal_error": Case("ivan", "Cognito failed with an internal error (InternalErrorException) on all 2 attempts",
                           user={}, fault=Fault.SERVER_ERROR, launch={"env": FEW_ATTEMPTS}),
    "connection_dropped": Case("dan", "could not reach", user={}, fault=Fault.DROP, launch={"env": FEW_ATTEMPTS}),
    "endpoint_unreachable": Case("uma", "could not reach http://127.0.0.1:", user={}, endpoint="unreachable",
                                 launch={"env": FEW_ATTEMPTS}),
    "no_credentials": Case("nick", "no usable AWS credentials were found; set aws:profile",
                           user={}, launch={"credentials": False}),
    "profile_not_found": Case("pia", "the AWS profile in aws:profile or AWS_PROFILE does not exist",
                              user={}, launch={"config": {"aws:profile": "no-such-profile"}}),
    # moto runs no Lambda trigger; real Cognito reports a failing custom-message trigger with its
    # error message, which may echo the metadata it was given. The proxy answers as Cognito would.
    "lambda_trigger_failed": Case(
        "lena", "the pool's custom-message Lambda trigger failed (UserLambdaValidationException: "
                "CustomMessage failed with error bad ticket ***)",
        user={}, fault=Reply(400, {"__type": "UserLambdaValidationException",
                                   "message": f"CustomMessage failed with error bad ticket {CANARY}."})),
    # A Python trigger that raises ValueError(f"no template for {json.dumps(metadata)}"): the
    # values reach the provider JSON-escaped.
    "lambda_trigger_echoed_json": Case(
        "leo", "the pool's custom-message Lambda trigger failed (UserLambdaValidationException: CustomMessage "
               'failed with error no template for {"ticket": "***", "contact": "***"})',
        user={}, fault=Reply(400, {
            "__type": "UserLambdaValidationException",
            "message": f"CustomMessage failed with error no template for {json.dumps(METADATA)}."})),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_failure_is_the_providers_sentence_and_leaks_no_secret(
        case: Case, pool: Pool, shared_proxy: FaultProxy, shared_launch: Launch,
        declare: Callable[..., Goal]) -> None:
    # Cases with the same endpoint and options share a host: a failed create leaves nothing behind.
    proxy = shared_proxy
    if case.user is not None:
        pool.user(case.username, **case.user)
    pool_id = case.pool_id or pool.id
    endpoint = proxy.url if case.endpoint == "proxy" else f"http://127.0.0.1:{free_port()}"
    if case.fault is not None:
        # A made-up answer is the reset's (only AdminResetUserPassword runs the triggers); a fault
        # of the wire hits every call, the look at the user's status before the reset first.
        proxy.policy = always(case.fault, operations={"AdminResetUserPassword"} if isinstance(case.fault, Reply)
                              else None)
    launched = shared_launch(endpoint, **(case.launch or {}))
    goal = declare("r", user_pool_id=pool_id, username=case.username, client_metadata=METADATA)

    with pytest.raises(HostError) as failed:
        launched.stack.up(goal)

    error = failed.value
    assert error.exception_type.endswith("CognitoPasswordResetError"), error.details
    subject = f"CognitoPasswordReset could not reset the password of user '{case.username}' in user pool '{pool_id}': "
    assert error.sentence.startswith(subject), error.sentence
    assert case.expected in error.sentence
    assert error.sentence.endswith(".")
    assert "During handling of the above exception" not in error.details  # botocore's traceback dropped
    for secret in (CANARY, ESCAPED_CANARY, JSON_ESCAPED_CANARY):
        assert secret not in error.details
        assert secret not in launched.stderr()
    assert launched.stack.resources == {}
    if case.user is not None and case.user.get("enabled", True) and case.user.get("confirmed", True) \
            and case.user.get("verified", True) and case.pool_id is None:
        assert pool.status(case.username) == "CONFIRMED"


def _no_canary_outside_secrets(launched: Launched) -> None:
    for name, state in launched.stack.resources.items():
        assert "client_metadata" in state.secret_outputs, name
        assert CANARY not in repr(state.non_secret_outputs()), name
    assert CANARY not in launched.stderr()


def test_the_canary_stays_secret_through_a_whole_lifecycle_with_secret_credentials_in_config(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    credentials = {"aws:accessKey": KEY_CANARY, "aws:secretKey": SECRET_KEY_CANARY}
    launched = launch(proxy.url, config=credentials, secret_config=credentials.keys())
    stack = launched.stack
    goal = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1",
                   client_metadata={"ticket": CANARY})

    # The host declines secrets, so (like the engine) the harness sends it plain values; the
    # secret flags live in state only.
    assert launched.engine.accept_secrets is False
    stack.up(goal)
    _no_canary_outside_secrets(launched)
    assert {"reset_at", "user_status", "username"} <= stack["r"].non_secret_outputs().keys()
    stack.up(goal.but(rotation_trigger="t2"))
    _no_canary_outside_secrets(launched)
    stack.up(goal.but(rotation_trigger="t2", client_metadata={"ticket": CANARY, "more": "x"}))
    _no_canary_outside_secrets(launched)
    stack.refresh("r")
    _no_canary_outside_secrets(launched)

    # The metadata reached Cognito, signed with the configured (secret) keys...
    resets = proxy.forwarded("AdminResetUserPassword")
    assert [r.json()["ClientMetadata"] for r in resets] == [{"ticket": CANARY}] * 2
    assert all(f"Credential={KEY_CANARY}/" in r.headers["Authorization"] for r in resets)
    # ...and the provider stored in state carries neither the keys nor the endpoint.
    provider = base64.b64decode(stack["r"].outputs["__provider"])
    for value in (KEY_CANARY, SECRET_KEY_CANARY, proxy.url, str(proxy.port)):
        assert value.encode() not in provider
    assert KEY_CANARY not in launched.stderr() and SECRET_KEY_CANARY not in launched.stderr()
    stack.destroy("r")


def test_a_throttled_refresh_gets_the_read_quotas_sentence(pool: Pool, proxy: FaultProxy, launch: Launch,
                                                           declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    stack = launch(proxy.url, env=FEW_ATTEMPTS).stack
    stack.up(declare("r", user_pool_id=pool.id, username="alice", reset_on_create=False))
    proxy.policy = always(Fault.THROTTLE, operations={"AdminGetUser"})

    with pytest.raises(HostError) as failed:
        stack.refresh("r")

    assert failed.value.sentence == (
        f"CognitoPasswordReset could not read user 'alice' in user pool '{pool.id}': Cognito throttled the call "
        f"(TooManyRequestsException) on all 2 attempts; AdminGetUser allows 120 requests per second per account "
        f"and region, shared with every other admin read of the account; lower "
        f"cognito-password-reset:maxReadsPerSecond or run pulumi refresh again.")
    assert "r" in stack.resources
