"""What a program registers: the type token, the input keys, secrets, and the outputs."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from cognito_password_reset import CognitoPasswordReset, CognitoPasswordResetArgs

from ..conftest import Mocks, Registered

TYPE = "pulumi-python:dynamic/cognito:CognitoPasswordReset"
SECRET_SIG = "4dabf18193072939515e22adb298388d"


def registered(mocks: Mocks, name: str) -> Registered:
    (found,) = [r for r in mocks.of_type(TYPE) if r.name == name]
    return found


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value


@pulumi.runtime.test
def test_args_class_and_keywords_register_the_same_inputs(mocks: Mocks) -> Any:
    CognitoPasswordReset("a", CognitoPasswordResetArgs(user_pool_id="us-east-1_abc", username="alice",
                                                       rotation_trigger="t1"))
    b = CognitoPasswordReset("b", user_pool_id="us-east-1_abc", username="alice", rotation_trigger="t1")

    def check(_: Any) -> None:
        a_inputs, b_inputs = registered(mocks, "a").inputs, registered(mocks, "b").inputs
        assert a_inputs == b_inputs
        assert {k for k in a_inputs if k != "__provider"} == {
            "user_pool_id", "username", "rotation_trigger", "reset_on_create", "global_sign_out"}
        assert a_inputs["reset_on_create"] is True
        assert a_inputs["global_sign_out"] is False
    return b.urn.apply(check)


@pulumi.runtime.test
def test_global_sign_out_is_registered_as_given(mocks: Mocks) -> Any:
    CognitoPasswordReset("a", CognitoPasswordResetArgs(user_pool_id="us-east-1_abc", username="alice",
                                                       global_sign_out=True))
    b = CognitoPasswordReset("b", user_pool_id="us-east-1_abc", username="alice", global_sign_out=True)

    def check(_: Any) -> None:
        assert registered(mocks, "a").inputs["global_sign_out"] is True
        assert registered(mocks, "b").inputs["global_sign_out"] is True
    return b.urn.apply(check)


@pulumi.runtime.test
def test_type_token_and_every_output_attribute_exists(mocks: Mocks) -> Any:
    r = CognitoPasswordReset("r", user_pool_id="us-east-1_abc", username="alice")
    assert r.urn is not None
    for attribute in ("user_pool_id", "username", "client_metadata", "rotation_trigger", "reset_on_create",
                      "rotate_after_days", "global_sign_out", "rotation_window", "reset_at", "user_status",
                      "signed_out_at"):
        assert isinstance(getattr(r, attribute), pulumi.Output), attribute

    def check(urn: str) -> None:
        assert urn.endswith(f"${TYPE}::r")
    return r.urn.apply(check)


@pulumi.runtime.test
def test_client_metadata_is_always_secret(mocks: Mocks) -> Any:
    r = CognitoPasswordReset("r", user_pool_id="us-east-1_abc", username="alice",
                             client_metadata={"reason": "plain, not passed as a secret"},
                             opts=pulumi.ResourceOptions(additional_secret_outputs=["username"]))

    def check(args: list[Any]) -> None:
        _, output_is_secret = args
        inputs = registered(mocks, "r").inputs
        assert is_secret(inputs["client_metadata"])
        assert inputs["client_metadata"]["value"] == {"reason": "plain, not passed as a secret"}
        assert not is_secret(inputs["username"])
        assert output_is_secret is True
    return pulumi.Output.all(r.urn, pulumi.Output.is_secret(r.client_metadata)).apply(check)


def test_additional_secret_outputs_guard_client_metadata(monkeypatch: pytest.MonkeyPatch, mocks: Mocks) -> None:
    seen: list[pulumi.ResourceOptions] = []
    original = pulumi.CustomResource.__init__

    def spy(self: Any, t: str, name: str, props: Any, opts: pulumi.ResourceOptions | None = None) -> None:
        seen.append(opts or pulumi.ResourceOptions())
        original(self, t, name, props, opts)

    monkeypatch.setattr(pulumi.CustomResource, "__init__", spy)

    @pulumi.runtime.test  # registers inside a program run, so nothing is left pending for the next test
    def program() -> None:
        CognitoPasswordReset("r", user_pool_id="us-east-1_abc", username="alice",
                             opts=pulumi.ResourceOptions(additional_secret_outputs=["username"], protect=True))

    program()
    assert seen[0].additional_secret_outputs == ["username", "client_metadata"]
    assert seen[0].protect is True
    assert [r.name for r in mocks.of_type(TYPE)] == ["r"]


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {"username": "alice"}, "user_pool_id"),
    ((CognitoPasswordResetArgs(user_pool_id="us-east-1_a", username="b"),), {"username": "x"}, "not both"),
    (("not options",), {"user_pool_id": "us-east-1_a", "username": "b"}, "opts must be a pulumi.ResourceOptions"),
    ((), {"user_pool_id": "us-east-1_a", "username": "b", "trigger": "x"}, "rotation_trigger"),
])
def test_constructor_misuse_is_a_clear_type_error(args: tuple[Any, ...], kwargs: dict[str, Any],
                                                  message: str) -> None:
    with pytest.raises(TypeError, match=message):
        CognitoPasswordReset("r", *args, **kwargs)
