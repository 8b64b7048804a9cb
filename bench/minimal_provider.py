"""The least a dynamic provider can do for a reset: the floor the provider host sets by itself.

One client, built once in ``configure()``; Create makes the same AWS calls as the real
provider's create (AdminGetUser, then AdminResetUserPassword unless the user already waits in
RESET_REQUIRED: a create re-run after a run cut short must not mail the user twice) and hands
the inputs back as outputs; Check hands the inputs back, Diff compares them with the outputs.
No validation, no error translation, no rate limit. The benchmark runs it in a provider host of
its own, next to the real provider, to tell the SDK host's cost and the AWS calls' (which no
provider can remove) from the provider's own code.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.config import Config
from pulumi.dynamic import CheckResult, ConfigureRequest, CreateResult, DiffResult, ResourceProvider


class MinimalResetProvider(ResourceProvider):
    """Inputs in, AdminGetUser and AdminResetUserPassword, inputs out."""

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def configure(self, req: ConfigureRequest) -> None:
        endpoints = json.loads(req.config.get("aws:endpoints"))
        self._client = boto3.session.Session(
            aws_access_key_id=req.config.get("aws:accessKey"),
            aws_secret_access_key=req.config.get("aws:secretKey"),
        ).client("cognito-idp", region_name=req.config.get("aws:region"),
                 endpoint_url=endpoints[0]["cognitoidp"],
                 config=Config(retries={"mode": "standard", "total_max_attempts": 10}))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=any(olds.get(k) != v for k, v in news.items() if k != "__provider"),
                          replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        user = {"UserPoolId": props["user_pool_id"], "Username": props["username"]}
        if self._client.admin_get_user(**user)["UserStatus"] != "RESET_REQUIRED":
            self._client.admin_reset_user_password(**user)
        return CreateResult(f"{props['user_pool_id']}/{props['username']}", props)
