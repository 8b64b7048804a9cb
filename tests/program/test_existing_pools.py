"""Existing pools (``existingPools``) under mocks: resets there, no takeover, permissions, policy ARNs.

What mocks cannot show: that a real existing pool, once its owner attaches the function as its
custom-message trigger, invokes it under the permission registered here (moto invokes no
trigger). That stays a manual check in real AWS (docs/operations.md, "Pointing at real AWS").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from tests.conftest import Mocks
from tests.program.conftest import PASSWORD, Run
from tests.program.test_program import FUNCTION, PERMISSION, POOL, RESET, USER, plain

EU = "eu-west-1_AbC123xyz"
SYD = "ap-southeast-2_Xyz789"
EU_ARN = f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{EU}"
SYD_ARN = f"arn:aws:cognito-idp:ap-southeast-2:123456789012:userpool/{SYD}"
CALLER = "aws:index/getCallerIdentity:getCallerIdentity"

CONFIG: dict[str, Any] = {
    "rotationTrigger": "2026-11-27",
    "resetTicket": "SEC-7",
    "testAccounts": [{"username": "qa-alice", "email": "qa-alice@example.com"}],
    "existingPools": [
        {"userPoolId": EU, "users": ["carol", "dave"],
         "accountOverrides": {"dave": {"rotationTrigger": "2026-12-01", "locale": "de"}}},
        # The same username in another pool is another user.
        {"userPoolId": SYD, "users": ["carol"], "allowCustomMessageInvoke": True},
    ],
}


@pytest.fixture
def run(run_stack: Callable[..., Run]) -> Run:
    return run_stack(CONFIG, secrets={"testAccountPassword": PASSWORD})


def by_pool(run: Run) -> dict[tuple[str, str], Any]:
    return {(r.inputs["user_pool_id"], r.inputs["username"]): r for r in run.all(RESET)}


def test_users_of_existing_pools_in_two_regions_are_reset_there(run: Run) -> None:
    resets = by_pool(run)
    created = run.exports["userPoolId"]
    assert sorted(resets) == sorted([(created, "qa-alice"), (EU, "carol"), (EU, "dave"), (SYD, "carol")])
    assert resets[(EU, "carol")].name == f"reset-{EU}-carol"
    assert resets[(EU, "carol")].inputs["rotation_trigger"] == "2026-11-27"
    assert resets[(EU, "dave")].inputs["rotation_trigger"] == "2026-12-01"
    assert plain(resets[(EU, "carol")].inputs["client_metadata"]) == {"reason": "scheduled password rotation",
                                                                      "ticket": "SEC-7"}
    assert plain(resets[(EU, "dave")].inputs["client_metadata"])["locale"] == "de"
    assert "locale" not in plain(resets[(SYD, "carol")].inputs["client_metadata"])
    assert run.exports["existingPoolResets"] == {
        EU: {u: {"resetAt": "2026-01-01T00:00:00Z", "userStatus": "RESET_REQUIRED"} for u in ("carol", "dave")},
        SYD: {"carol": {"resetAt": "2026-01-01T00:00:00Z", "userStatus": "RESET_REQUIRED"}},
    }
    assert list(run.exports["resets"]) == ["qa-alice"]


def test_an_existing_pool_is_not_taken_over(run: Run) -> None:
    # One pool resource: the created one. No user, trigger or setting for the existing pools.
    (pool,) = run.all(POOL)
    assert pool.inputs["name"] == "cognito-password-reset"
    assert [u.inputs["userPoolId"] for u in run.all(USER)] == [run.exports["userPoolId"]]
    for r in run.mocks.registered:
        if r.type_ != RESET:
            assert EU not in json.dumps(r.inputs, default=str), r.name


def test_only_an_opted_in_pool_may_invoke_the_function_by_its_own_arn(run: Run) -> None:
    permissions = {p.name: p for p in run.all(PERMISSION)}
    assert sorted(permissions) == ["custom-message-invoke", f"custom-message-invoke-{SYD}"]
    syd = permissions[f"custom-message-invoke-{SYD}"].inputs
    assert syd == {"action": "lambda:InvokeFunction", "function": run.one(FUNCTION).name,
                   "principal": "cognito-idp.amazonaws.com", "sourceArn": SYD_ARN}
    resets = by_pool(run)
    assert permissions[f"custom-message-invoke-{SYD}"].urn in resets[(SYD, "carol")].dependencies
    assert permissions["custom-message-invoke"].urn not in resets[(EU, "carol")].dependencies
    assert run.exports["customMessageFunctionArn"] == (
        f"arn:aws:lambda:us-east-1:123456789012:function:{run.one(FUNCTION).name}")


def test_the_reset_policy_covers_every_pool_by_its_own_arn(run: Run) -> None:
    (statement,) = json.loads(run.exports["resetPolicy"])["Statement"]
    assert statement["Resource"] == [run.exports["userPoolArn"], EU_ARN, SYD_ARN]
    assert sorted(statement["Action"]) == ["cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword"]
    assert run.mocks.calls == [CALLER]  # the account is asked once, for all pools


def test_without_existing_pools_nobody_asks_for_the_account(run_stack: Callable[..., Run]) -> None:
    run = run_stack({"existingUsers": ["carol"]})
    assert run.mocks.calls == []


def test_only_existing_pools_when_the_stack_creates_none(run_stack: Callable[..., Run]) -> None:
    run = run_stack({"createUserPool": "false", "existingPools": CONFIG["existingPools"]})
    assert run.all(POOL) == [] and run.all(USER) == []
    assert [p.name for p in run.all(PERMISSION)] == [f"custom-message-invoke-{SYD}"]
    assert len(run.all(FUNCTION)) == 1  # exported, for the pools' owners to attach
    assert sorted(by_pool(run)) == sorted([(EU, "carol"), (EU, "dave"), (SYD, "carol")])
    assert json.loads(run.exports["resetPolicy"])["Statement"][0]["Resource"] == [EU_ARN, SYD_ARN]
    assert "userPoolId" not in run.exports and run.exports["resets"] == {}


@pytest.mark.parametrize(("pools", "sentence"), [
    ([{"userPoolId": "eu-west-1", "users": ["carol"]}],
     "Stack config existingPools[0].userPoolId must match the pattern [\\w-]+_[0-9a-zA-Z]+ (from the "
     "AdminResetUserPassword API), so it is not a user pool id; use the id as the Cognito console shows it, "
     "such as eu-west-1_AbC123xyz."),
    ([{"userPoolId": EU, "users": ["carol"]}, {"userPoolId": "us-east1_AbC123xyz", "users": ["carol"]}],
     "Stack config existingPools[1].userPoolId 'us-east1_AbC123xyz' has the region part 'us-east1', which is not "
     "an AWS region name (such as us-east-1); use the pool id as the Cognito console shows it, such as "
     "eu-west-1_AbC123xyz."),
    ([{"userPoolId": EU, "users": ["carol", "dave", "carol"]}],
     "Stack config existingPools[0].users[2] repeats the user 'carol' of existingPools[0].users[0]; list each "
     "user once per pool."),
])
def test_a_bad_pool_fails_at_preview_naming_the_key(run_stack: Callable[..., Run], mocks: Mocks,
                                                    pools: list[Any], sentence: str) -> None:
    with pytest.raises(pulumi.RunError) as caught:
        run_stack({"existingPools": pools})
    assert str(caught.value) == sentence
    assert mocks.registered == [] and mocks.calls == []


def test_scheduled_users_are_declared_longest_waiting_first(run_stack: Callable[..., Run],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Past maxResetsPerRun the users the engine asks about first get the run's slots: the stack
    # declares the user whose current window began earliest first, so a backlog is served in order.
    # (The declaration order, taken at the constructor: the SDK sends registrations from a thread
    # pool, so the engine receives them in about that order, not exactly.)
    import datetime

    from cognito_password_reset import CognitoPasswordReset, schedule

    declared: list[str] = []
    original = CognitoPasswordReset.__init__

    def recording(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        declared.append(kwargs["username"])
        original(self, name, *args, **kwargs)

    monkeypatch.setattr(CognitoPasswordReset, "__init__", recording)
    users = [f"svc-{n:02}" for n in range(12)]
    run_stack({"createUserPool": "false", "rotateAfterDays": "30",
               "existingPools": [{"userPoolId": EU, "users": users}]})
    today = datetime.datetime.now(datetime.timezone.utc).date()
    starts = [schedule.window_start(EU, u, 30, today) for u in declared]
    assert sorted(declared) == users and starts == sorted(starts) and declared != users


def test_scheduled_users_are_declared_longest_waiting_first_across_pools(run_stack: Callable[..., Run],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The cap is one count for the whole run, so the order is one across the pools: were each pool
    # declared in turn, a first pool with more users due than the cap would starve the others.
    # Users without a schedule come last, whatever their pool.
    import datetime

    from cognito_password_reset import CognitoPasswordReset, schedule

    declared: list[tuple[str, str]] = []
    original = CognitoPasswordReset.__init__

    def recording(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        declared.append((kwargs["user_pool_id"], kwargs["username"]))
        original(self, name, *args, **kwargs)

    monkeypatch.setattr(CognitoPasswordReset, "__init__", recording)
    users = [f"svc-{n:02}" for n in range(12)]
    scheduled = {u: {"rotateAfterDays": 30} for u in users[:9]}  # svc-09 to svc-11: no schedule
    run_stack({"createUserPool": "false", "existingPools": [
        {"userPoolId": EU, "users": users, "accountOverrides": scheduled},
        {"userPoolId": SYD, "users": users, "accountOverrides": scheduled}]})
    today = datetime.datetime.now(datetime.timezone.utc).date()
    first = [(p, u) for p, u in declared if u in scheduled]
    starts = [schedule.window_start(p, u, 30, today) for p, u in first]
    assert sorted(declared) == sorted((p, u) for p in (EU, SYD) for u in users)
    assert declared[:len(first)] == first and len(first) == 18  # every scheduled user before the others
    assert starts == sorted(starts) and first != sorted(first)  # by window start, not pool after pool
