"""aws:assumeRoles through the real provider host: the resets reach the role's account.

moto maps the credentials sts:AssumeRole returns to the role's account, so a pool made in
account 111111111111 is invisible to the host's base credentials (moto's default account) and
reachable only through the role. The proxy stands in front of moto for Cognito *and* STS
(aws:endpoints' sts entry), so the AssumeRole call itself is in its records.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import boto3
import pytest

from tests.cognito_pool import Pool, new_pool

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, HostError
from .servers import REGION, Moto

ROLE = "arn:aws:iam::111111111111:role/x"
EXTERNAL_ID = "external-id-canary-77c1"


def pool_in_role_account(moto: Moto) -> Pool:
    """A pool with a CONFIRMED user alice, made with the role's credentials (account 111111111111)."""
    sts = boto3.client("sts", region_name=REGION, endpoint_url=moto.url,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="arrange")["Credentials"]
    client = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto.url,
                          aws_access_key_id=credentials["AccessKeyId"],
                          aws_secret_access_key=credentials["SecretAccessKey"],
                          aws_session_token=credentials["SessionToken"])
    pool = new_pool(client)
    pool.user("alice")
    return pool


def config(proxy: FaultProxy, roles: list[dict[str, str]] | None) -> dict[str, str]:
    result = {"aws:endpoints": json.dumps([{"cognitoidp": proxy.url, "sts": proxy.url}])}
    if roles is not None:
        result["aws:assumeRoles"] = json.dumps(roles)
    return result


@pytest.fixture
def role_pool(moto: Moto) -> Pool:
    moto.reset()
    return pool_in_role_account(moto)


def test_resets_go_through_the_assumed_role(role_pool: Pool, proxy: FaultProxy, launch: Launch,
                                            declare: Callable[..., Goal]) -> None:
    launched = launch(None, config=config(proxy, [{"roleArn": ROLE, "sessionName": "pulumi-resets",
                                                    "externalId": EXTERNAL_ID}]),
                      secret_config=["aws:assumeRoles"])
    stack = launched.stack
    goal = declare("r", user_pool_id=role_pool.id, username="alice")

    assert stack.up(goal).op == "create"
    assert role_pool.status("alice") == "RESET_REQUIRED"
    assume = proxy.forwarded("AssumeRole")
    assert len(assume) == 1, "one session for the whole run, refreshed by botocore only near expiry"
    assert assume[0].form()["RoleArn"] == ROLE
    assert assume[0].form()["RoleSessionName"] == "pulumi-resets"
    assert assume[0].form()["ExternalId"] == EXTERNAL_ID
    (reset,) = proxy.forwarded("AdminResetUserPassword")
    assert "Credential=testing/" not in reset.headers["Authorization"]  # signed as the role, not the base keys
    assert reset.at > assume[0].at

    refreshed = stack.refresh("r")
    assert refreshed is not None and refreshed.outputs["user_status"] == "RESET_REQUIRED"
    assert len(proxy.forwarded("AssumeRole")) == 1  # the session is reused
    # Nothing of the role is kept in state or printed.
    provider = base64.b64decode(stack["r"].outputs["__provider"])
    assert ROLE.encode() not in provider and EXTERNAL_ID.encode() not in provider
    assert EXTERNAL_ID not in launched.stderr()


def test_without_the_role_the_same_pool_is_not_found(role_pool: Pool, proxy: FaultProxy, launch: Launch,
                                                     declare: Callable[..., Goal]) -> None:
    stack = launch(None, config=config(proxy, None)).stack
    with pytest.raises(HostError) as failed:
        stack.up(declare("r", user_pool_id=role_pool.id, username="alice"))
    assert "the user pool does not exist in this account and region" in failed.value.sentence
    assert proxy.forwarded("AssumeRole") == []
    assert role_pool.status("alice") == "CONFIRMED"


def test_a_malformed_role_fails_the_first_check_so_preview_reports_it(
        role_pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    # The host configures a provider when it first meets it, at the first Check of a preview.
    stack = launch(None, config=config(proxy, [{"roleArn": "x", "externalId": EXTERNAL_ID}])).stack
    with pytest.raises(HostError) as failed:
        stack.preview(declare("r", user_pool_id=role_pool.id, username="alice"))
    assert failed.value.method == "Check"
    assert failed.value.sentence == (
        "CognitoPasswordReset: stack config aws:assumeRoles[0].roleArn is 'x', not an IAM role ARN; set it to "
        "the ARN of the role to assume, such as arn:aws:iam::123456789012:role/deploy")
    assert EXTERNAL_ID not in failed.value.details
    assert proxy.requests == []
