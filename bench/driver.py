"""Drives a provider host over gRPC the way the engine does for a new resource in ``pulumi up``.

Configure once (the whole stack config), then per resource Check(olds={}, news) followed by
Create(properties = the checked inputs), with up to four calls in flight (the host's thread
pool, and the engine's default parallelism against it). The provider answers
``acceptSecrets=False``, so the engine sends plain values: so does this driver.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

TYPE = "pulumi-python:dynamic/cognito:CognitoPasswordReset"
IN_FLIGHT = 4


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(values)
    return s


def plain(values: struct_pb2.Struct) -> dict[str, Any]:
    """Properties from the host as the engine keeps them in state, without ``__provider`` (the driver
    adds it to every request)."""
    props: dict[str, Any] = json_format.MessageToDict(values)
    props.pop("__provider", None)
    return props


def stack_config(endpoint: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The config the engine would send: keys namespaced, objects as JSON strings."""
    return {
        "aws:region": "us-east-1",
        "aws:accessKey": "testing",
        "aws:secretKey": "testing",
        "aws:endpoints": json.dumps([{"cognitoidp": endpoint}]),
        **(extra or {}),
    }


class HostClient:
    """One gRPC channel to a provider host."""

    def __init__(self, port: int, provider: str) -> None:
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self._provider = provider

    def close(self) -> None:
        self._channel.close()

    def configure(self, config: dict[str, str]) -> None:
        self._stub.Configure(provider_pb2.ConfigureRequest(args=struct(config), acceptSecrets=True))

    def reset(self, user_pool_id: str, username: str) -> None:
        """Check then Create one CognitoPasswordReset; raises on any failure the host reports."""
        urn = f"urn:pulumi:bench::bench::{TYPE}::{username}"
        news = struct({"user_pool_id": user_pool_id, "username": username, "reset_on_create": True,
                       "__provider": self._provider})
        checked = self._stub.Check(provider_pb2.CheckRequest(urn=urn, olds=struct({}), news=news, type=TYPE,
                                                             name=username))
        if checked.failures:
            raise RuntimeError(f"Check failed for {username}: {checked.failures}")
        self._stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs, type=TYPE, name=username))

    def check_diff(self, name: str, old_inputs: dict[str, Any], old_outputs: dict[str, Any],
                   news: dict[str, Any]) -> tuple[struct_pb2.Struct, bool]:
        """What the engine does for an existing resource in every preview and up: Check(old inputs,
        new inputs), then Diff(old outputs, checked inputs). Returns the checked inputs and whether
        Diff planned a change."""
        urn = f"urn:pulumi:bench::bench::{TYPE}::{name}"
        provider = {"__provider": self._provider}
        checked = self._stub.Check(provider_pb2.CheckRequest(
            urn=urn, olds=struct({**old_inputs, **provider}), news=struct({**news, **provider}), type=TYPE,
            name=name))
        if checked.failures:
            raise RuntimeError(f"Check failed for {name}: {checked.failures}")
        diff = self._stub.Diff(provider_pb2.DiffRequest(
            id=name, urn=urn, olds=struct({**old_outputs, **provider}), news=checked.inputs,
            old_inputs=struct({**old_inputs, **provider}), type=TYPE, name=name))
        return checked.inputs, diff.changes == provider_pb2.DiffResponse.DIFF_SOME

    def update(self, name: str, old_inputs: dict[str, Any], old_outputs: dict[str, Any],
               checked: struct_pb2.Struct) -> struct_pb2.Struct:
        """Update(old outputs, checked inputs); returns the new outputs."""
        urn = f"urn:pulumi:bench::bench::{TYPE}::{name}"
        provider = {"__provider": self._provider}
        response = self._stub.Update(provider_pb2.UpdateRequest(
            id=name, urn=urn, olds=struct({**old_outputs, **provider}), news=checked,
            old_inputs=struct({**old_inputs, **provider}), type=TYPE, name=name))
        return response.properties

    def read(self, name: str, old_inputs: dict[str, Any], old_outputs: dict[str, Any]) -> str:
        """What `pulumi refresh` (and `up --refresh`) does per resource: Read(id, stored outputs,
        stored inputs). Returns the id the provider answered: empty if it dropped the resource."""
        urn = f"urn:pulumi:bench::bench::{TYPE}::{name}"
        provider = {"__provider": self._provider}
        response = self._stub.Read(provider_pb2.ReadRequest(
            id=name, urn=urn, properties=struct({**old_outputs, **provider}),
            inputs=struct({**old_inputs, **provider}), type=TYPE, name=name))
        return str(response.id)

    def reset_all(self, user_pool_id: str, usernames: Sequence[str], in_flight: int = IN_FLIGHT) -> None:
        with ThreadPoolExecutor(in_flight) as pool:
            for _ in pool.map(lambda u: self.reset(user_pool_id, u), usernames):
                pass
