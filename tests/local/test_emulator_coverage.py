"""Does moto serve every AWS call the local stack needs? (No CLI here to run ``make up`` itself.)

The same API calls pulumi-aws makes to create and read the stack's resources, with the stack's
own values (the function's zipped code, its runtime, the pool settings, a CONFIRMED user with a
verified email), then the CognitoPasswordReset provider's reset and read, in-process.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import boto3
from moto import mock_aws

from cognito_password_reset import pool_users
from cognito_password_reset.provider import CognitoPasswordResetProvider
from stack import policy

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(ROOT / "lambdas" / "custom_message.py", "custom_message.py")
    return buffer.getvalue()


def test_moto_serves_the_whole_stack_and_a_reset() -> None:
    # scripts/local.py starts moto server with MOTO_IAM_LOAD_MANAGED_POLICIES=true, the same
    # setting: without it the role's AWSLambdaBasicExecutionRole attachment fails (NoSuchEntity).
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        iam = boto3.client("iam", region_name=REGION)
        lam = boto3.client("lambda", region_name=REGION)
        idp = boto3.client("cognito-idp", region_name=REGION)

        role = iam.create_role(RoleName="custom-message-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]
        iam.attach_role_policy(RoleName="custom-message-role",
                               PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        function = lam.create_function(FunctionName="custom-message", Runtime="python3.13", Role=role["Arn"],
                                       Handler="custom_message.handler", Code={"ZipFile": function_zip()},
                                       Timeout=5, MemorySize=128)
        assert lam.get_function(FunctionName="custom-message")["Configuration"]["State"] == "Active"

        pool = idp.create_user_pool(
            PoolName="cognito-password-reset", AutoVerifiedAttributes=["email"],
            AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            LambdaConfig={"CustomMessage": function["FunctionArn"]})["UserPool"]
        described = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
        # Read back as written: a refresh finds no drift in what the stack sets.
        assert described["LambdaConfig"] == {"CustomMessage": function["FunctionArn"]}
        assert described["AutoVerifiedAttributes"] == ["email"]
        assert described["AccountRecoverySetting"] == {"RecoveryMechanisms": [{"Name": "verified_email",
                                                                               "Priority": 1}]}

        lam.add_permission(FunctionName="custom-message", StatementId="cognito", Action="lambda:InvokeFunction",
                           Principal="cognito-idp.amazonaws.com", SourceArn=pool["Arn"])
        (statement,) = json.loads(lam.get_policy(FunctionName="custom-message")["Policy"])["Statement"]
        assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == pool["Arn"]

        # What aws.cognito.User does with a permanent password and SUPPRESS.
        idp.admin_create_user(UserPoolId=pool["Id"], Username="qa-alice", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "qa-alice@example.com"},
                                              {"Name": "email_verified", "Value": "true"}])
        idp.admin_set_user_password(UserPoolId=pool["Id"], Username="qa-alice", Password="Local-x1-9a!A",
                                    Permanent=True)
        assert idp.admin_get_user(UserPoolId=pool["Id"], Username="qa-alice")["UserStatus"] == "CONFIRMED"

        provider = CognitoPasswordResetProvider()
        props = {"user_pool_id": pool["Id"], "username": "qa-alice", "reset_on_create": True,
                 "rotation_trigger": "initial", "client_metadata": {"reason": "scheduled password rotation"}}
        created = provider.create(props)
        assert created.outs["user_status"] == "RESET_REQUIRED"
        # The second make up's refresh: Read finds the status the first run stored, so no change.
        read = provider.read(created.id, created.outs)
        assert read.outs["user_status"] == created.outs["user_status"]
        assert provider.diff(created.id, created.outs, props).changes is False

        assert policy.reset_policy([pool["Arn"]])["Statement"][0]["Resource"] == [pool["Arn"]]


def test_an_existing_pools_arn_built_from_the_caller_is_the_emulators() -> None:
    # The stack builds an existing pool's ARN from aws.get_caller_identity (STS) and the pool id;
    # in the local run that must be the ARN the emulator gives the pool, or the invoke
    # permission and resetPolicy would name another pool.
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="eu-west-1")
        pool = idp.create_user_pool(PoolName="made-elsewhere")["UserPool"]
        caller = boto3.client("sts", region_name="eu-west-1").get_caller_identity()

        assert policy.user_pool_arn(caller["Arn"], caller["Account"], pool["Id"]) == pool["Arn"]


def test_moto_serves_the_group_selection_of_the_existing_pool() -> None:
    # The local run's existing pool has a group (scripts/local.py makes it with CreateGroup and
    # AdminAddUserToGroup); the stack reads it with ListUsersInGroup at every run.
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name=REGION)
        pool_id = idp.create_user_pool(PoolName="cognito-password-reset-existing")["UserPool"]["Id"]
        idp.create_group(UserPoolId=pool_id, GroupName="contractors")
        for username in ("frank", "grace"):
            idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="contractors")
        assert pool_users(pool_id, "contractors", config={}) == ["frank", "grace"]
