"""The exceptions a CognitoPasswordReset raises: each carries one sentence for the user."""

from typing import Any

from .schema import RESOURCE_TYPE

_KINDS = {dict: "map", list: "list", tuple: "list", bool: "boolean", int: "number", float: "number", str: "string",
          type(None): "null value"}


def kind(value: Any) -> str:
    """What ``value`` is, as the author of a program or a stack config names it: "number", not
    "int"; "map", not "dict". Every sentence that says what was found uses it."""
    return _KINDS.get(type(value), type(value).__name__)


class CognitoPasswordResetError(Exception):
    """A reset or read failed; the message names the pool and user, what happened and the fix.

    Raised without a chained botocore traceback: the message is the whole story, and it never
    contains client metadata or credentials.
    """


class ConfigError(CognitoPasswordResetError):
    """The stack config or environment the provider reads (aws:endpoints, AWS_MAX_ATTEMPTS, ...)
    cannot be used; the message names the key and the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{RESOURCE_TYPE}: {message}")


class SelectionError(CognitoPasswordResetError, ValueError):
    """``pool_users`` was given arguments Cognito would refuse (a malformed pool id or group name, a
    filter Cognito cannot parse, a filter with a group); the message names the argument and the fix."""
