"""The least-privilege IAM policy for whoever runs ``pulumi up`` for the resets.

Exactly the Cognito actions the CognitoPasswordReset provider calls, as the package states
them (``cognito_password_reset.IAM_ACTIONS``): AdminResetUserPassword to reset, AdminGetUser to
read the user's status on refresh, on every pool the stack resets (the one it creates and each
existing one), each by its own ARN; and AdminUserGlobalSignOut only on the pools where some
account's resets sign the user out (``globalSignOut``), since elsewhere the provider never calls
it. A test runs the provider through create, update and read and fails if it ever calls anything
else. pulumi-aws's own resources (pool, function, role) need more; this document scopes only what
a GitOps pipeline needs to rotate passwords.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cognito_password_reset.regions import region_of
from cognito_password_reset.schema import RESET_IAM_ACTIONS, SIGN_OUT_IAM_ACTIONS


def user_pool_arn(caller_arn: str, account_id: str, user_pool_id: str) -> str:
    """An existing pool's ARN: its region from the id, partition and account from the caller.

    ``caller_arn`` is the ARN the credentials resolve to (``aws.get_caller_identity``), whose
    partition (aws, aws-cn, aws-us-gov) is the pool's: the provider resets with the same
    credentials, so the pool is in that account.
    """
    partition = caller_arn.split(":")[1]
    return f"arn:{partition}:cognito-idp:{region_of(user_pool_id)}:{account_id}:userpool/{user_pool_id}"


def reset_policy(user_pool_arns: Sequence[str], sign_out_pool_arns: Sequence[str] = ()) -> dict[str, Any]:
    """The policy document allowing the resets on ``user_pool_arns``, and the sign-outs on
    ``sign_out_pool_arns`` (the pools whose resets sign users out), and nothing else."""
    statements = [{
        "Sid": "CognitoPasswordReset",
        "Effect": "Allow",
        "Action": list(RESET_IAM_ACTIONS),
        "Resource": list(user_pool_arns),
    }]
    if sign_out_pool_arns:
        statements.append({
            "Sid": "CognitoPasswordResetSignOut",
            "Effect": "Allow",
            "Action": list(SIGN_OUT_IAM_ACTIONS),
            "Resource": list(sign_out_pool_arns),
        })
    return {"Version": "2012-10-17", "Statement": statements}


def reset_policy_json(user_pool_arns: Sequence[str], sign_out_pool_arns: Sequence[str] = ()) -> str:
    """``reset_policy`` as the JSON text IAM takes (stable key order, so it diffs cleanly)."""
    return json.dumps(reset_policy(user_pool_arns, sign_out_pool_arns), indent=2)
