"""Fixtures shared by every test layer.

Pulumi's mocks are process-global (``pulumi.runtime.set_mocks``), so they are set once here,
for the whole session, and tests read what was registered from ``mocks.registered``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from testbed.moto_server import share_pool_signing_key
from testbed.processes import still_running
from tests.api_calls import ApiCall, recorded
from tests.engine.servers import Moto, Pool, new_pool, start_moto

# No test may reach a real AWS account: fake keys, and no instance metadata look-ups.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
})
for _key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
             "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
    os.environ.pop(_key, None)

# In-process moto (mock_aws) too: each new user pool reuses one import of moto's signing key.
share_pool_signing_key()


@dataclass
class Registered:
    type_: str
    name: str
    inputs: dict[str, Any]
    custom: bool
    provider: str
    resource_id: str
    urn: str = ""
    dependencies: list[str] = field(default_factory=list)
    """URNs this resource depends on (depends_on and the resources its inputs come from)."""
    secret_inputs: set[str] = field(default_factory=set)
    """Top-level input keys that reached the engine as secrets."""
    additional_secret_outputs: list[str] = field(default_factory=list)


@dataclass
class Mocks(pulumi.runtime.Mocks):
    """Records every registered resource; outputs echo inputs, as a freshly created resource."""

    registered: list[Registered] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    """The tokens of the invokes (data sources) a program called, in order."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.registered.append(Registered(args.typ, args.name, dict(args.inputs), args.custom,
                                          args.provider, args.resource_id))
        outputs = dict(args.inputs)
        resource_id = f"{args.name}-id"
        if args.typ == "aws:cognito/userPool:UserPool":
            # A pool id has the shape CognitoPasswordReset checks: region, underscore, alphanumerics.
            resource_id = "us-east-1_" + "".join(c for c in args.name if c.isalnum())
            outputs.setdefault("arn", f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{resource_id}")
        if args.typ == "pulumi-python:dynamic/cognito:CognitoPasswordReset" and args.inputs.get("reset_on_create"):
            # What the provider's create returns after a reset (create never runs under mocks).
            outputs.update(reset_at="2026-01-01T00:00:00Z", user_status="RESET_REQUIRED")
        if args.typ in ("aws:lambda/function:Function", "aws:iam/role:Role"):
            outputs.setdefault("name", args.name)  # AWS auto-names these when no name is given
        if args.typ == "aws:lambda/function:Function":
            outputs.setdefault("arn", f"arn:aws:lambda:us-east-1:123456789012:function:{args.name}")
        if args.typ == "aws:iam/role:Role":
            outputs.setdefault("arn", f"arn:aws:iam::123456789012:role/{args.name}")
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        self.calls.append(args.token)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            # What STS answers for credentials of account 123456789012 (the account of every ARN above).
            return {"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:user/ci",
                    "userId": "AIDATESTUSER", "id": "123456789012"}, []
        return {}, []  # no failures: the mock monitor iterates this list

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.registered if r.type_ == type_]


def _is_secret(value: Any) -> bool:
    fields = value.struct_value.fields if value.HasField("struct_value") else {}
    sig = fields.get(rpc._special_sig_key)
    return sig is not None and sig.string_value == rpc._special_secret_sig


class _RecordingMonitor(MockMonitor):
    """The stock mock monitor, plus what only the raw request shows: URN, dependencies, secrets."""

    mocks: Mocks

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        for r in reversed(self.mocks.registered):
            if r.type_ == request.type and r.name == request.name:
                r.urn = response.urn
                r.dependencies = list(request.dependencies)
                r.secret_inputs = {k for k, v in request.object.fields.items() if _is_secret(v)}
                r.additional_secret_outputs = list(request.additionalSecretOutputs)
                break
        return response


_MOCKS = Mocks()
pulumi.runtime.set_mocks(_MOCKS, project="cognito-password-reset", stack="test", preview=False,
                         monitor=_RecordingMonitor(_MOCKS))


@pytest.fixture
def mocks() -> Iterator[Mocks]:
    """The session's Pulumi mocks, emptied for this test."""
    _MOCKS.registered.clear()
    _MOCKS.calls.clear()
    yield _MOCKS
    _MOCKS.registered.clear()
    _MOCKS.calls.clear()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ApiCall]]:
    """Every AWS call the provider's clients make in this test, in order."""
    yield from recorded(monkeypatch)


# --- servers (engine, packaging and local-run tests) ------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _every_process_stopped() -> Iterator[None]:
    """After every other fixture is torn down, no process a test started may still run."""
    yield
    left = still_running()
    for process in left:
        process.stop()
    assert not left, f"processes left running by the tests: {[(p.name, p.pid) for p in left]}"


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    """One moto server for the session (its state is reset by ``pool``)."""
    server = start_moto(tmp_path_factory.mktemp("moto"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pool(moto: Moto) -> Pool:
    """A fresh user pool in a freshly reset moto."""
    moto.reset()
    return new_pool(moto)
