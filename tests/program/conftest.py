"""Run the stack program (``__main__.py``) under the session's Pulumi mocks with a given config."""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.conftest import Mocks, Registered

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "cognito-password-reset"
PASSWORD = "Init1al!Passw0rd"


@dataclass
class Run:
    """What one run of the program registered and exported."""

    mocks: Mocks
    exports: dict[str, Any]

    def all(self, type_: str) -> list[Registered]:
        return self.mocks.of_type(type_)

    def one(self, type_: str, name: str | None = None) -> Registered:
        (found,) = [r for r in self.all(type_) if name is None or r.name == name]
        return found

    def by_urn(self, urn: str) -> Registered:
        (found,) = [r for r in self.mocks.registered if r.urn == urn]
        return found


def _key(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


def _wire(value: Any) -> str:
    # The engine hands a program every config value as text; objects and lists as JSON.
    return value if isinstance(value, str) else json.dumps(value)


@pytest.fixture
def run_stack(mocks: Mocks, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Run]]:
    """``run_stack({key: value}, secrets={key: value})`` runs ``__main__.py`` once and returns the Run.

    A key is the project's (``rotationTrigger``) unless namespaced (``aws:endpoints``)."""
    monkeypatch.chdir(ROOT)  # Pulumi runs a program in its project folder

    def run(config: dict[str, Any], secrets: dict[str, str] | None = None) -> Run:
        secrets = secrets or {}
        values = {_key(k): _wire(v) for k, v in {**config, **secrets}.items()}
        pulumi.runtime.set_all_config(values, [_key(k) for k in secrets])
        stack = pulumi.runtime.get_root_resource()
        assert stack is not None
        stack.outputs.clear()  # type: ignore[attr-defined]
        exports: dict[str, Any] = {}

        @pulumi.runtime.test
        def program() -> pulumi.Output[Any]:
            runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
            return pulumi.Output.from_input(dict(stack.outputs)).apply(exports.update)  # type: ignore[attr-defined]

        program()
        return Run(mocks, exports)

    yield run
    pulumi.runtime.set_all_config({}, [])
