"""Example stack: reset one existing Cognito user whenever the rotation trigger changes.

    pulumi config set userPoolId us-east-1_AbCdEf123
    pulumi config set username alice
    pulumi config set rotationTrigger 2026-11-27
"""

import pulumi

from dynamic_providers import CognitoPasswordReset

config = pulumi.Config()
reset = CognitoPasswordReset(
    "example-reset",
    user_pool_id=config.require("userPoolId"),
    username=config.require("username"),
    rotation_trigger=config.get("rotationTrigger"),
    client_metadata={"reason": "scheduled rotation"},
)
pulumi.export("reset_at", reset.reset_at)
pulumi.export("user_status", reset.user_status)
