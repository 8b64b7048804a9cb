"""existingPools that select users by group or allUsers: the program (under mocks) reads the members
from Cognito at every run, through aws:endpoints (moto server here), and declares one reset per member.

Run after run the declared resources follow the membership: who joins is declared (and adopted
without a reset), who leaves is no longer declared, which is how the engine comes to delete its
resource (that delete makes no AWS call: tests/engine/test_selection.py). A read that fails stops
the program before anything is declared: never an empty group.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest

from tests.cognito_pool import Pool
from tests.conftest import Mocks
from tests.engine.faultproxy import Fault, FaultProxy, Reply, always
from tests.engine.servers import Moto
from tests.program.conftest import Run
from tests.program.test_program import RESET, plain

GROUP = "contractors"


def add(pool: Pool, group: str, *usernames: str) -> None:
    for username in usernames:
        pool.user(username)
        pool.client.admin_add_user_to_group(UserPoolId=pool.id, Username=username, GroupName=group)


@pytest.fixture
def contractors(pool: Pool) -> Pool:
    """A pool (in moto server) whose group ``contractors`` has carol, dave and erin; frank is not in it."""
    pool.client.create_group(UserPoolId=pool.id, GroupName=GROUP)
    add(pool, GROUP, "carol", "dave", "erin")
    pool.user("frank")
    return pool


def stack_config(endpoint: str, *entries: dict[str, Any], **config: Any) -> dict[str, Any]:
    return {"createUserPool": "false", "rotationTrigger": "2026-11-27", "aws:endpoints": [{"cognitoidp": endpoint}],
            "existingPools": list(entries), **config}


def resets(run: Run) -> dict[str, dict[str, Any]]:
    return {r.name: r.inputs for r in run.all(RESET)}


@pytest.fixture
def run_group(run_stack: Callable[..., Run], mocks: Mocks, moto: Moto, contractors: Pool) -> Callable[..., Run]:
    """Run the stack (a new run each call) with contractors' pool selecting by group (extra entry keys
    as keywords)."""

    def run(**entry: Any) -> Run:
        mocks.registered.clear()
        return run_stack(stack_config(moto.url, {"userPoolId": contractors.id, "group": GROUP, **entry}))

    return run


def test_a_group_of_three_is_three_resets_adopted_without_a_reset(run_group: Callable[..., Run],
                                                                  contractors: Pool) -> None:
    run = run_group()
    pool = contractors.id
    assert sorted(resets(run)) == [f"reset-{pool}-{u}" for u in ("carol", "dave", "erin")]
    for inputs in resets(run).values():
        assert inputs["user_pool_id"] == pool
        assert inputs["reset_on_create"] is False  # no mail when the group is put under management
        assert inputs["rotation_trigger"] == "2026-11-27"
    assert sorted(run.exports["existingPoolResets"][pool]) == ["carol", "dave", "erin"]
    # Nothing was reset by reading: the members are as they were.
    assert {contractors.status(u) for u in ("carol", "dave", "erin")} == {"CONFIRMED"}


def test_the_resets_follow_the_group_run_after_run(run_group: Callable[..., Run], contractors: Pool) -> None:
    pool = contractors.id
    assert len(resets(run_group())) == 3
    add(contractors, GROUP, "grace")  # joins
    joined = resets(run_group())
    assert sorted(joined) == [f"reset-{pool}-{u}" for u in ("carol", "dave", "erin", "grace")]
    assert joined[f"reset-{pool}-grace"]["reset_on_create"] is False  # adopted, not mailed
    contractors.client.admin_remove_user_from_group(UserPoolId=pool, Username="dave", GroupName=GROUP)  # leaves
    # dave's resource is no longer declared: the engine deletes it, and its delete calls no AWS.
    assert sorted(resets(run_group())) == [f"reset-{pool}-{u}" for u in ("carol", "erin", "grace")]


def test_a_listed_member_is_one_reset_and_keeps_what_listing_gives(run_group: Callable[..., Run],
                                                                   contractors: Pool) -> None:
    pool = contractors.id
    run = run_group(users=["carol", "frank"], accountOverrides={"carol": {"locale": "de"},
                                                                  "erin": {"rotationTrigger": "2026-12-24"}})
    found = resets(run)
    assert sorted(found) == [f"reset-{pool}-{u}" for u in ("carol", "dave", "erin", "frank")]
    carol, erin = found[f"reset-{pool}-carol"], found[f"reset-{pool}-erin"]
    assert carol["reset_on_create"] is True and plain(carol["client_metadata"])["locale"] == "de"
    assert found[f"reset-{pool}-frank"]["reset_on_create"] is True  # listed, not in the group
    assert erin["reset_on_create"] is False and erin["rotation_trigger"] == "2026-12-24"


def test_all_users_narrowed_by_a_filter(run_stack: Callable[..., Run], moto: Moto, contractors: Pool) -> None:
    contractors.user("new-hire", confirmed=False)  # FORCE_CHANGE_PASSWORD: Cognito could not reset it
    entry = {"userPoolId": contractors.id, "allUsers": True, "filter": 'cognito:user_status = "CONFIRMED"'}
    run = run_stack(stack_config(moto.url, entry))
    assert sorted(i["username"] for i in resets(run).values()) == ["carol", "dave", "erin", "frank"]
    assert {i["reset_on_create"] for i in resets(run).values()} == {False}


def test_the_reset_policy_grants_each_list_call_only_on_the_pools_that_use_it(
        run_stack: Callable[..., Run], moto: Moto, contractors: Pool) -> None:
    other = moto.client().create_user_pool(PoolName="other")["UserPool"]["Id"]
    listed = "us-east-1_Listed1"
    run = run_stack(stack_config(moto.url, {"userPoolId": contractors.id, "group": GROUP},
                                 {"userPoolId": other, "allUsers": True},
                                 {"userPoolId": listed, "users": ["zoe"]}))
    arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/{}".format
    statements = json.loads(run.exports["resetPolicy"])["Statement"]
    assert statements == [
        {"Sid": "CognitoPasswordReset", "Effect": "Allow",
         "Action": ["cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword"],
         "Resource": [arn(contractors.id), arn(other), arn(listed)]},
        {"Sid": "CognitoPasswordResetSelectGroup", "Effect": "Allow", "Action": ["cognito-idp:ListUsersInGroup"],
         "Resource": [arn(contractors.id)]},
        {"Sid": "CognitoPasswordResetSelectAllUsers", "Effect": "Allow", "Action": ["cognito-idp:ListUsers"],
         "Resource": [arn(other)]},
    ]


def test_a_group_selected_to_sign_out_is_granted_the_sign_out_on_its_pool(
        run_stack: Callable[..., Run], moto: Moto, contractors: Pool) -> None:
    # The incident runbook: a group's members reset with their sessions ended. Nobody is listed by
    # name, so the grant must follow the members the group selects, or every sign-out is refused.
    run = run_stack(stack_config(moto.url, {"userPoolId": contractors.id, "group": GROUP}, globalSignOut="true"))
    assert {i["username"]: i["global_sign_out"] for i in resets(run).values()} == {
        "carol": True, "dave": True, "erin": True}
    statements = {s["Sid"]: s for s in json.loads(run.exports["resetPolicy"])["Statement"]}
    assert statements["CognitoPasswordResetSignOut"]["Action"] == ["cognito-idp:AdminUserGlobalSignOut"]
    assert statements["CognitoPasswordResetSignOut"]["Resource"] == [
        f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{contractors.id}"]


def test_an_override_naming_nobody_is_a_warning(run_group: Callable[..., Run], contractors: Pool,
                                                caplog: pytest.LogCaptureFixture) -> None:
    # Under mocks pulumi.log.warn goes to Python's logging; under the engine, to the console.
    run = run_group(accountOverrides={"dave": {"locale": "fr"}, "zed": {"locale": "fr"}})
    assert len(resets(run)) == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        f"Stack config existingPools[0].accountOverrides.zed names a user who is neither in existingPools[0].users "
        f"nor selected by existingPools[0].group in pool {contractors.id} now, so it applies to nobody; check the "
        f"username (it is case-sensitive) or remove the override."]


@pytest.fixture
def proxied(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # a throttled read gives up after one retry
    with FaultProxy(upstream=moto.url) as proxy:
        yield proxy


DENIED = Reply(400, {"__type": "AccessDeniedException",
                     "message": "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                                "cognito-idp:ListUsersInGroup"})


@pytest.mark.parametrize(("case", "fix"), [
    ("no such group", "the pool has no group of that name (group names are case-sensitive); check the group name, "
                      "or create the group in the pool."),
    ("no such pool", "the user pool does not exist in this account and region; check the pool id and that the "
                     "credentials belong to the pool's account."),
    ("denied", "access was denied (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized "
               "to perform: cognito-idp:ListUsersInGroup); allow cognito-idp:ListUsersInGroup on the pool's ARN for "
               "the identity Pulumi runs as."),
    ("throttled", "Cognito throttled the call (TooManyRequestsException) on all 2 attempts; ListUsersInGroup allows "
                  "30 requests per second per account and region (not adjustable), shared with every other client "
                  "that lists users; lower cognito-password-reset:maxReadsPerSecond or run pulumi again."),
])
def test_a_failed_membership_read_fails_the_program_and_declares_nothing(
        run_stack: Callable[..., Run], mocks: Mocks, contractors: Pool, proxied: FaultProxy, case: str,
        fix: str) -> None:
    pool_id, group = contractors.id, GROUP
    if case == "no such group":
        group = "Contractors"
    elif case == "no such pool":
        pool_id = "us-east-1_NoSuchPool"  # deleted, or the credentials reach another account
    elif case == "denied":
        proxied.policy = always(DENIED)
    else:
        proxied.policy = always(Fault.THROTTLE)
    listed = {"userPoolId": "us-east-1_Listed1", "users": ["zoe"]}  # a pool whose read cannot fail
    with pytest.raises(pulumi.RunError) as failed:
        run_stack(stack_config(proxied.url, listed, {"userPoolId": pool_id, "group": group}))
    assert str(failed.value) == (f"CognitoPasswordReset could not read the members of group '{group}' in user pool "
                                 f"'{pool_id}': {fix}")
    # Not a single resource: no reset of that pool (nor any other) could be planned for deletion.
    assert mocks.registered == []
    assert [r.operation for r in proxied.requests] == ["ListUsersInGroup"] * (2 if case == "throttled" else 1)
