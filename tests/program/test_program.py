"""The stack program (``__main__.py``) under Pulumi mocks: what it creates, wires and exports."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from lambdas import custom_message
from tests.conftest import Mocks
from tests.lambdas.events import USER_ATTRIBUTES, event
from tests.program.conftest import PASSWORD, Run

POOL = "aws:cognito/userPool:UserPool"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER = "aws:cognito/user:User"
RESET = "pulumi-python:dynamic/cognito:CognitoPasswordReset"
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}

CONFIG: dict[str, Any] = {
    "rotationTrigger": "2026-11-27",
    "resetReason": "Quarterly rotation",
    "resetTicket": "SEC-1042",
    "supportContact": "it-help@example.com",
    "testAccounts": [
        {"username": "qa-alice", "email": "qa-alice@example.com", "name": "Alice QA"},
        {"username": "qa-bob", "email": "qa-bob@example.com"},
    ],
    "existingUsers": ["carol"],
    "accountOverrides": {"qa-bob": {"rotationTrigger": "2026-12-01", "locale": "de"}},
}


@pytest.fixture
def run(run_stack: Callable[..., Run]) -> Run:
    return run_stack(CONFIG, secrets={"testAccountPassword": PASSWORD})


def plain(value: Any) -> Any:
    """A registered input with the secret wrapper, if any, taken off."""
    if isinstance(value, dict) and SECRET_SIG.items() <= value.items():
        return value["value"]
    return value


def resets(run: Run) -> dict[str, dict[str, Any]]:
    return {r.inputs["username"]: r.inputs for r in run.all(RESET)}


def test_one_pool_function_and_permission(run: Run) -> None:
    pool = run.one(POOL)
    assert pool.inputs["autoVerifiedAttributes"] == ["email"]
    assert pool.inputs["accountRecoverySetting"] == {"recoveryMechanisms": [{"name": "verified_email", "priority": 1}]}
    assert len(run.all(FUNCTION)) == len(run.all(PERMISSION)) == len(run.all(ROLE)) == 1


def test_the_trigger_is_the_function_and_its_code_is_in_the_repo(run: Run) -> None:
    function = run.one(FUNCTION)
    assert run.one(POOL).inputs["lambdaConfig"] == {
        "customMessage": f"arn:aws:lambda:us-east-1:123456789012:function:{function.name}"}
    assert function.inputs["runtime"].startswith("python3.")
    assert function.inputs["handler"] == "custom_message.handler"
    code = function.inputs["code"]
    assert isinstance(code, pulumi.AssetArchive)
    (asset,) = code.assets.values()
    assert list(code.assets) == ["custom_message.py"]
    assert isinstance(asset, pulumi.FileAsset) and asset.path == "lambdas/custom_message.py"


def test_the_function_role_has_basic_execution_only(run: Run) -> None:
    role = run.one(ROLE)
    assume = json.loads(role.inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in assume["Statement"]] == [{"Service": "lambda.amazonaws.com"}]
    (attachment,) = run.all(ATTACHMENT)
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert run.mocks.of_type("aws:iam/rolePolicy:RolePolicy") == []
    assert run.one(FUNCTION).inputs["role"] == f"arn:aws:iam::123456789012:role/{role.name}"


def test_the_permission_lets_only_this_pool_invoke_the_function(run: Run) -> None:
    permission = run.one(PERMISSION).inputs
    assert permission["principal"] == "cognito-idp.amazonaws.com"
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["function"] == run.one(FUNCTION).name
    assert permission["sourceArn"] == run.exports["userPoolArn"]


def test_test_accounts_are_created_confirmed_with_a_verified_email(run: Run) -> None:
    users = {u.inputs["username"]: u for u in run.all(USER)}
    assert sorted(users) == ["qa-alice", "qa-bob"]  # carol exists already: not created
    alice = users["qa-alice"]
    assert alice.inputs["attributes"] == {"email": "qa-alice@example.com", "email_verified": "true",
                                          "name": "Alice QA"}
    assert alice.inputs["userPoolId"] == run.exports["userPoolId"]
    # A permanent password (not temporaryPassword) is what makes the user CONFIRMED.
    assert plain(alice.inputs["password"]) == PASSWORD and "temporaryPassword" not in alice.inputs
    assert alice.inputs["messageAction"] == "SUPPRESS"


def test_one_reset_per_account_each_after_its_user_and_the_permission(run: Run) -> None:
    by_user = {r.inputs["username"]: r for r in run.all(RESET)}
    assert sorted(by_user) == ["carol", "qa-alice", "qa-bob"]
    users = {u.inputs["username"]: u.urn for u in run.all(USER)}
    permission = run.one(PERMISSION).urn
    for username, reset in by_user.items():
        assert reset.inputs["user_pool_id"] == run.exports["userPoolId"]
        assert permission in reset.dependencies, username
        if username in users:
            assert users[username] in reset.dependencies, username
    # A reset depends on its own user only.
    assert users["qa-bob"] not in by_user["qa-alice"].dependencies


def test_stack_wide_trigger_and_metadata_with_per_account_overrides(run: Run) -> None:
    r = resets(run)
    assert r["qa-alice"]["rotation_trigger"] == r["carol"]["rotation_trigger"] == "2026-11-27"
    assert r["qa-bob"]["rotation_trigger"] == "2026-12-01"
    # No locale configured stack-wide: none is sent (the function then reads the user's own).
    stack_wide = {"reason": "Quarterly rotation", "ticket": "SEC-1042", "supportContact": "it-help@example.com"}
    assert plain(r["qa-alice"]["client_metadata"]) == stack_wide
    assert plain(r["carol"]["client_metadata"]) == stack_wide
    assert plain(r["qa-bob"]["client_metadata"]) == {**stack_wide, "locale": "de"}


GERMAN, FRENCH, ENGLISH = ("Ihr Passwort wurde zurückgesetzt", "Votre mot de passe a été réinitialisé",
                            "Your password has been reset")


@pytest.mark.parametrize(("config", "expected"), [
    ({}, GERMAN),  # nothing configured: the user's own locale attribute decides
    ({"locale": ""}, GERMAN),
    ({"locale": "fr"}, FRENCH),  # configured stack-wide: it wins over the attribute
    ({"locale": "fr", "accountOverrides": {"carol": {"locale": "en"}}}, ENGLISH),  # per account over both
    ({"accountOverrides": {"carol": {"locale": "fr"}}}, FRENCH),
])
def test_the_message_is_in_the_users_own_locale_unless_config_sets_one(run_stack: Callable[..., Run],
                                                                        config: dict[str, Any], expected: str) -> None:
    # The whole path: stack config -> the client metadata the reset registers (which the provider
    # hands to AdminResetUserPassword, and Cognito to the trigger) -> the function's message for
    # a user whose `locale` attribute says de.
    (reset,) = run_stack({"existingUsers": ["carol"], **config}).all(RESET)
    metadata = plain(reset.inputs["client_metadata"])
    attributes = {**USER_ATTRIBUTES, "locale": "de"}
    cognito_event = event("CustomMessage_ForgotPassword", client_metadata=metadata, user_attributes=attributes)

    response = custom_message.handler(cognito_event, None)["response"]

    assert response["emailSubject"] == expected
    if not config.get("locale") and "accountOverrides" not in config:
        assert "locale" not in metadata


def test_changing_one_override_changes_only_that_accounts_reset(run_stack: Callable[..., Run]) -> None:
    before = resets(run_stack(CONFIG, secrets={"testAccountPassword": PASSWORD}))
    changed = {**CONFIG, "accountOverrides": {"qa-bob": {"rotationTrigger": "2026-12-24", "locale": "de"}}}
    after = resets(run_stack(changed, secrets={"testAccountPassword": PASSWORD}))

    differing = {u for u in before if {k: plain(v) for k, v in before[u].items() if k != "__provider"}
                 != {k: plain(v) for k, v in after[u].items() if k != "__provider"}}
    assert differing == {"qa-bob"}


def test_secrets_stay_secret(run: Run) -> None:
    for reset in run.all(RESET):
        assert "client_metadata" in reset.secret_inputs
        assert "client_metadata" in reset.additional_secret_outputs
    for user in run.all(USER):
        assert "password" in user.secret_inputs
    # The password appears nowhere but in those secret inputs.
    for r in run.mocks.registered:
        for key, value in r.inputs.items():
            if key not in r.secret_inputs:
                assert PASSWORD not in json.dumps(value, default=str), (r.name, key)
    assert PASSWORD not in json.dumps(run.exports, default=str)


def test_the_reset_policy_names_exactly_the_provider_actions_on_this_pool(run: Run) -> None:
    document = json.loads(run.exports["resetPolicy"])
    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword"]
    assert statement["Resource"] == [run.exports["userPoolArn"]]
    assert set(statement) <= {"Sid", "Effect", "Action", "Resource"}


def test_exports(run: Run) -> None:
    assert run.exports["userPoolId"] == "us-east-1_userpool"
    assert run.exports["userPoolArn"] == "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_userpool"
    assert run.exports["customMessageFunctionName"] == run.one(FUNCTION).name
    assert run.exports["resets"] == {
        user: {"resetAt": "2026-01-01T00:00:00Z", "userStatus": "RESET_REQUIRED"}
        for user in ("qa-alice", "qa-bob", "carol")
    }


def test_defaults_give_a_pool_and_no_accounts(run_stack: Callable[..., Run]) -> None:
    run = run_stack({})
    assert run.one(POOL).inputs["name"] == "cognito-password-reset"
    assert run.all(RESET) == [] and run.all(USER) == []
    assert run.exports["resets"] == {}


@pytest.mark.parametrize(("config", "message"), [
    ({"existingUsers": ["carol"], "accountOverrides": {"dave": {"rotationTrigger": "x"}}},
     "Stack config accountOverrides.dave names no account in testAccounts, testAccountsFile or existingUsers"),
    ({"testAccounts": [{"username": "qa-eve"}]},
     "Stack config testAccounts[0].email is missing; give every test account an email address"),
    ({"existingUsers": ["carol"], "accountOverrides": {"carol": {"rotationTrigger": 20261201}}},
     "Stack config accountOverrides.carol.rotationTrigger must be a string but is a number"),
    ({"rotationTrigger": {"date": "2026-12-01"}},
     "Stack config rotationTrigger must be a string but is a map"),
])
def test_bad_config_fails_before_anything_is_registered(run_stack: Callable[..., Run], mocks: Mocks,
                                                        config: dict[str, Any], message: str) -> None:
    with pytest.raises(pulumi.RunError) as caught:
        run_stack(config, secrets={"testAccountPassword": PASSWORD})

    assert message in str(caught.value)
    assert mocks.registered == []


def test_test_accounts_without_a_password_fail_naming_the_key(run_stack: Callable[..., Run]) -> None:
    with pytest.raises(pulumi.RunError, match=r"Stack config testAccountPassword is missing"):
        run_stack({"testAccounts": [{"username": "qa-eve", "email": "qa-eve@example.com"}]})


def test_rotate_after_days_reaches_each_reset_stack_wide_or_per_account(run_stack: Callable[..., Run]) -> None:
    config = {**CONFIG, "rotateAfterDays": 90,
              "accountOverrides": {"qa-bob": {"rotateAfterDays": 30}},
              "existingPools": [{"userPoolId": "eu-west-1_AbC123xyz", "users": ["erin"]}]}
    registered = resets(run_stack(config, secrets={"testAccountPassword": PASSWORD}))
    assert {u: r.get("rotate_after_days") for u, r in registered.items()} == {
        "qa-alice": 90, "qa-bob": 30, "carol": 90, "erin": 90}


def test_without_rotate_after_days_no_reset_is_on_a_schedule(run: Run) -> None:
    assert all(r.inputs.get("rotate_after_days") is None for r in run.all(RESET))
