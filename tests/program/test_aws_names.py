"""Every property the stack registers with pulumi-aws is one pulumi-aws knows, at every depth.

Under mocks any key is accepted, so a misspelt input (``emailConfigration``) would pass every
other test and be rejected only by the real provider. The names are checked against
pulumi-aws's generated Args classes: each property's wire name is its ``@pulumi.getter(name=...)``.
A new resource type or nested input must be added to the tables below, or this test fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi_aws as aws

from tests.conftest import Mocks
from tests.program.conftest import PASSWORD, Run
from tests.program.test_program import plain

RESOURCES: dict[str, type] = {
    "aws:iam/role:Role": aws.iam.RoleArgs,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": aws.iam.RolePolicyAttachmentArgs,
    "aws:lambda/function:Function": aws.lambda_.FunctionArgs,
    "aws:lambda/permission:Permission": aws.lambda_.PermissionArgs,
    "aws:cognito/userPool:UserPool": aws.cognito.UserPoolArgs,
    "aws:cognito/user:User": aws.cognito.UserArgs,
}
NESTED: dict[tuple[type, str], type] = {
    (aws.cognito.UserPoolArgs, "emailConfiguration"): aws.cognito.UserPoolEmailConfigurationArgs,
    (aws.cognito.UserPoolArgs, "lambdaConfig"): aws.cognito.UserPoolLambdaConfigArgs,
    (aws.cognito.UserPoolArgs, "accountRecoverySetting"): aws.cognito.UserPoolAccountRecoverySettingArgs,
    (aws.cognito.UserPoolAccountRecoverySettingArgs, "recoveryMechanisms"):
        aws.cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs,
}
FREE_MAPS = {(aws.cognito.UserArgs, "attributes")}
"""Inputs whose keys are data (Cognito attribute names), not pulumi-aws properties."""

EVERYTHING: dict[str, Any] = {
    "testAccounts": [{"username": "qa-alice", "email": "qa-alice@example.com", "name": "Alice"}],
    "existingUsers": ["carol"],
    "existingPools": [{"userPoolId": "eu-west-1_AbC123", "users": ["dave"], "allowCustomMessageInvoke": True}],
    "sesSourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
    "sesFromAddress": "no-reply@example.com",
}


def wire_names(args: type) -> set[str]:
    return {getattr(p.fget, "_pulumi_name", None) or name
            for name, p in vars(args).items() if isinstance(p, property)}


def unknown_names(args: type, value: dict[str, Any], path: str) -> list[str]:
    found = []
    known = wire_names(args)
    for key, inner in value.items():
        if key not in known:
            found.append(f"{path}.{key} is not a property of {args.__name__}")
            continue
        inner = plain(inner)  # a secret arrives wrapped; its value is what pulumi-aws gets
        items = inner if isinstance(inner, list) else [inner]
        for item in items:
            if not isinstance(item, dict) or (args, key) in FREE_MAPS:
                continue
            nested = NESTED.get((args, key))
            if nested is None:
                found.append(f"{path}.{key} is an object with no entry in NESTED")
            else:
                found.extend(unknown_names(nested, item, f"{path}.{key}"))
    return found


def test_every_registered_aws_property_is_a_pulumi_aws_property(run_stack: Callable[..., Run]) -> None:
    run = run_stack(EVERYTHING, secrets={"testAccountPassword": PASSWORD})
    aws_resources = [r for r in run.mocks.registered if r.type_.startswith("aws:")]
    assert {r.type_ for r in aws_resources} == set(RESOURCES)  # every table row is exercised
    used_nested = {(RESOURCES[r.type_], k) for r in aws_resources for k in r.inputs} & set(NESTED)
    assert len(used_nested) == 3 and "emailConfiguration" in {k for _, k in used_nested}

    problems = [p for r in aws_resources for p in unknown_names(RESOURCES[r.type_], r.inputs, r.name)]

    assert problems == []


def test_the_caller_identity_mock_answers_with_pulumi_aws_names(mocks: Mocks) -> None:
    # The program reads caller.arn and caller.account_id; the mock must answer in the
    # invoke's own wire names, or it would prove nothing.
    request = type("Args", (), {"token": "aws:index/getCallerIdentity:getCallerIdentity"})()
    answer, _ = mocks.call(request)
    assert set(answer) == wire_names(aws.GetCallerIdentityResult)


def test_a_misspelt_property_is_caught() -> None:
    assert unknown_names(aws.cognito.UserPoolArgs, {"emailConfigration": {}}, "pool") == [
        "pool.emailConfigration is not a property of UserPoolArgs"]
    assert unknown_names(aws.cognito.UserPoolArgs, {"emailConfiguration": {"sourceARN": "x"}}, "pool") == [
        "pool.emailConfiguration.sourceARN is not a property of UserPoolEmailConfigurationArgs"]
