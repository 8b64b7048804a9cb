"""The engine's side of the provider protocol, played by the test suite.

Three layers, each usable alone:

- ``declare()`` / ``program()``: run a Pulumi program under the session's mocks and take what a
  ``CognitoPasswordReset`` registers (its inputs, ``__provider`` included, which inputs are
  secret, and its ``additional_secret_outputs``): a ``Goal``, exactly what the engine would get.
- ``Engine``: one gRPC call per method (Configure, Check, Diff, Create, Update, Read, Delete)
  to a running provider host, with properties marshalled as the engine marshals them. A failed
  call raises ``HostError``, whose ``sentence`` is what the user would read.
- ``Stack``: the engine's sequences over a kept state, so a scenario reads
  ``stack.up(goal)``, ``stack.up(goal.but(rotation_trigger="t2"))``, ``stack.refresh(name)``,
  ``stack.destroy(name)``; ``stack.preview(goal)`` plans without changing anything.

Secrets, as the engine handles them: the host answers Configure with ``acceptSecrets=False``,
so the engine sends Check/Diff/Create/Update/Read/Delete plain values (``Engine`` wraps secret
inputs in the wire format only if the host said it accepts secrets). Configure itself gets
secret config values wrapped. On the way back an output is secret if the input with the same
key was secret or it is listed in ``additional_secret_outputs``; ``ResourceState`` keeps that.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import grpc
import pulumi
from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc, settings
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from cognito_password_reset import CognitoPasswordReset

UNKNOWN = rpc.UNKNOWN
"""What an unknown value (preview, an output of a resource not yet created) looks like on the wire."""

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

PROJECT, STACK = "cognito-password-reset", "test"
TYPE = "pulumi-python:dynamic/cognito:CognitoPasswordReset"
CALL_TIMEOUT = 60.0


def stack_config(endpoint: str | None, **extra: str) -> dict[str, str]:
    """A stack config as the engine passes it to Configure: namespaced keys, object values as JSON.

    ``endpoint`` becomes ``aws:endpoints = [{"cognitoidp": endpoint}]``, as in Pulumi.<stack>.yaml.
    """
    config = {"aws:region": "us-east-1"}
    if endpoint is not None:
        config["aws:endpoints"] = json.dumps([{"cognitoidp": endpoint}])
    config.update(extra)
    return config


# --- wire format ---------------------------------------------------------------------------------

def secret(value: Any) -> dict[str, Any]:
    """``value`` as a secret in the wire format (what serialize_properties emits with a monitor)."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def is_secret(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get(SIG_KEY) == SECRET_SIG


def to_struct(props: Mapping[str, Any], secret_keys: Collection[str] = ()) -> struct_pb2.Struct:
    """Plain values (``UNKNOWN`` allowed) to a protobuf Struct; ``secret_keys`` wrapped as secrets."""
    struct = struct_pb2.Struct()
    struct.update({k: secret(v) if k in secret_keys else v for k, v in props.items()})
    return struct


def from_struct(struct: struct_pb2.Struct) -> tuple[dict[str, Any], set[str]]:
    """A Struct from the host to plain values (unknowns as ``UNKNOWN``) and the keys that came as secrets."""
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    secrets = {k for k, v in raw.items() if rpc.is_rpc_secret(v)}
    return {k: _sentinels(rpc.unwrap_rpc_secret(v)) for k, v in raw.items()}, secrets


def _sentinels(value: Any) -> Any:
    # keep_unknowns=True turns the wire sentinel into pulumi.output.Unknown; state keeps the sentinel.
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _sentinels(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sentinels(v) for v in value]
    return value


# --- the program side ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Goal:
    """What the program asks for: one resource's registration, as the engine receives it."""

    name: str
    inputs: dict[str, Any]
    """Plain input values; ``__provider`` included."""
    secret_keys: frozenset[str]
    """The inputs the program marked secret (``__provider`` and ``client_metadata`` at least)."""
    additional_secret_outputs: tuple[str, ...] = ()

    @property
    def urn(self) -> str:
        return f"urn:pulumi:{STACK}::{PROJECT}::{TYPE}::{self.name}"

    def but(self, **changes: Any) -> Goal:
        """The same registration with some inputs changed (``None`` removes one); to change what the
        program itself does, run ``declare()`` again."""
        inputs = {**self.inputs, **changes}
        return replace(self, inputs={k: v for k, v in inputs.items() if v is not None})

    def unknown(self, *keys: str) -> Goal:
        """The registration as seen during preview when ``keys`` come from resources not created yet."""
        return replace(self, inputs={**self.inputs, **dict.fromkeys(keys, UNKNOWN)})


