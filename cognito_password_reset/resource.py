"""CognitoPasswordReset: what a Pulumi program imports.

Shaped like the generated Pulumi Python SDKs: an Args class, typed inputs and outputs, and a
constructor that takes either ``args=CognitoPasswordResetArgs(...)`` or the same fields as
keyword arguments. It never talks to AWS: the provider does, inside the provider host.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from . import schema
from .provider import CognitoPasswordResetProvider

_PROVIDER = CognitoPasswordResetProvider()


@dataclass(frozen=True, kw_only=True)
class CognitoPasswordResetArgs:
    """The set of arguments for constructing a CognitoPasswordReset."""

    user_pool_id: pulumi.Input[str]
    """The id of the user pool, such as ``us-east-1_AbCdEf123`` (``aws.cognito.UserPool.id``).
    Its prefix is the region the reset is sent to. Changing it replaces the resource."""

    username: pulumi.Input[str]
    """The user's Cognito username. Changing it replaces the resource, which resets the new
    user (unless ``reset_on_create`` is false)."""

    client_metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Key-value pairs handed to the pool's Lambda triggers with the reset (for example
    ``reason``, ``ticket``, ``locale``); the custom-message trigger turns them into the
    message. Always stored as a secret. Changing it alone updates state without a reset."""

    rotation_trigger: pulumi.Input[str] | None = None
    """Any string; each change resets the user again, in place (a date or a ticket id reads
    well in a pull request)."""

    reset_on_create: pulumi.Input[bool] | None = None
    """Whether creating the resource resets the user (default true). False adopts an existing
    user into the stack without mailing it: the first reset then comes with the first
    ``rotation_trigger`` change or scheduled window. (``import`` does not work for dynamic
    resources.)"""

    rotate_after_days: pulumi.Input[int] | None = None
    """Reset the user again every this many whole UTC days (1 to 3650), on a schedule of its
    own: each user's windows are offset by a stable number of days derived from its pool id and
    username, so a fleet falls due spread over the period. The first ``pulumi up`` on or after
    a window's first day resets the user once (``rotation_window`` shows the window). Adding,
    changing or removing it never resets by itself: the first scheduled reset comes at the next
    window start."""

    global_sign_out: pulumi.Input[bool] | None = None
    """Whether each reset this resource makes also signs the user out everywhere
    (``AdminUserGlobalSignOut``: Cognito revokes the user's refresh tokens, so no app can renew a
    session; access and ID tokens your own services check by signature stay valid until they
    expire). Default false. The sign-out is made just before the reset, so a failure of either
    call never costs a second mail. Changing it alone signs out and resets nobody; an adoption
    (``reset_on_create`` false) and a scheduled reset put off by the per-run cap sign nobody out.
    Needs ``cognito-idp:AdminUserGlobalSignOut`` on the pool."""


