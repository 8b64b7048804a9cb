"""The property names of a CognitoPasswordReset, in one place.

These strings are stored in every stack's state: renaming one is a breaking change for
existing stacks, so they live here and everything else refers to them.
"""

from typing import Final

# At module level: Check and Diff ask is_unknown of every property of every resource, and an
# import statement inside it cost more than the rest of a Diff.
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

RESOURCE_TYPE: Final = "CognitoPasswordReset"
"""The name users see; every error sentence starts with it."""

USER_POOL_ID: Final = "user_pool_id"
USERNAME: Final = "username"
CLIENT_METADATA: Final = "client_metadata"
ROTATION_TRIGGER: Final = "rotation_trigger"
RESET_ON_CREATE: Final = "reset_on_create"
ROTATE_AFTER_DAYS: Final = "rotate_after_days"
GLOBAL_SIGN_OUT: Final = "global_sign_out"

ROTATION_WINDOW: Final = "rotation_window"
"""A computed input: Check fills it (schedule.py) from today's UTC date when rotate_after_days is set."""

RESET_AT: Final = "reset_at"
USER_STATUS: Final = "user_status"
SIGNED_OUT_AT: Final = "signed_out_at"
"""When the last reset that signed the user out everywhere (``global_sign_out``) was made."""

RESET_REQUIRED: Final = "RESET_REQUIRED"
"""Cognito's status of a user whose password was reset and who has not chosen a new one yet."""

POOL_NOT_FOUND: Final = "POOL_NOT_FOUND"
"""The ``user_status`` a refresh records when no such pool answers to the provider's credentials
in its region. That is as often the wrong account or endpoint as a deleted pool, so the resource
stays in state (dropping it would make the next ``pulumi up`` create it, and mail the user, again)."""

PROVIDER: Final = "__provider"
"""Where pulumi.dynamic keeps the serialized provider, next to the inputs."""

INPUTS: Final = (USER_POOL_ID, USERNAME, CLIENT_METADATA, ROTATION_TRIGGER, RESET_ON_CREATE, ROTATE_AFTER_DAYS,
                 GLOBAL_SIGN_OUT)
"""What a program passes."""
CHECKED: Final = (ROTATION_WINDOW,)
"""Inputs Check computes; stored with the inputs, so a preview shows their change."""
COMPUTED: Final = (RESET_AT, USER_STATUS, SIGNED_OUT_AT)
OUTPUTS: Final = INPUTS + CHECKED + COMPUTED

REPLACE_ON_CHANGE: Final = (USER_POOL_ID, USERNAME)
"""A different user is a different reset: these keys plan a replacement."""

RESET_ON_CHANGE: Final = (ROTATION_TRIGGER,)
"""Changing these resets the user again, in place."""

RESET_ON_NEW_WINDOW: Final = (ROTATION_WINDOW,)
"""A later window resets the user again, in place, unless the schedule (SCHEDULE) itself
changed in the same run: then the new window is only recorded."""

SCHEDULE: Final = ROTATE_AFTER_DAYS
"""The key whose change makes a new window a record, not a reset."""

RECORD_ON_CHANGE: Final = (CLIENT_METADATA, RESET_ON_CREATE, ROTATE_AFTER_DAYS, GLOBAL_SIGN_OUT, PROVIDER)
"""Changing these updates state only; no AWS call. Adding, changing or removing the schedule
never resets by itself: the first scheduled reset comes at the next window start. Turning
``global_sign_out`` on signs nobody out by itself either: the sign-out belongs to a reset."""

SECRET_OUTPUTS: Final = (CLIENT_METADATA,)

RESET_IAM_ACTIONS: Final = ("cognito-idp:AdminGetUser", "cognito-idp:AdminResetUserPassword")
"""What every CognitoPasswordReset calls: AdminResetUserPassword on create and update, AdminGetUser
on refresh and before a reset on create."""
SIGN_OUT_IAM_ACTIONS: Final = ("cognito-idp:AdminUserGlobalSignOut",)
"""What a CognitoPasswordReset with ``global_sign_out`` calls besides, before each reset. A pool none
of whose resources sign users out does not need it granted."""
IAM_ACTIONS: Final = RESET_IAM_ACTIONS + SIGN_OUT_IAM_ACTIONS
"""Every AWS action the provider calls. Granted on the pool's ARN, this is the whole policy it needs;
AdminUserGlobalSignOut only where ``global_sign_out`` is true (SIGN_OUT_IAM_ACTIONS)."""

DEFAULT_RESET_ON_CREATE: Final = True
DEFAULT_GLOBAL_SIGN_OUT: Final = False


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (only during preview).

    Inside the provider host Check and Diff deserialize with ``keep_unknowns=True``, so an
    unknown arrives as a ``pulumi.output.Unknown`` instance; the wire sentinel string is
    accepted too, for callers that pass raw wire values.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def contains_unknown(value: object) -> bool:
    """True if ``value`` is unknown or holds an unknown anywhere inside a list or map."""
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(k) or contains_unknown(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


# Selecting users by group or pool (``selection.pool_users``) is not the provider's doing: the
# program calls it at every preview and up, as whoever runs Pulumi. Kept apart from IAM_ACTIONS,
# which lists only what the provider calls, so each pool is granted only the list call it uses.
SELECTION_IAM_ACTIONS: Final = {
    "group": "cognito-idp:ListUsersInGroup",
    "allUsers": "cognito-idp:ListUsers",
}
"""Which action each way of selecting needs (keys as in an ``existingPools`` entry): ``group``
reads the group's members with ListUsersInGroup, ``allUsers`` (with or without ``filter``) reads
the pool's users with ListUsers. Grant each only on the ARNs of the pools that select that way."""
