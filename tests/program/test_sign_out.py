"""globalSignOut under mocks: the stack passes each account's flag to its reset, and its reset policy
grants AdminUserGlobalSignOut only on the pools where some account's resets sign out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.program.conftest import PASSWORD, Run
from tests.program.test_existing_pools import EU, EU_ARN, SYD
from tests.program.test_program import CONFIG, RESET

SIGN_OUT = "cognito-idp:AdminUserGlobalSignOut"


def flags(run: Run) -> dict[tuple[str, str], Any]:
    return {(r.inputs["user_pool_id"], r.inputs["username"]): r.inputs["global_sign_out"] for r in run.all(RESET)}


def statements(run: Run) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(run.exports["resetPolicy"])["Statement"]}


def test_by_default_no_reset_signs_out_and_nothing_grants_it(run_stack: Callable[..., Run]) -> None:
    run = run_stack(CONFIG, secrets={"testAccountPassword": PASSWORD})
    assert set(flags(run).values()) == {False}
    assert list(statements(run)) == ["CognitoPasswordReset"]
    assert SIGN_OUT not in run.exports["resetPolicy"]


def test_one_accounts_override_signs_out_its_resets_and_grants_it_on_its_pool(run_stack: Callable[..., Run]) -> None:
    config = {**CONFIG, "accountOverrides": {"qa-bob": {"globalSignOut": True}},
              "existingPools": [{"userPoolId": EU, "users": ["carol"]}]}
    run = run_stack(config, secrets={"testAccountPassword": PASSWORD})
    pool = "us-east-1_userpool"
    assert flags(run) == {(pool, "qa-alice"): False, (pool, "qa-bob"): True, (pool, "carol"): False,
                          (EU, "carol"): False}
    granted = statements(run)
    assert granted["CognitoPasswordReset"]["Resource"] == [run.exports["userPoolArn"], EU_ARN]
    assert granted["CognitoPasswordResetSignOut"] == {
        "Sid": "CognitoPasswordResetSignOut", "Effect": "Allow", "Action": [SIGN_OUT],
        "Resource": [run.exports["userPoolArn"]]}


def test_stack_wide_with_a_pool_whose_accounts_all_opt_out(run_stack: Callable[..., Run]) -> None:
    config = {"globalSignOut": True, "createUserPool": False, "existingPools": [
        {"userPoolId": EU, "users": ["carol", "dave"], "accountOverrides": {"dave": {"globalSignOut": False}}},
        {"userPoolId": SYD, "users": ["erin"], "accountOverrides": {"erin": {"globalSignOut": False}}}]}
    run = run_stack(config)
    assert flags(run) == {(EU, "carol"): True, (EU, "dave"): False, (SYD, "erin"): False}
    assert statements(run)["CognitoPasswordResetSignOut"]["Resource"] == [EU_ARN]
