"""The stack: a user pool, its custom-message trigger, and one password reset per account.

Wiring only. Config is read and checked by ``stack.config`` (every bad key is reported at
preview, before anything is created); the function's code is ``lambdas/custom_message.py``;
the IAM document for whoever runs the resets comes from ``stack.policy``. Everything but the
resets is pulumi-aws; the resets are ``CognitoPasswordReset`` (``cognito_password_reset``).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from cognito_password_reset import CognitoPasswordReset
from stack import config as stack_config
from stack import policy

FUNCTION_CODE = "lambdas/custom_message.py"
"""Relative to the project root, where Pulumi runs the program: the state stays portable."""
FUNCTION_RUNTIME = aws.lambda_.Runtime.PYTHON3D13

config = pulumi.Config()
try:
    settings = stack_config.load(
        config.get,
        has_test_account_password=config.get_secret(stack_config.TEST_ACCOUNT_PASSWORD) is not None,
    )
except stack_config.StackConfigError as exc:
    # RunError: the sentences, without a Python traceback around them.
    raise pulumi.RunError(str(exc)) from None

# The custom-message function: its own code only, basic execution (CloudWatch Logs) only.
role = aws.iam.Role(
    "custom-message-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"Service": "lambda.amazonaws.com"}}],
    }),
)
logs = aws.iam.RolePolicyAttachment(
    "custom-message-logs",
    role=role.name,
    policy_arn=aws.iam.ManagedPolicy.AWS_LAMBDA_BASIC_EXECUTION_ROLE,
)
function = aws.lambda_.Function(
    "custom-message",
    runtime=FUNCTION_RUNTIME,
    handler="custom_message.handler",
    code=pulumi.AssetArchive({"custom_message.py": pulumi.FileAsset(FUNCTION_CODE)}),
    role=role.arn,
    timeout=5,  # Cognito waits 5 s for a trigger; longer would never be used
    memory_size=128,
    opts=pulumi.ResourceOptions(depends_on=[logs]),
)

pool = aws.cognito.UserPool(
    "user-pool",
    name=settings.user_pool_name,
    auto_verified_attributes=["email"],
    account_recovery_setting={"recovery_mechanisms": [{"name": "verified_email", "priority": 1}]},
    lambda_config={"custom_message": function.arn},
)
invoke = aws.lambda_.Permission(
    "custom-message-invoke",
    action="lambda:InvokeFunction",
    function=function.name,
    principal="cognito-idp.amazonaws.com",
    source_arn=pool.arn,
)

password = config.get_secret(stack_config.TEST_ACCOUNT_PASSWORD)
resets: dict[str, CognitoPasswordReset] = {}
for account in settings.accounts:
    # A reset runs the trigger, so it waits for Cognito's permission to invoke it.
    depends_on: list[pulumi.Resource] = [invoke]
    if account.create:
        attributes = {"email": account.email, "email_verified": "true"}
        if account.name:
            attributes["name"] = account.name
        # A permanent password makes the user CONFIRMED (AdminSetUserPassword, Permanent=true):
        # a user left in FORCE_CHANGE_PASSWORD cannot be reset. SUPPRESS: no invitation mail.
        depends_on.append(aws.cognito.User(
            f"user-{account.username}",
            user_pool_id=pool.id,
            username=account.username,
            attributes=attributes,
            password=password,
            message_action="SUPPRESS",
        ))
    resets[account.username] = CognitoPasswordReset(
        f"reset-{account.username}",
        user_pool_id=pool.id,
        # The plain username, not the user's output: preview then always knows it, and shows
        # a rotation as an update of exactly the accounts whose trigger changed.
        username=account.username,
        client_metadata=account.client_metadata,
        rotation_trigger=account.rotation_trigger,
        opts=pulumi.ResourceOptions(depends_on=depends_on),
    )

pulumi.export("userPoolId", pool.id)
pulumi.export("userPoolArn", pool.arn)
pulumi.export("customMessageFunctionName", function.name)
pulumi.export("resets", {name: {"resetAt": r.reset_at, "userStatus": r.user_status} for name, r in resets.items()})
pulumi.export("resetPolicy", pool.arn.apply(policy.reset_policy_json))
