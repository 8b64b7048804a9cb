"""A record of every AWS call the provider's clients make (the ``calls`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from cognito_password_reset import cognito


@dataclass(frozen=True)
class ApiCall:
    operation: str
    params: dict[str, Any]


def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ApiCall]]:
    """Record the calls of every client the provider builds from now on (its cache is emptied
    before and after, so no earlier client escapes the record)."""
    made: list[ApiCall] = []
    build = cognito._new_client

    def recording(target: cognito.Target) -> Any:
        client = build(target)

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            made.append(ApiCall(model.name, dict(params)))

        client.meta.events.register("before-parameter-build.cognito-idp", record)
        return client

    monkeypatch.setattr(cognito, "_new_client", recording)
    cognito.CLIENTS.clear()
    yield made
    cognito.CLIENTS.clear()


def resets(made: list[ApiCall]) -> list[ApiCall]:
    return [c for c in made if c.operation == "AdminResetUserPassword"]