class _Capture:
    """Records each RegisterResource request's additional_secret_outputs (mocks do not pass it on)."""

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, ...]] = {}

    def __enter__(self) -> _Capture:
        monitor = settings.get_monitor()
        self._monitor, self._original = monitor, monitor.RegisterResource

        def register(request: Any) -> Any:
            self.by_name[request.name] = tuple(request.additionalSecretOutputs)
            return self._original(request)

        monitor.RegisterResource = register
        return self

    def __exit__(self, *_exc: object) -> None:
        self._monitor.RegisterResource = self._original


def program(mocks: Any, build: Callable[[], None]) -> list[Goal]:
    """Run ``build`` as a Pulumi program under ``mocks`` (tests/conftest.py's) and return the Goal of
    every CognitoPasswordReset it declared, in order. Call from the test's main thread only."""
    start = len(mocks.registered)

    @pulumi.runtime.test
    def run() -> None:
        build()

    with _Capture() as capture:
        run()
    goals = []
    for reg in mocks.registered[start:]:
        if reg.type_ != TYPE:
            continue
        secrets = frozenset(k for k, v in reg.inputs.items() if is_secret(v))
        inputs = {k: rpc.unwrap_rpc_secret(v) for k, v in reg.inputs.items()}
        goals.append(Goal(reg.name, inputs, secrets, capture.by_name.get(reg.name, ())))
    return goals


def declare(mocks: Any, name: str, **kwargs: Any) -> Goal:
    """The Goal of ``CognitoPasswordReset(name, **kwargs)`` declared in a program."""
    (goal,) = program(mocks, lambda: CognitoPasswordReset(name, **kwargs) and None)
    return goal


# --- the provider side: one call each ------------------------------------------------------------

class HostError(Exception):
    """A call the host failed. ``details`` is what the engine gets (a traceback for a provider
    exception); ``sentence`` is its last line without the exception's class: what a user reads."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method} failed ({code.name}): {details}")
        self.method, self.code, self.details = method, code, details

    @property
    def last_line(self) -> str:
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    @property
    def exception_type(self) -> str:
        return self.last_line.split(": ", 1)[0]

    @property
    def sentence(self) -> str:
        return self.last_line.split(": ", 1)[-1]


class CheckFailed(Exception):
    """Check returned failures; the engine stops the resource there."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p}: {r}" for p, r in failures))
        self.failures = failures


@dataclass(frozen=True)
class DiffResult:
    changes: bool | None
    replaces: tuple[str, ...]
    delete_before_replace: bool


