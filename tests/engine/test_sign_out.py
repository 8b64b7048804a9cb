"""global_sign_out through the real provider host, against moto server behind the fault proxy.

What reaches Cognito is counted at the proxy: with global_sign_out each reset the resource makes
is one AdminUserGlobalSignOut followed by one AdminResetUserPassword, and nothing else signs
anybody out (no reset without it, an adoption, a change of global_sign_out alone, a scheduled
reset put off by the cap). The order is the provider's design (provider.py, ``_reset``): the
sign-out first, because a failed call keeps no partial state; the failure tests below show that
neither call failing ever costs a second reset mail, and that the next run completes the pair.

moto revokes refresh tokens on AdminUserGlobalSignOut (REFRESH_TOKEN_AUTH then fails) and keeps
them across AdminResetUserPassword. Real Cognito also rejects the revoked access token on its own
APIs, but an access or ID token that a service verifies by its signature stays valid until it
expires: that neither moto nor these tests can show.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from cognito_password_reset import schedule

from .conftest import Launch
from .faultproxy import Fault, FaultProxy, Reply, always, never
from .harness import Goal, HostError, Stack
from .servers import Pool
from .test_schedule import DAY, P, same_window_as

RESET, SIGN_OUT = "AdminResetUserPassword", "AdminUserGlobalSignOut"
CAP = "cognito-password-reset:maxResetsPerRun"
EARLIER = "2020-01-01T00:00:00Z"
DENIED = Reply(400, {"__type": "AccessDeniedException",
                     "message": "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                                "cognito-idp:AdminUserGlobalSignOut"})


def sent(proxy: FaultProxy) -> list[tuple[str, str]]:
    """What reached moto, in order: (operation, username); not the look at the user's status a
    create takes before its reset (a read, which changes nothing: tests/engine/test_interrupted.py)."""
    return [(r.operation, r.json()["Username"]) for r in proxy.forwarded() if r.operation != "AdminGetUser"]


def pair(username: str) -> list[tuple[str, str]]:
    return [(SIGN_OUT, username), (RESET, username)]


def test_each_reset_signs_out_first_and_nothing_else_signs_anybody_out(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    for user in ("alice", "bob", "carol", "erin", "dave"):
        pool.user(user)
    stack = launch(proxy.url).stack
    alice = declare("alice", user_pool_id=pool.id, username="alice", rotation_trigger="t1", global_sign_out=True)
    bob = declare("bob", user_pool_id=pool.id, username="bob", rotation_trigger="t1")
    carol = declare("carol", user_pool_id=pool.id, username="carol", rotation_trigger="t1", global_sign_out=True,
                    reset_on_create=False)
    erin = declare("erin", user_pool_id=pool.id, username="erin", rotation_trigger="t1")
    everyone = ("alice", "bob", "carol", "erin")

    # Create: alice is signed out, then reset; bob and erin only reset; carol adopted: neither.
    assert [stack.up(g).op for g in (alice, bob, carol, erin)] == ["create"] * 4
    assert sent(proxy) == [*pair("alice"), (RESET, "bob"), (RESET, "erin")]
    # (The host leaves out an output that is None.)
    assert stack["alice"].outputs["signed_out_at"] == stack["alice"].outputs["reset_at"] is not None
    assert stack["bob"].outputs.get("signed_out_at") is None and stack["bob"].outputs["reset_at"] is not None
    assert stack["carol"].outputs.get("signed_out_at") is None and stack["carol"].outputs.get("reset_at") is None
    for name in ("alice", "bob", "erin"):  # as a run some time ago wrote them: later times show
        stack[name].outputs["reset_at"] = EARLIER
    stack["alice"].outputs["signed_out_at"] = EARLIER

    # global_sign_out alone turned off for alice and on for erin: an update each, nothing sent.
    proxy.clear()
    alice, erin = alice.but(global_sign_out=False), erin.but(global_sign_out=True)
    assert [stack.up(g).op for g in (alice, bob, carol, erin)] == ["update", "same", "same", "update"]
    assert proxy.requests == []
    assert (stack["alice"].outputs["global_sign_out"], stack["erin"].outputs["global_sign_out"]) == (False, True)
    assert stack["alice"].outputs["signed_out_at"] == EARLIER and stack["erin"].outputs.get("signed_out_at") is None

    # A new trigger for all, and bob's global_sign_out turned on in the same run: each reset signs
    # out as the inputs of its own run say.
    bob = bob.but(global_sign_out=True)
    assert [stack.up(g.but(rotation_trigger="t2")).op for g in (alice, bob, carol, erin)] == ["update"] * 4
    assert sent(proxy) == [(RESET, "alice"), *pair("bob"), *pair("carol"), *pair("erin")]
    assert stack["alice"].outputs["signed_out_at"] == EARLIER  # the last sign-out, kept on record
    assert stack["alice"].outputs["reset_at"] > EARLIER
    for name in ("bob", "carol", "erin"):
        assert stack[name].outputs["signed_out_at"] == stack[name].outputs["reset_at"] > EARLIER
    assert {pool.status(u) for u in everyone} == {"RESET_REQUIRED"}

    # Another username replaces the resource; the replacement's reset signs its user out.
    proxy.clear()
    step = stack.up(bob.but(username="dave", rotation_trigger="t2"))
    assert step.op == "replace"
    assert sent(proxy) == pair("dave")
    assert pool.status("dave") == "RESET_REQUIRED"


def test_a_scheduled_reset_signs_out_but_one_put_off_by_the_cap_does_not(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    first = schedule.window_start(pool.id, "alice", P, datetime.date(2026, 11, 30))
    second = first + P * DAY
    bob = same_window_as(pool.id, "alice", first)
    for name in ("alice", bob):
        pool.user(name)
    goals = [declare(name, user_pool_id=pool.id, username=user, rotate_after_days=P, reset_on_create=False,
                     global_sign_out=True) for name, user in (("alice", "alice"), ("bob", bob))]

    def run_on(day: datetime.date) -> Stack:
        stack.engine = launch(proxy.url, config={CAP: "1"}, today=day.isoformat()).engine
        return stack

    # Both adopted mid-window: nothing sent.
    stack = Stack(launch(proxy.url, config={CAP: "1"}, today=(first + 30 * DAY).isoformat()).engine)
    assert [stack.up(g).op for g in goals] == ["create", "create"]
    assert proxy.requests == []

    # Both due on the next window's first day, the cap is 1: one is signed out and reset, the
    # other put off; its update only records the new metadata of the same run, and calls nothing.
    run_on(second)
    goals = [g.but(client_metadata={"reason": "second window"}) for g in goals]
    assert [stack.up(g).op for g in goals] == ["update", "update"]
    ((_, reset),) = [call for call in sent(proxy) if call[0] == RESET]
    (done,) = [g for g in goals if g.inputs["username"] == reset]
    (waiting,) = [g for g in goals if g is not done]
    assert sent(proxy) == pair(reset)
    assert stack[waiting.name].outputs.get("signed_out_at") is None
    assert stack[waiting.name].outputs["rotation_window"] == first.isoformat()  # still due

    # The next run: the one that waited gets its pair.
    proxy.clear()
    run_on(second + DAY)
    assert sorted(stack.up(g).op for g in goals) == ["same", "update"]
    assert sent(proxy) == pair(waiting.inputs["username"])
    assert stack[waiting.name].outputs["signed_out_at"] == stack[waiting.name].outputs["reset_at"]


# --- failures between the two calls: never a second mail, and the next run completes the pair ----

def _arranged(step: str, pool: Pool, proxy: FaultProxy, stack: Stack, declare: Callable[..., Goal]
              ) -> tuple[Goal, dict[str, Any] | None]:
    """alice, before the failing run: none (``create``) or created, signed out and reset, then
    signed in again (``update``). Returns the goal of the failing run and the outputs stored before it."""
    pool.user("alice")
    goal = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1", global_sign_out=True)
    if step == "create":
        return goal, None
    stack.up(goal)
    stack["r"].outputs.update(reset_at=EARLIER, signed_out_at=EARLIER)
    pool.client.admin_set_user_password(UserPoolId=pool.id, Username="alice", Password="An0ther!pass",
                                        Permanent=True)
    proxy.clear()
    return goal.but(rotation_trigger="t2"), dict(stack["r"].outputs)


def _kept(stack: Stack, before: dict[str, Any] | None) -> None:
    """The failed step left the state as it was: no resource for a create, the old outputs for an update."""
    if before is None:
        assert "r" not in stack.resources
    else:
        assert stack["r"].outputs == before


def _completed(stack: Stack, step: str, goal: Goal, proxy: FaultProxy, pool: Pool) -> None:
    """The next run, Cognito answering again: the pair goes out, once, and is recorded."""
    proxy.policy = never()
    proxy.clear()
    assert stack.up(goal).op == step
    assert sent(proxy) == pair("alice")
    assert pool.status("alice") == "RESET_REQUIRED"
    outputs = stack["r"].outputs
    assert outputs["rotation_trigger"] == goal.inputs["rotation_trigger"]
    assert outputs["signed_out_at"] == outputs["reset_at"] > EARLIER


@pytest.mark.parametrize("step", ["create", "update"])
def test_a_failed_sign_out_sends_no_reset_and_the_next_run_does_both(
        step: str, pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    stack = launch(proxy.url).stack
    goal, before = _arranged(step, pool, proxy, stack, declare)
    # The identity Pulumi runs as was never granted the new action: Cognito refuses the sign-out.
    proxy.policy = always(DENIED, operations={SIGN_OUT})

    with pytest.raises(HostError) as failed:
        stack.up(goal)
    assert failed.value.sentence == (
        f"CognitoPasswordReset could not sign out user 'alice' in user pool '{pool.id}', so it sent no password "
        f"reset either: access was denied (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not "
        f"authorized to perform: cognito-idp:AdminUserGlobalSignOut); allow cognito-idp:AdminUserGlobalSignOut on "
        f"the pool's ARN for the identity Pulumi runs as, or set global_sign_out to false.")
    # Refused, and no reset even tried (a create looks at the user's status first: a read).
    assert [r.operation for r in proxy.requests if r.operation != "AdminGetUser"] == [SIGN_OUT]
    assert pool.status("alice") == "CONFIRMED"
    _kept(stack, before)

    stack.engine = launch(proxy.url).engine  # the next run is a new host
    _completed(stack, step, goal, proxy, pool)


@pytest.mark.parametrize("step", ["create", "update"])
def test_a_reset_failing_after_the_sign_out_mails_once_in_all(
        step: str, pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    # Two attempts per call keep the test fast; the connection to Cognito drops on the reset.
    stack = launch(proxy.url, env={"AWS_MAX_ATTEMPTS": "2"}).stack
    goal, before = _arranged(step, pool, proxy, stack, declare)
    proxy.policy = always(Fault.DROP, operations={RESET})

    with pytest.raises(HostError) as failed:
        stack.up(goal)
    assert failed.value.sentence == (
        f"CognitoPasswordReset signed user 'alice' in user pool '{pool.id}' out everywhere but could not reset the "
        f"password: could not reach {proxy.url}/ after retries (ConnectionClosedError); check the network, and "
        f"aws:endpoints (cognitoidp) or AWS_ENDPOINT_URL if a local endpoint is meant.")
    assert sent(proxy) == [(SIGN_OUT, "alice")]  # signed out; no reset reached Cognito
    assert [r.operation for r in proxy.faulted()] == [RESET, RESET]
    assert pool.status("alice") == "CONFIRMED"
    _kept(stack, before)

    # The next run signs out again (harmless) and resets: over both runs one reset reached
    # Cognito, so one mail.
    stack.engine = launch(proxy.url, env={"AWS_MAX_ATTEMPTS": "2"}).engine
    _completed(stack, step, goal, proxy, pool)


# --- what the sign-out does to a session, as far as moto shows it ------------------------------

def test_a_refresh_token_issued_before_the_reset_stops_working_only_with_global_sign_out(
        pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    client_id = pool.client.create_user_pool_client(
        UserPoolId=pool.id, ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]

    def refresh_token(username: str) -> str:
        """Sign in as ``username`` with its password: the session a reset should end."""
        result = pool.client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": username, "PASSWORD": "Passw0rd!Passw0rd"})["AuthenticationResult"]
        return str(result["RefreshToken"])

    def renew(token: str) -> None:
        pool.client.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": token})

    for user in ("alice", "bob"):
        pool.user(user)
    sessions = {user: refresh_token(user) for user in ("alice", "bob")}
    stack = launch(proxy.url).stack
    stack.up(declare("alice", user_pool_id=pool.id, username="alice", global_sign_out=True))
    stack.up(declare("bob", user_pool_id=pool.id, username="bob"))

    with pytest.raises(pool.client.exceptions.NotAuthorizedException, match="Refresh Token has been revoked"):
        renew(sessions["alice"])
    # In moto the reset alone revokes nothing (real Cognito documents no revocation on a reset
    # either): bob's app renews its session as before.
    renew(sessions["bob"])
    assert {pool.status(u) for u in ("alice", "bob")} == {"RESET_REQUIRED"}
