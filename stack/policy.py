"""The least-privilege IAM policy for whoever runs ``pulumi up`` for the resets.

Exactly the Cognito actions the CognitoPasswordReset provider calls, as the package states
them (``cognito_password_reset.IAM_ACTIONS``): AdminResetUserPassword to reset, AdminGetUser to
read the user's status on refresh, on every pool the stack resets (the one it creates and each
existing one), each by its own ARN; and AdminUserGlobalSignOut only on the pools where some
account's resets sign the user out (``globalSignOut``), since elsewhere the provider never calls
it. A test runs the provider through create, update and read and fails if it ever calls anything
else. pulumi-aws's own resources (pool, function, role) need more; this document scopes only what
a GitOps pipeline needs to rotate passwords.

An existing pool whose users are selected by Cognito (``group``, ``allUsers``) also needs the
list call that reads them (``SELECTION_IAM_ACTIONS``): in a statement of its own, on the ARNs
of the pools that select that way only, never on ``*``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cognito_password_reset import SELECTION_IAM_ACTIONS
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


SELECTION_SIDS = {"group": "CognitoPasswordResetSelectGroup", "allUsers": "CognitoPasswordResetSelectAllUsers"}
"""A statement id per way of selecting (SELECTION_IAM_ACTIONS' keys)."""


def reset_policy(user_pool_arns: Sequence[str], selecting: Mapping[str, Sequence[str]] | None = None,
                 sign_out_pool_arns: Sequence[str] = ()) -> dict[str, Any]:
    """The policy document allowing the resets on ``user_pool_arns``, the sign-outs on
    ``sign_out_pool_arns`` (the pools whose resets sign users out), and for each way of selecting
    in ``selecting`` (``group`` or ``allUsers`` -> the ARNs of the pools selecting so) its list
    call on those pools only; nothing else."""
    statements: list[dict[str, Any]] = [{
        "Sid": "CognitoPasswordReset",
        "Effect": "Allow",
        "Action": list(RESET_IAM_ACTIONS),
        "Resource": list(user_pool_arns),
    }]
    if sign_out_pool_arns:
        statements.append({"Sid": "CognitoPasswordResetSignOut", "Effect": "Allow",
                           "Action": list(SIGN_OUT_IAM_ACTIONS), "Resource": list(sign_out_pool_arns)})
    for kind, action in SELECTION_IAM_ACTIONS.items():
        if arns := list((selecting or {}).get(kind, ())):
            statements.append({"Sid": SELECTION_SIDS[kind], "Effect": "Allow", "Action": [action], "Resource": arns})
    return {"Version": "2012-10-17", "Statement": statements}


def reset_policy_json(user_pool_arns: Sequence[str], selecting: Mapping[str, Sequence[str]] | None = None,
                      sign_out_pool_arns: Sequence[str] = ()) -> str:
    """``reset_policy`` as the JSON text IAM takes (stable key order, so it diffs cleanly)."""
    return json.dumps(reset_policy(user_pool_arns, selecting, sign_out_pool_arns), indent=2)