class CognitoPasswordReset(pulumi.dynamic.Resource, module="cognito", name="CognitoPasswordReset"):
    """An Amazon Cognito admin password reset (``AdminResetUserPassword``) as a resource.

    Creating it resets the user; changing ``rotation_trigger``, or a new window of the
    ``rotate_after_days`` schedule, resets the user again; with ``global_sign_out`` each reset also
    signs the user out everywhere; deleting it leaves the user as it is. Type token:
    ``pulumi-python:dynamic/cognito:CognitoPasswordReset``.
    """

    user_pool_id: pulumi.Output[str]
    """The id of the user pool."""
    username: pulumi.Output[str]
    """The username that is reset."""
    client_metadata: pulumi.Output[dict[str, str] | None]
    """The client metadata of the last reset or update (secret)."""
    rotation_trigger: pulumi.Output[str | None]
    """The rotation trigger the user was last reset for."""
    reset_on_create: pulumi.Output[bool]
    """Whether creation reset the user."""
    rotate_after_days: pulumi.Output[int | None]
    """The rotation period in days, if the user is on a schedule."""
    global_sign_out: pulumi.Output[bool]
    """Whether each reset signs the user out everywhere first."""
    rotation_window: pulumi.Output[str | None]
    """The first day (UTC, ``YYYY-MM-DD``) of the schedule's window the user was last planned
    in; computed by the provider from today's date, None without a schedule. A new value in a
    preview means the user is due for a reset."""
    reset_at: pulumi.Output[str | None]
    """UTC ISO-8601 time of the last successful reset; None if the user was never reset by
    this resource."""
    user_status: pulumi.Output[str | None]
    """The user's Cognito status as last known to the provider (``RESET_REQUIRED`` after a
    reset; ``pulumi refresh`` reads the current one)."""
    signed_out_at: pulumi.Output[str | None]
    """UTC ISO-8601 time of the last reset that also signed the user out everywhere; None if no
    reset by this resource did."""

    @overload
    def __init__(self, resource_name: str, args: CognitoPasswordResetArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, *,
                 user_pool_id: pulumi.Input[str], username: pulumi.Input[str],
                 client_metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
                 rotation_trigger: pulumi.Input[str] | None = None,
                 reset_on_create: pulumi.Input[bool] | None = None,
                 rotate_after_days: pulumi.Input[int] | None = None,
                 global_sign_out: pulumi.Input[bool] | None = None) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        resource_args, opts = _args_and_opts(args, kwargs)
        props: dict[str, Any] = {
            schema.USER_POOL_ID: resource_args.user_pool_id,
            schema.USERNAME: resource_args.username,
            schema.CLIENT_METADATA: (None if resource_args.client_metadata is None
                                     else pulumi.Output.secret(resource_args.client_metadata)),
            schema.ROTATION_TRIGGER: resource_args.rotation_trigger,
            schema.RESET_ON_CREATE: (schema.DEFAULT_RESET_ON_CREATE if resource_args.reset_on_create is None
                                     else resource_args.reset_on_create),
            schema.ROTATE_AFTER_DAYS: resource_args.rotate_after_days,
            schema.GLOBAL_SIGN_OUT: (schema.DEFAULT_GLOBAL_SIGN_OUT if resource_args.global_sign_out is None
                                     else resource_args.global_sign_out),
            # Computed outputs: a key must be present for its attribute to exist.
            schema.ROTATION_WINDOW: None,
            schema.RESET_AT: None,
            schema.USER_STATUS: None,
            schema.SIGNED_OUT_AT: None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=list(schema.SECRET_OUTPUTS))
        with _pickler_kept():
            super().__init__(_PROVIDER, resource_name, props, pulumi.ResourceOptions.merge(opts, secret))


@contextlib.contextmanager
def _pickler_kept() -> Iterator[None]:
    """Undo what ``pulumi.dynamic`` leaves patched on the pure-Python pickler.

    Its ``serialize_provider`` (pulumi 3.272) wraps ``pickle._Pickler._batch_setitems`` in a
    sorting closure on every call and never restores it, so each dynamic resource adds one
    more level of recursion to pickling a dict: about 1,000 resources into a program,
    serializing the provider fails with RecursionError (and each one costs more than the
    last until then). Restoring the two methods after each registration keeps it at one.
    The sorting patch came with pulumi/pulumi#9656 (deterministic serialization); a report of
    this RecursionError that was closed without a reproduction is pulumi/pulumi#17803.
    """
    saved = {name: vars(pickle._Pickler)[name] for name in ("_batch_setitems", "save_dict")}
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(pickle._Pickler, name, method)


def _args_and_opts(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[CognitoPasswordResetArgs,
                                                                          pulumi.ResourceOptions | None]:
    positional = list(args)
    resource_args = kwargs.pop("args", None)
    opts = kwargs.pop("opts", None)
    if positional and isinstance(positional[0], CognitoPasswordResetArgs):
        resource_args = positional.pop(0)
    if positional:
        opts = positional.pop(0)
    if positional:
        raise TypeError(f"{schema.RESOURCE_TYPE}() takes resource_name, args and opts positionally; "
                        "pass the other fields as keyword arguments")
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError(f"{schema.RESOURCE_TYPE}: opts must be a pulumi.ResourceOptions, "
                        f"not {type(opts).__name__}")
    if resource_args is None:
        try:
            resource_args = CognitoPasswordResetArgs(**kwargs)
        except TypeError as exc:
            raise TypeError(f"{schema.RESOURCE_TYPE}: {exc}; the fields are "
                            f"{', '.join(schema.INPUTS)}") from None
    elif kwargs:
        raise TypeError(f"{schema.RESOURCE_TYPE}: pass either args=CognitoPasswordResetArgs(...) or keyword "
                        f"fields, not both (got {', '.join(sorted(kwargs))} as well)")
    return resource_args, opts
