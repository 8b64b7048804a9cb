"""aws:assumeRoles and aws:assumeRoleWithWebIdentity: read as pulumi-aws reads them, refused at
configure when malformed, and honoured against moto in-process (moto maps an assumed role's
credentials to the role's account, so a pool in another account is reachable only through it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pulumi.dynamic import Config, ConfigureRequest

from cognito_password_reset import CognitoPasswordResetError, cognito, schema
from cognito_password_reset.cognito import AwsSettings, ClientCache, Cognito, Target
from cognito_password_reset.errors import ConfigError
from cognito_password_reset.provider import CognitoPasswordResetProvider
from cognito_password_reset.roles import AssumeRole, RoleChain, WebIdentityRole
from tests.cognito_pool import Pool, new_pool

from .conftest import REGION

ROLE_A = "arn:aws:iam::111111111111:role/deploy"
ROLE_B = "arn:aws:iam::222222222222:role/resets"
ROLE_W = "arn:aws:iam::333333333333:role/ci"
SECRET = "external-id-canary-5e1d"
DURATION = ("must be a duration from 15m to 12h, such as 1h or 90m "
            "(or durationSeconds, a whole number of seconds from 900 to 43200)")


def chain(config: dict[str, Any]) -> RoleChain:
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    return RoleChain.from_config(raw.get)


def test_every_pulumi_aws_key_of_assume_roles_reaches_sts() -> None:
    roles = chain({"aws:assumeRoles": [
        {"roleArn": ROLE_A, "sessionName": "pipeline", "externalId": SECRET, "duration": "1h30m",
         "policy": '{"Version": "2012-10-17"}', "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
         "tags": {"team": "ops"}, "transitiveTagKeys": ["team"], "sourceIdentity": "ci"},
        {"roleArn": ROLE_B, "durationSeconds": 900},
    ]})
    first, second = roles.assume_roles
    assert first.sts_arguments() == {
        "RoleSessionName": "pipeline", "ExternalId": SECRET, "DurationSeconds": 5400,
        "Policy": '{"Version": "2012-10-17"}', "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Tags": [{"Key": "team", "Value": "ops"}], "TransitiveTagKeys": ["team"], "SourceIdentity": "ci"}
    assert (second.role_arn, second.sts_arguments()) == (ROLE_B, {"DurationSeconds": 900})
    assert roles.web_identity is None and bool(roles)


def test_web_identity_keys() -> None:
    roles = chain({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "sessionName": "gha",
                                                      "webIdentityToken": "token-canary", "duration": "15m"}})
    assert roles.web_identity == WebIdentityRole(ROLE_W, "gha", "token-canary", None, 900)
    assert roles.web_identity.token() == "token-canary"
    assert roles.web_identity.sts_arguments() == {"RoleSessionName": "gha", "DurationSeconds": 900}


def test_web_identity_policies_reach_sts() -> None:
    roles = chain({"aws:assumeRoleWithWebIdentity": {
        "roleArn": ROLE_W, "webIdentityTokenFile": "/ci/token", "policy": '{"Version": "2012-10-17"}',
        "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}})
    assert roles.web_identity is not None
    assert roles.web_identity.sts_arguments() == {
        "Policy": '{"Version": "2012-10-17"}', "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}


def test_no_role_config_is_no_chain() -> None:
    assert not chain({}) and not chain({"aws:assumeRoles": []}) and chain({}) == RoleChain()
    # An empty value (`pulumi config set aws:assumeRoles ""`) is unset, as in pulumi-aws.
    assert chain({"aws:assumeRoles": "", "aws:assumeRoleWithWebIdentity": ""}) == RoleChain()


@pytest.mark.parametrize(("keys", "arguments"), [
    ({"duration": "12h"}, {"DurationSeconds": 43200}),  # both bounds are allowed
    ({"durationSeconds": 43200}, {"DurationSeconds": 43200}),
    ({"duration": "15m"}, {"DurationSeconds": 900}),
    # An empty value is unset, never a malformed one.
    ({"duration": "", "durationSeconds": 1800}, {"DurationSeconds": 1800}),
    ({"durationSeconds": ""}, {}),
    ({"sessionName": "", "externalId": "", "policy": "", "sourceIdentity": ""}, {}),
])
def test_role_values_at_the_edges(keys: dict[str, Any], arguments: dict[str, Any]) -> None:
    (role,) = chain({"aws:assumeRoles": [{"roleArn": ROLE_A, **keys}]}).assume_roles
    assert role.sts_arguments() == arguments


@pytest.mark.parametrize(("config", "expected"), [
    ({"aws:assumeRoles": {"roleArn": ROLE_A}},
     "stack config aws:assumeRoles must be a list of maps, one per role to assume in order, for example "
     "[{roleArn: arn:aws:iam::123456789012:role/deploy}]; got a map"),
    ({"aws:assumeRoles": "[{roleArn: "},
     "stack config aws:assumeRoles is not valid JSON/YAML; set it in Pulumi.<stack>.yaml as pulumi-aws documents it"),
    ({"aws:assumeRoles": [ROLE_A]},
     "stack config aws:assumeRoles[0] must be a map with at least roleArn, for example "
     "{roleArn: arn:aws:iam::123456789012:role/deploy}; got a string"),
    ({"aws:assumeRoles": [None]},
     "stack config aws:assumeRoles[0] must be a map with at least roleArn, for example "
     "{roleArn: arn:aws:iam::123456789012:role/deploy}; got a null value"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A}, {"externalId": SECRET}]},
     "stack config aws:assumeRoles[1].roleArn is missing; set it to the ARN of the role to assume, such as "
     "arn:aws:iam::123456789012:role/deploy"),
    ({"aws:assumeRoles": [{"roleArn": "deploy", "externalId": SECRET}]},
     "stack config aws:assumeRoles[0].roleArn is 'deploy', not an IAM role ARN; set it to the ARN of the role "
     "to assume, such as arn:aws:iam::123456789012:role/deploy"),
    ({"aws:assumeRoles": [{"roleArn": "arn:aws:iam::1234:user/x"}]},
     "stack config aws:assumeRoles[0].roleArn is 'arn:aws:iam::1234:user/x', not an IAM role ARN"),
    ({"aws:assumeRoles": [{"role_arn": ROLE_A, "externalId": SECRET}]},
     "stack config aws:assumeRoles[0] has the key 'role_arn', which pulumi-aws does not read; use only "
     "duration, durationSeconds, externalId, policy, policyArns, roleArn, sessionName, sourceIdentity, tags, "
     "transitiveTagKeys"),
    ({"aws:assumeRoles": [{"roleArn": "", "externalId": SECRET}]},
     "stack config aws:assumeRoles[0].roleArn is missing; set it to the ARN of the role to assume, such as "
     "arn:aws:iam::123456789012:role/deploy"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "duration": "2d"}]},
     "stack config aws:assumeRoles[0].duration must be a duration from 15m to 12h, such as 1h or 90m"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "duration": "5m"}]},
     "stack config aws:assumeRoles[0].duration must be a duration from 15m to 12h"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "durationSeconds": "3600"}]},
     "stack config aws:assumeRoles[0].duration must be a duration from 15m to 12h"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "duration": "1h30"}]},  # a number without its unit
     "stack config aws:assumeRoles[0].duration " + DURATION),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "duration": 3600}]},
     "stack config aws:assumeRoles[0].duration " + DURATION),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "duration": "12h1s"}]},
     "stack config aws:assumeRoles[0].duration " + DURATION),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "sessionName": "x"}]},
     "stack config aws:assumeRoles[0].sessionName must be 2 to 64 letters, digits or +=,.@-"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "externalId": 12345}]},
     "stack config aws:assumeRoles[0].externalId must be a string but is a number; quote it"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "externalId": 1.5}]},
     "stack config aws:assumeRoles[0].externalId must be a string but is a number; quote it"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "externalId": True}]},
     "stack config aws:assumeRoles[0].externalId must be a string but is a boolean; quote it"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "sessionName": 42}]},
     "stack config aws:assumeRoles[0].sessionName must be a string but is a number; quote it"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "policy": {"Version": "2012-10-17"}}]},
     "stack config aws:assumeRoles[0].policy must be a string but is a map; quote it"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "sourceIdentity": ["ci"]}]},
     "stack config aws:assumeRoles[0].sourceIdentity must be a string but is a list; quote it"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "transitiveTagKeys": "team"}]},
     "stack config aws:assumeRoles[0].transitiveTagKeys must be a list of strings"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "tags": ["team"]}]},
     "stack config aws:assumeRoles[0].tags must be a map of strings"),
    ({"aws:assumeRoles": [{"roleArn": ROLE_A, "policyArns": "arn:aws:iam::aws:policy/X"}]},
     "stack config aws:assumeRoles[0].policyArns must be a list of strings"),
    ({"aws:assumeRoleWithWebIdentity": [{"roleArn": ROLE_W}]},
     "stack config aws:assumeRoleWithWebIdentity must be a map, for example "
     "{roleArn: arn:aws:iam::123456789012:role/deploy, webIdentityTokenFile: /path/to/token}; got a list"),
    ({"aws:assumeRoleWithWebIdentity": "{roleArn: "},
     "stack config aws:assumeRoleWithWebIdentity is not valid JSON/YAML; set it in Pulumi.<stack>.yaml as "
     "pulumi-aws documents it"),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityToken": 42}},
     "stack config aws:assumeRoleWithWebIdentity.webIdentityToken must be a string but is a number; quote it"),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityTokenFile": False}},
     "stack config aws:assumeRoleWithWebIdentity.webIdentityTokenFile must be a string but is a boolean; quote it"),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityToken": SECRET, "sessionName": "x"}},
     "stack config aws:assumeRoleWithWebIdentity.sessionName must be 2 to 64 letters, digits or +=,.@- "
     "(STS's rule for a session name); got 'x'"),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityToken": SECRET, "duration": "5m"}},
     "stack config aws:assumeRoleWithWebIdentity.duration " + DURATION),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityToken": SECRET, "policy": 1}},
     "stack config aws:assumeRoleWithWebIdentity.policy must be a string but is a number; quote it"),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityToken": SECRET, "policyArns": "arn"}},
     "stack config aws:assumeRoleWithWebIdentity.policyArns must be a list of strings"),
    ({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W}},
     "stack config aws:assumeRoleWithWebIdentity needs webIdentityToken or webIdentityTokenFile"),
    ({"aws:assumeRoleWithWebIdentity": {"webIdentityToken": SECRET}},
     "stack config aws:assumeRoleWithWebIdentity.roleArn is missing"),
])
def test_a_bad_shape_fails_configure_with_one_sentence_naming_the_key(config: dict[str, Any],
                                                                      expected: str) -> None:
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    with pytest.raises(ConfigError) as raised:
        CognitoPasswordResetProvider().configure(ConfigureRequest(Config(raw_config=raw, project_name="p")))
    text = str(raised.value)
    assert text.startswith(f"CognitoPasswordReset: {expected}"), text
    assert text.count(". ") == 0 and "\n" not in text
    assert SECRET not in text


def test_role_settings_are_part_of_the_client_cache_key_but_never_of_repr_or_state() -> None:
    from pulumi.dynamic.dynamic import serialize_provider

    a = AwsSettings(roles=RoleChain(assume_roles=(AssumeRole(ROLE_A, external_id=SECRET),)))
    b = AwsSettings(roles=RoleChain(assume_roles=(AssumeRole(ROLE_B, external_id=SECRET),)))
    assert Target(REGION, a) != Target(REGION, b) != Target(REGION, AwsSettings())
    web = AwsSettings(roles=RoleChain(web_identity=WebIdentityRole(ROLE_W, web_identity_token=SECRET)))
    for settings in (a, web):
        assert SECRET not in repr(Target(REGION, settings))

    provider = CognitoPasswordResetProvider()
    provider.configure(ConfigureRequest(Config(raw_config={
        "aws:assumeRoles": json.dumps([{"roleArn": ROLE_A, "externalId": SECRET}])}, project_name="p")))
    assert serialize_provider(provider) == serialize_provider(CognitoPasswordResetProvider())


# --- against moto in-process ------------------------------------------------------------------

@pytest.fixture
def aws() -> Iterator[None]:
    cognito.CLIENTS.clear()
    with mock_aws():
        yield
    cognito.CLIENTS.clear()


def pool_in(account_role: str) -> Pool:
    """A pool (with a CONFIRMED user alice) in the account of ``account_role``."""
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=account_role, RoleSessionName="arrange")["Credentials"]
    client = boto3.client("cognito-idp", region_name=REGION, aws_access_key_id=credentials["AccessKeyId"],
                          aws_secret_access_key=credentials["SecretAccessKey"],
                          aws_session_token=credentials["SessionToken"])
    pool = new_pool(client)
    pool.user("alice")
    return pool


def identity(settings: AwsSettings) -> str:
    """The ARN the provider's client signs as (its credentials, asked of STS)."""
    frozen = cognito._new_client(Target(REGION, settings))._request_signer._credentials.get_frozen_credentials()
    sts = boto3.client("sts", region_name=REGION, aws_access_key_id=frozen.access_key,
                       aws_secret_access_key=frozen.secret_key, aws_session_token=frozen.token)
    return str(sts.get_caller_identity()["Arn"])