class Engine:
    """One provider host seen through its gRPC stub; each method is one engine call."""

    def __init__(self, address: str) -> None:
        self.channel = grpc.insecure_channel(address)
        grpc.channel_ready_future(self.channel).result(timeout=CALL_TIMEOUT)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.accept_secrets = False

    def close(self) -> None:
        self.channel.close()

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=CALL_TIMEOUT)
        except grpc.RpcError as exc:
            raise HostError(method, exc.code(), exc.details() or "") from None

    def _props(self, props: Mapping[str, Any], secret_keys: Collection[str]) -> struct_pb2.Struct:
        return to_struct(props, secret_keys if self.accept_secrets else ())

    def start(self, config: Mapping[str, str], secret_config: Collection[str] = ()) -> None:
        """The start-up sequence: GetPluginInfo, then Configure with the whole stack config."""
        from google.protobuf import empty_pb2

        self._call("GetPluginInfo", empty_pb2.Empty())
        response = self._call("Configure", provider_pb2.ConfigureRequest(
            args=to_struct(config, secret_config), variables={k: str(v) for k, v in config.items()},
            acceptSecrets=True, acceptResources=True))
        self.accept_secrets = bool(response.acceptSecrets)

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any],
              secret_keys: Collection[str] = ()) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self._call("Check", provider_pb2.CheckRequest(
            urn=urn, olds=self._props(olds, secret_keys), news=self._props(news, secret_keys)))
        inputs, _ = from_struct(response.inputs)
        return inputs, [(f.property, f.reason) for f in response.failures]

    def diff(self, id_: str, urn: str, old_outputs: Mapping[str, Any], news: Mapping[str, Any],
             old_inputs: Mapping[str, Any], secret_keys: Collection[str] = ()) -> DiffResult:
        response = self._call("Diff", provider_pb2.DiffRequest(
            id=id_, urn=urn, olds=self._props(old_outputs, secret_keys), news=self._props(news, secret_keys),
            old_inputs=self._props(old_inputs, secret_keys)))
        changes = {provider_pb2.DiffResponse.DIFF_SOME: True,
                   provider_pb2.DiffResponse.DIFF_NONE: False}.get(response.changes)
        return DiffResult(changes, tuple(response.replaces), response.deleteBeforeReplace)

    def create(self, urn: str, inputs: Mapping[str, Any], secret_keys: Collection[str] = ()
               ) -> tuple[str, dict[str, Any]]:
        response = self._call("Create", provider_pb2.CreateRequest(
            urn=urn, properties=self._props(inputs, secret_keys)))
        return response.id, from_struct(response.properties)[0]

    def update(self, id_: str, urn: str, old_outputs: Mapping[str, Any], news: Mapping[str, Any],
               old_inputs: Mapping[str, Any], secret_keys: Collection[str] = ()) -> dict[str, Any]:
        response = self._call("Update", provider_pb2.UpdateRequest(
            id=id_, urn=urn, olds=self._props(old_outputs, secret_keys), news=self._props(news, secret_keys),
            old_inputs=self._props(old_inputs, secret_keys)))
        return from_struct(response.properties)[0]

    def read(self, id_: str, urn: str, outputs: Mapping[str, Any], inputs: Mapping[str, Any],
             secret_keys: Collection[str] = ()) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        response = self._call("Read", provider_pb2.ReadRequest(
            id=id_, urn=urn, properties=self._props(outputs, secret_keys), inputs=self._props(inputs, secret_keys)))
        new_inputs = from_struct(response.inputs)[0] if response.HasField("inputs") else None
        return response.id, from_struct(response.properties)[0], new_inputs

    def delete(self, id_: str, urn: str, outputs: Mapping[str, Any], old_inputs: Mapping[str, Any],
               secret_keys: Collection[str] = ()) -> None:
        self._call("Delete", provider_pb2.DeleteRequest(
            id=id_, urn=urn, properties=self._props(outputs, secret_keys),
            old_inputs=self._props(old_inputs, secret_keys)))


# --- the engine's sequences over a kept state ----------------------------------------------------

@dataclass
class ResourceState:
    """One resource in the stack's state, as the engine would store it."""

    goal: Goal
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_inputs: frozenset[str]
    secret_outputs: frozenset[str] = field(default_factory=frozenset)

    def non_secret_outputs(self) -> dict[str, Any]:
        """What the state (and ``pulumi stack output``) shows in plain text."""
        return {k: v for k, v in self.outputs.items() if k not in self.secret_outputs}


@dataclass(frozen=True)
class Step:
    """What the engine did (or, in a preview, would do) for one resource."""

    op: str
    """``create``, ``same``, ``update`` or ``replace``."""
    name: str
    diff: DiffResult | None = None


def _secret_outputs(outputs: Mapping[str, Any], secret_inputs: Collection[str], goal: Goal) -> frozenset[str]:
    # The engine's rule: an output is secret if the input with the same key was, or if the
    # program listed it in additional_secret_outputs.
    return frozenset(k for k in outputs if k in secret_inputs or k in goal.additional_secret_outputs)


