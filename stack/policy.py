"""The least-privilege IAM policy for whoever runs ``pulumi up`` for the resets.

Exactly the Cognito actions the CognitoPasswordReset provider calls, as the package states
them (``cognito_password_reset.IAM_ACTIONS``): AdminResetUserPassword to reset, AdminGetUser to
read the user's status on refresh. A test runs the provider through create, update and read and fails
if it ever calls anything else. pulumi-aws's own resources (pool, function, role) need more;
this document scopes only what a GitOps pipeline needs to rotate passwords.
"""

from __future__ import annotations

import json
from typing import Any

from cognito_password_reset import IAM_ACTIONS


def reset_policy(user_pool_arn: str) -> dict[str, Any]:
    """The policy document allowing the resets on one pool, and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CognitoPasswordReset",
            "Effect": "Allow",
            "Action": list(IAM_ACTIONS),
            "Resource": user_pool_arn,
        }],
    }


def reset_policy_json(user_pool_arn: str) -> str:
    """``reset_policy`` as the JSON text IAM takes (stable key order, so it diffs cleanly)."""
    return json.dumps(reset_policy(user_pool_arn), indent=2)
