"""The stack: a user pool, its custom-message trigger, and one password reset per account.

Wiring only. Config is read and checked by ``stack.config`` (every bad key is reported at
preview, before anything is created); the function's code is ``lambdas/custom_message.py``;
the IAM document for whoever runs the resets comes from ``stack.policy``; the mail warning
from ``stack.mail``. Everything but the resets is pulumi-aws; the resets are
``CognitoPasswordReset`` (``cognito_password_reset``).

Pools: the one the stack creates (unless ``createUserPool`` is false), with its trigger, its
test accounts and its existing users; and each of ``existingPools``, made elsewhere, where the
stack only resets the listed users and those Cognito selects (a group's members, or the pool's
users), read from Cognito at every preview and up (and, when the entry opts in, lets the pool
invoke the function).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

from cognito_password_reset import (
    SELECTION_IAM_ACTIONS,
    CognitoPasswordReset,
    CognitoPasswordResetError,
    pool_users,
    schedule,
)
from stack import config as stack_config
from stack import mail, policy
from stack.reading import Account

FUNCTION_CODE = "lambdas/custom_message.py"
"""Relative to the project root, where Pulumi runs the program: the state stays portable."""
FUNCTION_RUNTIME = aws.lambda_.Runtime.PYTHON3D13
PROJECT_ROOT = Path(__file__).resolve().parent
"""testAccountsFile is relative to this folder (the one with Pulumi.yaml)."""
TODAY = datetime.datetime.now(datetime.timezone.utc).date()
"""The program's UTC day, for the order it declares scheduled resets in (the provider keeps its own clock)."""

config = pulumi.Config()
password = config.get_secret(stack_config.TEST_ACCOUNT_PASSWORD)
try:
    settings = stack_config.load(config.get, has_test_account_password=password is not None, root=PROJECT_ROOT)
except stack_config.StackConfigError as exc:
    # RunError: the sentences, without a Python traceback around them.
    raise pulumi.RunError(str(exc)) from None

# The members of existingPools' groups and allUsers selections, read before anything is declared,
# with the provider's own AWS settings (aws:endpoints, aws:profile, roles...): a read that fails
# stops the program here: a member is never taken for gone, which would delete its resource.
try:
    members = {
        existing.user_pool_id: pool_users(existing.user_pool_id, existing.selection.group,
                                          existing.selection.filter)  # the program's stack config
        for existing in settings.existing_pools if existing.selection is not None
    }
except CognitoPasswordResetError as exc:
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


def invoke_permission(name: str, source_arn: pulumi.Input[str]) -> aws.lambda_.Permission:
    """Cognito may invoke the function for this one pool (source ARN), nobody else."""
    return aws.lambda_.Permission(
        name,
        action="lambda:InvokeFunction",
        function=function.name,
        principal="cognito-idp.amazonaws.com",
        source_arn=source_arn,
    )


def reset(name: str, user_pool_id: pulumi.Input[str], account: Account,
          depends_on: list[pulumi.Resource]) -> CognitoPasswordReset:
    return CognitoPasswordReset(
        name,
        user_pool_id=user_pool_id,
        # The plain username, not the user's output: preview then always knows it, and shows
        # a rotation as an update of exactly the accounts whose trigger changed.
        username=account.username,
        client_metadata=account.client_metadata,
        rotation_trigger=account.rotation_trigger,
        rotate_after_days=account.rotate_after_days,  # None: no schedule, the key is not sent
        reset_on_create=account.reset_on_create,  # False for a selected member: adopted, not mailed
        global_sign_out=account.global_sign_out,
        opts=pulumi.ResourceOptions(depends_on=depends_on),
    )


pool_arns: list[pulumi.Output[str]] = []
selecting_arns: dict[str, list[pulumi.Output[str]]] = {kind: [] for kind in SELECTION_IAM_ACTIONS}
sign_out_pool_arns: list[pulumi.Output[str]] = []  # where some account's resets sign out: only there is it granted
resets: dict[str, CognitoPasswordReset] = {}

