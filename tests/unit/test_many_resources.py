"""A program may declare more resets than Python's recursion limit (a batch of 1,000+ users)."""

from __future__ import annotations

from typing import Any

import pulumi

from cognito_password_reset import CognitoPasswordReset

from ..conftest import Mocks

TYPE = "pulumi-python:dynamic/cognito:CognitoPasswordReset"
COUNT = 1_100  # past the default recursion limit of 1,000


@pulumi.runtime.test
def test_a_program_registers_over_a_thousand_resets(mocks: Mocks) -> Any:
    # pulumi.dynamic's serialize_provider leaves one more sorting wrapper on the pickler per
    # resource; without the package undoing it, about the 1,000th resource fails to serialize.
    resets = [CognitoPasswordReset(f"r{i}", user_pool_id="us-east-1_abc", username=f"user{i}")
              for i in range(COUNT)]

    def check(_: Any) -> None:
        registered = mocks.of_type(TYPE)
        assert len(registered) == COUNT
        assert len({r.inputs["__provider"]["value"] for r in registered}) == 1

    return pulumi.Output.all(*[r.urn for r in resets]).apply(check)