class Stack:
    """A stack's state driven through one Engine. Thread-safe across resources (``up_all``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.resources: dict[str, ResourceState] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> ResourceState:
        return self.resources[name]

    def _old(self, name: str) -> ResourceState | None:
        with self._lock:
            return self.resources.get(name)

    def _store(self, state: ResourceState) -> None:
        with self._lock:
            self.resources[state.goal.name] = state

    def _checked(self, goal: Goal, old: ResourceState | None) -> dict[str, Any]:
        inputs, failures = self.engine.check(goal.urn, old.inputs if old else {}, goal.inputs, goal.secret_keys)
        if failures:
            raise CheckFailed(failures)
        return inputs

    def _diff(self, goal: Goal, old: ResourceState, inputs: Mapping[str, Any]) -> DiffResult:
        return self.engine.diff(old.id, goal.urn, old.outputs, inputs, old.inputs, goal.secret_keys)

    def preview(self, goal: Goal) -> Step:
        """Check, and Diff if the resource exists; nothing is created, updated or stored."""
        old = self._old(goal.name)
        inputs = self._checked(goal, old)
        if old is None:
            return Step("create", goal.name)
        diff = self._diff(goal, old, inputs)
        return Step(_op(diff), goal.name, diff)

    def up(self, goal: Goal) -> Step:
        """Check, Diff, then Create, Update or (Create new, Delete old) for a replace.

        A failing call raises (HostError or CheckFailed) and leaves the stored state as it was.
        """
        old = self._old(goal.name)
        inputs = self._checked(goal, old)
        if old is None:
            self._create(goal, inputs)
            return Step("create", goal.name)
        diff = self._diff(goal, old, inputs)
        op = _op(diff)
        if op == "same":
            # No step: the old outputs stay; the new inputs are recorded.
            self._store(replace(old, goal=goal, inputs=inputs, secret_inputs=goal.secret_keys))
        elif op == "update":
            outputs = self.engine.update(old.id, goal.urn, old.outputs, inputs, old.inputs, goal.secret_keys)
            self._store(ResourceState(goal, old.id, inputs, outputs, goal.secret_keys,
                                      _secret_outputs(outputs, goal.secret_keys, goal)))
        else:
            if diff.delete_before_replace:
                self.engine.delete(old.id, goal.urn, old.outputs, old.inputs, old.secret_inputs)
            self._create(goal, inputs)
            if not diff.delete_before_replace:
                self.engine.delete(old.id, goal.urn, old.outputs, old.inputs, old.secret_inputs)
        return Step(op, goal.name, diff)

    def _create(self, goal: Goal, inputs: dict[str, Any]) -> None:
        id_, outputs = self.engine.create(goal.urn, inputs, goal.secret_keys)
        self._store(ResourceState(goal, id_, inputs, outputs, goal.secret_keys,
                                  _secret_outputs(outputs, goal.secret_keys, goal)))

    def up_all(self, goals: Iterable[Goal], *, parallel: int = 16) -> dict[str, Step | Exception]:
        """``up`` for many resources at once, ``parallel`` requests in flight (the host itself runs
        at most 4). Returns each resource's Step, or the exception its ``up`` raised."""

        def one(goal: Goal) -> Step | Exception:
            try:
                return self.up(goal)
            except (HostError, CheckFailed) as exc:
                return exc

        goals = list(goals)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            return dict(zip((g.name for g in goals), pool.map(one, goals), strict=True))

    def refresh(self, name: str) -> ResourceState | None:
        """Read with the old outputs and inputs; an empty id drops the resource from state."""
        old = self.resources[name]
        id_, outputs, inputs = self.engine.read(old.id, old.goal.urn, old.outputs, old.inputs, old.secret_inputs)
        if not id_:
            with self._lock:
                del self.resources[name]
            return None
        new_inputs = inputs if inputs is not None else old.inputs
        state = ResourceState(old.goal, id_, new_inputs, outputs, old.secret_inputs,
                              _secret_outputs(outputs, old.secret_inputs, old.goal))
        self._store(state)
        return state

    def refresh_all(self, names: Iterable[str], *, parallel: int = 16) -> dict[str, ResourceState | Exception | None]:
        """``refresh`` for many resources at once, as ``pulumi refresh`` reads them (``parallel``
        requests in flight; the host runs at most 4). Returns each one's state, None if dropped,
        or the HostError its Read raised."""

        def one(name: str) -> ResourceState | Exception | None:
            try:
                return self.refresh(name)
            except HostError as exc:
                return exc

        names = list(names)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            return dict(zip(names, pool.map(one, names), strict=True))

    def destroy(self, name: str) -> None:
        """Delete with the stored outputs, then forget the resource."""
        old = self.resources[name]
        self.engine.delete(old.id, old.goal.urn, old.outputs, old.inputs, old.secret_inputs)
        with self._lock:
            del self.resources[name]


def _op(diff: DiffResult) -> str:
    if diff.changes is False:
        return "same"
    if diff.replaces:
        return "replace"
    if diff.changes is None:
        raise NotImplementedError("DIFF_UNKNOWN (the engine diffs inputs itself) is not emulated")
    return "update"