@pytest.mark.usefixtures("aws")
def test_a_pool_in_the_roles_account_is_reached_only_through_the_role() -> None:
    pool = pool_in(ROLE_A)
    base = AwsSettings()
    assumed = AwsSettings(roles=chain({"aws:assumeRoles": [{"roleArn": ROLE_A, "sessionName": "resets"}]}))

    assert Cognito(base).user_status(pool.id, "alice") == schema.POOL_NOT_FOUND
    assert Cognito(assumed).user_status(pool.id, "alice") == "CONFIRMED"
    Cognito(assumed).reset_password(pool.id, "alice", None)
    assert pool.status("alice") == "RESET_REQUIRED"


@pytest.mark.usefixtures("aws")
def test_roles_are_chained_in_order() -> None:
    settings = AwsSettings(roles=chain({"aws:assumeRoles": [{"roleArn": ROLE_A, "sessionName": "first"},
                                                            {"roleArn": ROLE_B, "sessionName": "second"}]}))
    assert identity(settings) == "arn:aws:sts::222222222222:assumed-role/resets/second"


@pytest.mark.usefixtures("aws")
def test_web_identity_from_a_token_file_then_the_list(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("oidc-token-from-ci\n")
    web = {"roleArn": ROLE_W, "sessionName": "gha", "webIdentityTokenFile": str(token)}
    assert identity(AwsSettings(roles=chain({"aws:assumeRoleWithWebIdentity": web}))) == \
        "arn:aws:sts::333333333333:assumed-role/ci/gha"
    both = chain({"aws:assumeRoleWithWebIdentity": web, "aws:assumeRoles": [{"roleArn": ROLE_B, "sessionName": "bb"}]})
    assert identity(AwsSettings(roles=both)) == "arn:aws:sts::222222222222:assumed-role/resets/bb"


@pytest.mark.usefixtures("aws")
def test_an_unreadable_token_file_is_one_sentence(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    settings = AwsSettings(roles=chain({"aws:assumeRoleWithWebIdentity": {
        "roleArn": ROLE_W, "webIdentityTokenFile": str(missing)}}))
    with pytest.raises(CognitoPasswordResetError,
                       match=r"stack config aws:assumeRoleWithWebIdentity\.webIdentityTokenFile cannot be read"):
        Cognito(settings).user_status("us-east-1_abc", "alice")


def test_the_credentials_refresh_themselves() -> None:
    from botocore.credentials import DeferredRefreshableCredentials

    settings = AwsSettings(roles=chain({"aws:assumeRoles": [{"roleArn": ROLE_A}]}))
    credentials = ClientCache().get(Target(REGION, settings))._request_signer._credentials
    assert isinstance(credentials, DeferredRefreshableCredentials)  # botocore renews it before expiry


# --- the STS calls themselves, recorded --------------------------------------------------------

class RecordingBase:
    """A stand-in for the base boto3 session: it records each STS client asked of it, and each
    client answers with credentials named after the role it assumed."""

    def __init__(self) -> None:
        self.clients: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_credentials(self) -> Any:
        from botocore.credentials import Credentials

        return Credentials("BASE-KEY", "base-secret", "base-token")

    def client(self, service: str, **kwargs: Any) -> Any:
        self.clients.append({"service": service, **kwargs})
        return RecordingSts(self.calls)


class RecordingSts:
    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self._calls = calls

    def _answer(self, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        from datetime import datetime, timedelta, timezone

        self._calls.append((operation, kwargs))
        name = kwargs["RoleArn"].rsplit("/", 1)[1]
        return {"Credentials": {"AccessKeyId": f"KEY-{name}", "SecretAccessKey": f"secret-{name}",
                                "SessionToken": f"token-{name}",
                                "Expiration": datetime.now(timezone.utc) + timedelta(hours=1)}}

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer("AssumeRole", kwargs)

    def assume_role_with_web_identity(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer("AssumeRoleWithWebIdentity", kwargs)


@pytest.mark.parametrize(("lifetime_minutes", "assumed"), [(60, 1), (5, 2)])
def test_a_session_close_to_its_expiry_is_assumed_again(monkeypatch: pytest.MonkeyPatch, lifetime_minutes: int,
                                                       assumed: int) -> None:
    # Not a one-off token: botocore assumes the role again once the session is within minutes
    # of its expiry (its mandatory refresh window is 10 minutes), so a long run never signs
    # with an expired one.
    from datetime import datetime, timedelta, timezone

    from cognito_password_reset.roles import assumed_credentials

    def answer(self: RecordingSts, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        self._calls.append((operation, kwargs))
        return {"Credentials": {"AccessKeyId": "KEY", "SecretAccessKey": "secret", "SessionToken": "token",
                                "Expiration": datetime.now(timezone.utc) + timedelta(minutes=lifetime_minutes)}}

    monkeypatch.setattr(RecordingSts, "_answer", answer)
    base = RecordingBase()
    credentials = assumed_credentials(chain({"aws:assumeRoles": [{"roleArn": ROLE_A}]}), base.get_credentials(),
                                      base.client)
    for _ in range(2):
        assert credentials.get_frozen_credentials().access_key == "KEY"
    assert [operation for operation, _ in base.calls] == ["AssumeRole"] * assumed


def test_each_sts_call_goes_to_the_sts_endpoint_in_the_pools_region_as_the_session_before_it() -> None:
    from botocore import UNSIGNED
    from botocore.config import Config as BotoConfig

    roles = chain({"aws:assumeRoleWithWebIdentity": {"roleArn": ROLE_W, "webIdentityToken": "oidc-token"},
                   "aws:assumeRoles": [{"roleArn": ROLE_A, "sessionName": "first"},
                                       {"roleArn": ROLE_B, "sessionName": "second"}]})
    target = Target("eu-west-1", AwsSettings(sts_endpoint_url="http://sts.test", roles=roles))
    base = RecordingBase()
    config = BotoConfig(retries={"mode": "standard", "total_max_attempts": 3}, user_agent_extra="ua-marker")

    session = cognito._assumed_session(base, target, config)
    frozen = session.get_credentials().get_frozen_credentials()

    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("KEY-resets", "secret-resets", "token-resets")
    assert base.calls == [  # the web identity first, then the list in order
        ("AssumeRoleWithWebIdentity", {"RoleArn": ROLE_W, "WebIdentityToken": "oidc-token",
                                       "RoleSessionName": base.calls[0][1]["RoleSessionName"]}),
        ("AssumeRole", {"RoleArn": ROLE_A, "RoleSessionName": "first"}),
        ("AssumeRole", {"RoleArn": ROLE_B, "RoleSessionName": "second"}),
    ]
    # Each role is assumed with the credentials of the session before it.
    assert [c.get("aws_access_key_id") for c in base.clients] == [None, "KEY-ci", "KEY-deploy"]
    assert [c.get("aws_session_token") for c in base.clients] == [None, "token-ci", "token-deploy"]
    for client in base.clients:
        assert (client["service"], client["region_name"], client["endpoint_url"]) == \
            ("sts", "eu-west-1", "http://sts.test")
        # The provider's retries and user agent on every STS call.
        assert client["config"].retries == {"mode": "standard", "total_max_attempts": 3}
        assert client["config"].user_agent_extra == "ua-marker"
    # AssumeRoleWithWebIdentity is unsigned (it needs no credentials); the others are signed.
    assert [c["config"].signature_version for c in base.clients] == [UNSIGNED, None, None]