if settings.create_user_pool:
    email_configuration = None
    if settings.ses is not None:
        # DEVELOPER: Cognito sends through this SES identity, with SES's quotas (thousands a day).
        email_configuration = aws.cognito.UserPoolEmailConfigurationArgs(
            email_sending_account="DEVELOPER",
            source_arn=settings.ses.source_arn,
            from_email_address=settings.ses.from_address,
        )
    elif (warning := mail.default_sender_warning(
            "The user pool the stack creates", len(settings.accounts), settings.max_resets_per_run,
            scheduled=any(a.rotate_after_days is not None for a in settings.accounts))):
        pulumi.log.warn(warning)
    pool = aws.cognito.UserPool(
        "user-pool",
        name=settings.user_pool_name,
        auto_verified_attributes=["email"],
        account_recovery_setting={"recovery_mechanisms": [{"name": "verified_email", "priority": 1}]},
        lambda_config={"custom_message": function.arn},
        email_configuration=email_configuration,
    )
    invoke = invoke_permission("custom-message-invoke", pool.arn)
    pool_arns.append(pool.arn)
    if any(account.global_sign_out for account in settings.accounts):
        sign_out_pool_arns.append(pool.arn)

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
        resets[account.username] = reset(f"reset-{account.username}", pool.id, account, depends_on)
    pulumi.export("userPoolId", pool.id)
    pulumi.export("userPoolArn", pool.arn)

existing_resets: dict[str, dict[str, CognitoPasswordReset]] = {}
if settings.existing_pools:
    # The pools' ARNs need the account: the one these credentials reach, which is where the
    # provider's resets go too (same stack config). Asked once, only when there are such pools.
    caller = aws.get_caller_identity_output()
    # Every pool's accounts, selected members included, are gathered before any is declared: the
    # grants follow the accounts declared, and the order is one across pools (below).
    declared: list[tuple[str, Account, list[pulumi.Resource]]] = []
    for existing in settings.existing_pools:
        arn = pulumi.Output.all(caller.arn, caller.account_id).apply(
            lambda parts, pool_id=existing.user_pool_id: policy.user_pool_arn(parts[0], parts[1], pool_id))
        pool_arns.append(arn)
        found = members.get(existing.user_pool_id, [])
        if existing.selection is not None:
            selecting_arns[existing.selection.kind].append(arn)
            for warning in existing.override_warnings(found):
                pulumi.log.warn(warning)
        accounts = existing.with_members(found)
        if any(account.global_sign_out for account in accounts):
            sign_out_pool_arns.append(arn)
        after: list[pulumi.Resource] = []
        if existing.allow_custom_message_invoke:
            # Only the permission: attaching the trigger is a change to the pool, which is not ours.
            after.append(invoke_permission(f"custom-message-invoke-{existing.user_pool_id}", arn))
        declared.extend((existing.user_pool_id, account, after) for account in accounts)
        existing_resets[existing.user_pool_id] = {}
    # Longest waiting first, across the pools: past maxResetsPerRun (one count for the whole run)
    # the first users asked about get the run's scheduled slots, so the backlog is served in order
    # and nobody waits forever, in whichever pool.
    order = schedule.longest_waiting_first(
        [(pool_id, account.username, account.rotate_after_days) for pool_id, account, _ in declared], TODAY)
    for pool_id, account, after in (declared[i] for i in order):
        existing_resets[pool_id][account.username] = reset(f"reset-{pool_id}-{account.username}", pool_id,
                                                           account, after)

def _outputs(found: dict[str, CognitoPasswordReset]) -> dict[str, dict[str, pulumi.Output[str | None]]]:
    return {name: {"resetAt": r.reset_at, "userStatus": r.user_status} for name, r in found.items()}


pulumi.export("customMessageFunctionName", function.name)
pulumi.export("customMessageFunctionArn", function.arn)
pulumi.export("resets", _outputs(resets))
pulumi.export("existingPoolResets", {pool_id: _outputs(found) for pool_id, found in existing_resets.items()})
pulumi.export("resetPolicy", pulumi.Output.from_input(
    {"pools": pool_arns, "selecting": selecting_arns, "signingOut": sign_out_pool_arns}).apply(
    lambda arns: policy.reset_policy_json(arns["pools"], arns["selecting"], arns["signingOut"])))
