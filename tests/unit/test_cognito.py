"""Where a call goes and as whom: stack config first, then boto3's own chain."""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable
from typing import Any

import pytest

from cognito_password_reset import cognito, ratelimit
from cognito_password_reset.cognito import AwsSettings, ClientCache, Cognito, Target
from cognito_password_reset.cognito_errors import READ, RESET
from cognito_password_reset.errors import ConfigError


def settings(config: dict[str, Any]) -> AwsSettings:
    return AwsSettings.from_config(config.get)


@pytest.mark.parametrize(("pool", "region"), [
    ("us-west-2_abc", "us-west-2"),
    ("eu-central-1_X1y2Z3", "eu-central-1"),
    ("ap-southeast-5_a", "ap-southeast-5"),
])
def test_region_comes_from_the_pool_id(pool: str, region: str) -> None:
    assert cognito.region_of(pool) == region


@pytest.mark.parametrize(("endpoints", "expected"), [
    ('[{"cognitoidp": "http://127.0.0.1:5000", "iam": "http://127.0.0.1:5000"}]', "http://127.0.0.1:5000"),
    ('[{"iam": "http://iam"}, {"cognitoidp": "http://cog"}]', "http://cog"),
    ('{"cognitoidp": "http://cog"}', "http://cog"),
    ([{"cognitoidp": "http://cog"}], "http://cog"),
    ('[{"iam": "http://iam"}]', None),
    (None, None),
])
def test_endpoint_from_pulumi_aws_endpoints_config(endpoints: Any, expected: str | None) -> None:
    assert settings({"aws:endpoints": endpoints}).endpoint_url == expected


@pytest.mark.parametrize(("endpoints", "sts"), [
    ('[{"cognitoidp": "http://cog", "sts": "http://sts"}]', "http://sts"),
    ('[{"sts": "http://sts"}, {"cognitoidp": "http://cog"}]', "http://sts"),
    ('{"cognitoidp": "http://cog", "sts": "http://sts"}', "http://sts"),
    ('[{"cognitoidp": "http://cog"}]', None),
])
def test_sts_endpoint_from_the_same_endpoints_config(endpoints: str, sts: str | None) -> None:
    s = settings({"aws:endpoints": endpoints})
    assert (s.endpoint_url, s.sts_endpoint_url) == ("http://cog", sts)


def test_bad_endpoints_config_names_the_key() -> None:
    with pytest.raises(ConfigError, match="aws:endpoints") as raised:
        settings({"aws:endpoints": "[{cognitoidp: "})
    assert str(raised.value) == (
        "CognitoPasswordReset: stack config aws:endpoints is not valid JSON/YAML; set it as a list of maps, "
        "for example [{cognitoidp: 'http://127.0.0.1:5000'}]")


def test_profile_and_static_keys_from_config_and_kept_out_of_repr() -> None:
    s = settings({"aws:profile": "ops", "aws:accessKey": "AKIACANARY", "aws:secretKey": "SECRETCANARY",
                  "aws:token": "TOKENCANARY", "cognito-password-reset:other": "x"})
    assert (s.profile, s.access_key, s.secret_key, s.token) == ("ops", "AKIACANARY", "SECRETCANARY", "TOKENCANARY")
    assert "CANARY" not in repr(s) and "CANARY" not in repr(Target("us-east-1", s))


def test_empty_config_leaves_everything_to_boto3() -> None:
    assert settings({}) == AwsSettings()
    # An empty value (`pulumi config set aws:profile ""`) is unset, never a profile named "".
    assert settings({"aws:profile": "", "aws:accessKey": "", "aws:secretKey": "", "aws:token": ""}) == AwsSettings()


def test_endpoint_from_botocore_environment_when_config_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://127.0.0.1:4566")
    client = cognito._new_client(Target("eu-west-1", AwsSettings()))
    assert client.meta.endpoint_url == "http://127.0.0.1:4566"
    assert client.meta.region_name == "eu-west-1"


def test_config_endpoint_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    client = cognito._new_client(Target("eu-west-1", AwsSettings(endpoint_url="http://127.0.0.1:5000")))
    assert client.meta.endpoint_url == "http://127.0.0.1:5000"


def test_static_keys_from_config_are_used() -> None:
    client = cognito._new_client(Target("us-east-1", AwsSettings(access_key="AKIAX", secret_key="S")))
    credentials = client._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key) == ("AKIAX", "S")


def test_a_session_token_from_config_is_used_with_the_keys() -> None:
    # Temporary keys (aws:token) are useless without their token: AWS refuses the pair alone.
    client = cognito._new_client(Target("us-east-1", AwsSettings(access_key="ASIAX", secret_key="S", token="T")))
    credentials = client._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key, credentials.token) == ("ASIAX", "S", "T")


def test_calls_name_the_provider_in_the_user_agent() -> None:
    # So an operator can pick the provider's resets out of CloudTrail's userAgent field.
    from moto import mock_aws

    agents: list[str] = []
    with mock_aws():
        client = cognito._new_client(Target("us-east-1", AwsSettings()))
        client.meta.events.register("before-sign", lambda request, **_: agents.append(request.headers["User-Agent"]))
        client.list_user_pools(MaxResults=1)
    assert len(agents) == 1 and " cognito-password-reset" in str(agents[0])


@pytest.mark.parametrize(("env", "mode", "attempts"), [
    ({}, "standard", cognito.DEFAULT_MAX_ATTEMPTS),
    ({"AWS_RETRY_MODE": "adaptive"}, "adaptive", cognito.DEFAULT_MAX_ATTEMPTS),
    ({"AWS_MAX_ATTEMPTS": "2"}, "standard", 2),
    ({"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "1"}, "legacy", 1),
])
def test_retry_mode_is_explicit_and_environment_wins(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                                     mode: str, attempts: int) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = cognito._new_client(Target("us-east-1", AwsSettings())).meta.config
    assert config.retries == {"mode": mode, "total_max_attempts": attempts}


def test_one_client_per_target_even_under_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Target] = []
    gate = threading.Barrier(8)

    def build(target: Target) -> object:
        built.append(target)
        return object()

    monkeypatch.setattr(cognito, "_new_client", build)
    cache = ClientCache()
    a, b = Target("us-east-1", AwsSettings()), Target("us-east-1", AwsSettings(endpoint_url="http://x"))
    got: list[object] = []

    def worker(i: int) -> None:
        gate.wait()
        got.append(cache.get(a if i % 2 else b))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(built, key=repr) == sorted([a, b], key=repr)
    assert len({id(c) for c in got}) == 2


@pytest.mark.parametrize(("key", "value"), [
    ("AWS_MAX_ATTEMPTS", "three"), ("AWS_MAX_ATTEMPTS", "0"), ("AWS_MAX_ATTEMPTS", "-1"),
    ("AWS_RETRY_MODE", "aggressive"),
])
def test_bad_retry_environment_is_named(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=f"^CognitoPasswordReset: {key} must be"):
        cognito._new_client(Target("us-east-1", AwsSettings()))


def test_bad_retry_environment_fails_configure_so_preview_reports_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from cognito_password_reset.provider import CognitoPasswordResetProvider

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "lots")
    with pytest.raises(ConfigError, match="AWS_MAX_ATTEMPTS must be a whole number"):
        CognitoPasswordResetProvider().configure(ConfigureRequest(Config({}, "p")))


def test_the_reset_rate_is_not_part_of_a_target(monkeypatch: pytest.MonkeyPatch) -> None:
    # One client (and one rate schedule) per region, endpoint and credentials, whatever the rate.
    monkeypatch.setattr(cognito, "_new_client", lambda target: object())
    cache = ClientCache()
    slow, fast = AwsSettings(max_resets_per_second=1), AwsSettings(max_resets_per_second=30)
    assert cache.get(Target("us-east-1", slow)) is cache.get(Target("us-east-1", fast))


def test_callers_waiting_for_the_lock_take_the_client_built_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every caller misses the cache before the first client exists; only the first may build.
    callers = 6
    seen = threading.Condition()
    looked: set[int] = set()

    class Clients(dict[Target, Any]):
        def get(self, key: Target, default: Any = None) -> Any:
            with seen:
                looked.add(threading.get_ident())
                seen.notify_all()
            return super().get(key, default)

    built: list[Target] = []

    def build(target: Target) -> object:
        with seen:  # hold the lock until every caller has missed the cache and waits for it
            assert seen.wait_for(lambda: len(looked) == callers, timeout=10)
        built.append(target)
        return object()

    monkeypatch.setattr(cognito, "_new_client", build)
    cache = ClientCache()
    cache._clients = Clients()
    target = Target("us-east-1", AwsSettings())
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get(target))) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert built == [target] and len(got) == callers and len({id(c) for c in got}) == 1


def test_a_pool_is_called_in_its_own_region_whatever_the_default_region() -> None:
    import boto3
    from moto import mock_aws

    from tests.cognito_pool import new_pool

    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    with mock_aws():
        pool = new_pool(boto3.client("cognito-idp", region_name="eu-west-1"))
        pool.user("alice")
        assert Cognito(AwsSettings(), ClientCache()).user_status(pool.id, "alice") == "CONFIRMED"


class RecordingLimiters(ratelimit.RateLimiters):
    def __init__(self) -> None:
        super().__init__()
        self.acquired: list[tuple[Hashable, float, int]] = []

    def acquire(self, key: Hashable, per_second: float, slots: int = 1) -> float:
        self.acquired.append((key, per_second, slots))
        return 0.0


def test_resets_and_reads_each_wait_on_their_own_schedule_per_target() -> None:
    import boto3
    from moto import mock_aws

    from tests.cognito_pool import new_pool

    settings = AwsSettings(max_resets_per_second=3, max_reads_per_second=7)
    limiters = RecordingLimiters()
    with mock_aws():
        pools = [new_pool(boto3.client("cognito-idp", region_name=region)) for region in ("us-east-1", "eu-west-1")]
        for pool in pools:
            pool.user("alice")
            calls = Cognito(settings, ClientCache(), limiters)
            calls.user_status(pool.id, "alice")
            calls.reset_password(pool.id, "alice", None)
    us, eu = Target("us-east-1", settings), Target("eu-west-1", settings)
    assert limiters.acquired == [((READ, us), 7, 1), ((RESET, us), 3, 1), ((READ, eu), 7, 1), ((RESET, eu), 3, 1)]


def test_sign_outs_take_slots_of_the_reset_schedule() -> None:
    # AdminUserGlobalSignOut's quota category is not confirmed: sharing the resets' schedule keeps
    # the two calls together within maxResetsPerSecond, whatever its quota.
    import boto3
    from moto import mock_aws

    from tests.cognito_pool import new_pool

    settings = AwsSettings(max_resets_per_second=3, max_reads_per_second=7)
    limiters = RecordingLimiters()
    with mock_aws():
        pool = new_pool(boto3.client("cognito-idp", region_name="us-east-1"))
        pool.user("alice")
        calls = Cognito(settings, ClientCache(), limiters)
        calls.global_sign_out(pool.id, "alice")
        calls.reset_password(pool.id, "alice", None, sign_out_first=True)
    us = Target("us-east-1", settings)
    assert limiters.acquired == [((RESET, us), 3, 1), ((RESET, us), 3, 2)]
