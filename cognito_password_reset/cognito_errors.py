"""Turn a botocore failure into one sentence: what happened to which user, and what to do.

Part of the AWS edge (with ``cognito.py``): the error codes are those the botocore model
lists for AdminResetUserPassword, AdminUserGlobalSignOut and AdminGetUser (and ListUsersInGroup and
ListUsers, which a selection of users by group or pool makes), plus the generic IAM/STS and
transport failures every call can meet. Each error is classified on what AWS answered (code and
message, untouched); the sentence is the provider's own, and only the text quoted from AWS or
botocore in it has the client metadata values masked, since a Lambda trigger's error can echo
what it was given, as it was given or as a string literal of Python or JSON (``_written_forms``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Final

from botocore import exceptions as bx

from .errors import CognitoPasswordResetError
from .schema import RESOURCE_TYPE

_LAMBDA_CODES = frozenset({"UnexpectedLambdaException", "UserLambdaValidationException",
                           "InvalidLambdaResponseException"})
_THROTTLE_CODES = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling"})
_ROLE_CODES = frozenset({"InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
                         "InvalidEmailRoleAccessPolicyException"})
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied"})
_BAD_CREDENTIALS_CODES = frozenset({"UnrecognizedClientException", "InvalidClientTokenId",
                                    "InvalidSignatureException", "SignatureDoesNotMatch"})
_EXPIRED_CODES = frozenset({"ExpiredTokenException", "ExpiredToken", "RequestExpired"})
_ASSUME_ROLE_OPERATIONS = frozenset({"AssumeRole", "AssumeRoleWithWebIdentity"})

RESET: Final = "AdminResetUserPassword"
READ: Final = "AdminGetUser"
SIGN_OUT: Final = "AdminUserGlobalSignOut"
LIST_GROUP: Final = "ListUsersInGroup"
LIST_USERS: Final = "ListUsers"
LISTS: Final = (LIST_GROUP, LIST_USERS)
"""The calls that select users (``selection.pool_users``): Cognito's UserList quota, 30 requests a
second per account and region, not adjustable."""
_VERBS: Final = {RESET: "reset the password of", READ: "read", SIGN_OUT: "sign out"}

SHORT_SECRET: Final = 8
"""Metadata values shorter than this are masked only where they stand as a whole word: a short
value such as ``en`` is also a piece of ordinary words, and masking it inside them mangles the
text (``curr***t state``). Longer values are masked wherever they appear."""

TRIVIAL_SECRET: Final = 4
"""Values shorter than this (``e``, ``en``, ``the``) are not masked at all: they are ordinary
words of any message, and a value of three characters hides nothing that masking could keep."""

_IAM_FIX = ("allow cognito-idp:AdminResetUserPassword and cognito-idp:AdminGetUser on the pool's ARN "
            "for the identity Pulumi runs as")
_SIGN_OUT_IAM_FIX = ("allow cognito-idp:AdminUserGlobalSignOut on the pool's ARN for the identity Pulumi runs as, "
                     "or set global_sign_out to false")
_CREDENTIALS_FIX = ("set aws:profile, or aws:accessKey and aws:secretKey, in the stack config, or give "
                    "pulumi the usual AWS environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)")


@dataclass(frozen=True)
class Call:
    """What was being done: the Cognito ``operation`` (RESET, SIGN_OUT or READ), on which user, and the
    client metadata values (``secrets``) that must not appear in the sentence; or a list (LIST_GROUP
    with its ``group``, LIST_USERS), which concerns no one user. ``paired`` marks the two calls of a
    reset that signs the user out first: the sentence then says what the pair did, since that
    decides what the user got (a failed sign-out: no mail; a failed reset: signed out, no mail)."""

    operation: str
    user_pool_id: str
    username: str = ""
    secrets: tuple[str, ...] = field(default=(), repr=False)
    group: str | None = None
    paired: bool = False

    def subject(self) -> str:
        if self.operation == LIST_GROUP:
            return (f"{RESOURCE_TYPE} could not read the members of group '{self.group}' in user pool "
                    f"'{self.user_pool_id}'")
        if self.operation == LIST_USERS:
            return f"{RESOURCE_TYPE} could not list the users of user pool '{self.user_pool_id}'"
        user = f"user '{self.username}' in user pool '{self.user_pool_id}'"
        if self.paired and self.operation == RESET:
            return f"{RESOURCE_TYPE} signed {user} out everywhere but could not reset the password"
        verb = _VERBS.get(self.operation, f"call {self.operation} for")
        subject = f"{RESOURCE_TYPE} could not {verb} {user}"
        if self.paired and self.operation == SIGN_OUT:
            subject += ", so it sent no password reset either"
        return subject

    def masked(self, text: str) -> str:
        """``text`` (quoted from AWS or botocore) with every metadata value masked as ``***``, in
        each of its ``_written_forms``; which rule applies is decided on the value's own length."""
        # Longest first, so a value that contains another is masked whole.
        for secret in sorted(set(self.secrets), key=len, reverse=True):
            if len(secret) < TRIVIAL_SECRET:
                continue
            # Longest form first too: a form that begins another must not mask only a part of it.
            pattern = "|".join(map(re.escape, sorted(_written_forms(secret), key=len, reverse=True)))
            if len(secret) < SHORT_SECRET:
                # A word's start: no word character before it, unless one that ends an escape
                # (the "n" of a JSON or repr \n, as in "see\nM\u00fcller").
                pattern = rf"(?<!(?<!\\)\w)(?:{pattern})(?!\w)"
            # Any case: .NET's and Java's (Jackson's) JSON encoders write \u00FC, and an echo may change case.
            text = re.sub(pattern, "***", text, flags=re.IGNORECASE)
        return text


def _written_forms(value: str) -> set[str]:
    """``value`` as a Lambda trigger's error can echo it: as is; inside a JSON string, as Python's
    json.dumps writes it with or without ensure_ascii (the latter is also Node's JSON.stringify),
    and with ``/`` escaped as PHP's json_encode writes it; inside a Python string literal, as
    repr() writes it (an f-string of the event) and ascii()."""
    in_json = {json.dumps(value, ensure_ascii=ascii_only)[1:-1] for ascii_only in (True, False)}
    in_json |= {form.replace("/", "\\/") for form in in_json}
    return {value, repr(value)[1:-1], ascii(value)[1:-1], *in_json}


def is_user_gone(exc: BaseException) -> bool:
    """True if the pool answered that the user does not exist (any more)."""
    return isinstance(exc, bx.ClientError) and _code(exc) == "UserNotFoundException"


def is_pool_gone(exc: BaseException) -> bool:
    """True if no such pool exists for these credentials in this region: deleted, or (as likely)
    the call reached another account, so it says nothing about the user."""
    return isinstance(exc, bx.ClientError) and _code(exc) == "ResourceNotFoundException"


def _code(exc: bx.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def _message(exc: bx.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")).strip().rstrip(".")


def _attempts(exc: bx.ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1


def _iam_fix(call: Call) -> str:
    if call.operation in LISTS:
        return f"allow cognito-idp:{call.operation} on the pool's ARN for the identity Pulumi runs as"
    return _SIGN_OUT_IAM_FIX if call.operation == SIGN_OUT else _IAM_FIX


def _list_error(code: str, message: str, call: Call, attempts: int) -> str | None:
    """The sentence for what only a list call can meet, or None for the generic one. A failed list is
    never an empty one: each of these stops the run (the stack's preview or up) before any change."""
    if code == "ResourceNotFoundException" and call.operation == LIST_GROUP and "pool" not in message.lower():
        # Cognito says "User pool ... does not exist." for the pool; anything else is the group.
        return ("the pool has no group of that name (group names are case-sensitive); check the group name, "
                "or create the group in the pool")
    if code == "ResourceNotFoundException":
        return ("the user pool does not exist in this account and region; check the pool id and that the "
                "credentials belong to the pool's account")
    if code in _THROTTLE_CODES:
        return (f"Cognito throttled the call ({code}) on all {attempts} attempts; {call.operation} allows 30 "
                f"requests per second per account and region (not adjustable), shared with every other client "
                f"that lists users; lower cognito-password-reset:maxReadsPerSecond or run pulumi again")
    if code == "InvalidParameterException":
        what = "the group name" if call.operation == LIST_GROUP else "the filter"
        return f"Cognito rejected a parameter ({message}); check {what} and the pool id"
    return None


def _client_error(exc: bx.ClientError, call: Call) -> str:
    # Classify on the original answer; quote it only masked.
    code, original = _code(exc), _message(exc)
    lowered, message = original.lower(), call.masked(original)
    if exc.operation_name in _ASSUME_ROLE_OPERATIONS:
        return (f"STS refused to let the provider assume a role of aws:assumeRoles or "
                f"aws:assumeRoleWithWebIdentity ({exc.operation_name}, {code}: {message}); check the role ARN "
                f"and that the role's trust policy allows the identity Pulumi runs as")
    if call.operation in LISTS and (listed := _list_error(code, message, call, _attempts(exc))):
        return listed
    if code == "UserNotFoundException":
        return ("no such user exists in the pool (usernames are case-sensitive); check username, "
                "or remove this resource if the user was deleted")
    if code == "ResourceNotFoundException":
        return ("the user pool does not exist in this account and region; check user_pool_id and "
                "that the credentials belong to the pool's account")
    if code == "NotAuthorizedException" and "disabled" in lowered:
        return "the user is disabled; enable it (aws cognito-idp admin-enable-user) and run pulumi up again"
    if code == "NotAuthorizedException" and "current state" in lowered:
        return ("the user is still in FORCE_CHANGE_PASSWORD (created by an admin, never signed in) or "
                "UNCONFIRMED, and Cognito cannot reset a password from that state; re-send the invitation "
                "instead (admin-create-user with MessageAction=RESEND), or set reset_on_create to false "
                "until the user has signed in")
    if code == "InvalidParameterException" and "verified" in lowered:
        return ("the user has no verified email address or phone number to send the code to; verify "
                "one (admin-update-user-attributes with email_verified=true) and run pulumi up again")
    if code in _LAMBDA_CODES:
        return (f"the pool's custom-message Lambda trigger failed ({code}: {message}); the user got no "
                f"message; check the function's CloudWatch logs, fix it and run pulumi up again")
    if code in _THROTTLE_CODES and exc.operation_name == READ:
        # A read: a refresh's, or the look before a reset on create (then `pulumi up` retries it).
        again = "pulumi refresh" if call.operation == READ else "pulumi up"
        return (f"Cognito throttled the call ({code}) on all {_attempts(exc)} attempts; AdminGetUser "
                f"allows 120 requests per second per account and region, shared with every other admin "
                f"read of the account; lower cognito-password-reset:maxReadsPerSecond or run {again} again")
    if code in _THROTTLE_CODES and call.operation == SIGN_OUT:
        return (f"Cognito throttled the call ({code}) on all {_attempts(exc)} attempts; AdminUserGlobalSignOut "
                f"shares the provider's reset rate (cognito-password-reset:maxResetsPerSecond) and Cognito's quota "
                f"with every other client; lower that rate or run pulumi up again, which retries only what is left")
    if code in _THROTTLE_CODES:
        return (f"Cognito throttled the call ({code}) on all {_attempts(exc)} attempts; AdminResetUserPassword "
                f"allows 30 requests per second per account and region, shared with every other client; "
                f"lower the provider's reset rate or run pulumi up again, which retries only what is left")
    if code == "LimitExceededException":
        return (f"Cognito's attempt limit for this user was exceeded ({message}); wait a few minutes "
                f"and run pulumi up again")
    if code in _ROLE_CODES:
        return (f"Cognito cannot use the pool's SMS or email role ({code}: {message}); fix the role's "
                f"policy or trust relationship for cognito-idp.amazonaws.com")
    if code in _DENIED_CODES or (code == "NotAuthorizedException"):
        return f"access was denied ({code}: {message}); {_iam_fix(call)}"
    if code in _BAD_CREDENTIALS_CODES:
        return f"AWS did not accept the credentials ({code}: {message}); {_CREDENTIALS_FIX}"
    if code in _EXPIRED_CODES:
        return f"the AWS credentials have expired ({code}); refresh them (for SSO: aws sso login) and run again"
    if code == "OperationNotEnabledException":
        return f"the operation is not enabled for this user pool ({message}); check the pool's settings"
    if code == "InternalErrorException" or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
        return (f"Cognito failed with an internal error ({code}) on all {_attempts(exc)} attempts; "
                f"run pulumi up again")
    if code == "InvalidParameterException":
        return f"Cognito rejected a parameter ({message}); check user_pool_id and username"
    return f"AWS answered {code}: {message}"


def _botocore_error(exc: bx.BotoCoreError, call: Call) -> str:
    if isinstance(exc, bx.ProfileNotFound):
        return (f"the AWS profile in aws:profile or AWS_PROFILE does not exist ({call.masked(str(exc))}); "
                f"check the profile name")
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return f"no usable AWS credentials were found; {_CREDENTIALS_FIX}"
    if isinstance(exc, (bx.TokenRetrievalError, bx.SSOError, bx.CredentialRetrievalError)):
        return "the AWS credentials could not be loaded or have expired; refresh them (for SSO: aws sso login)"
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError,
                        bx.ReadTimeoutError, bx.ConnectionError, bx.HTTPClientError)):
        url = call.masked(str(getattr(exc, "kwargs", {}).get("endpoint_url", "the Cognito endpoint")))
        return (f"could not reach {url} after retries ({type(exc).__name__}); check the network, and "
                f"aws:endpoints (cognitoidp) or AWS_ENDPOINT_URL if a local endpoint is meant")
    return f"botocore failed ({type(exc).__name__}: {call.masked(str(exc))})"


def translate(exc: BaseException, call: Call) -> CognitoPasswordResetError:
    """One sentence for ``exc``; raise the result ``from None`` to drop botocore's traceback."""
    if isinstance(exc, bx.ClientError):
        what = _client_error(exc, call)
    elif isinstance(exc, bx.BotoCoreError):
        what = _botocore_error(exc, call)
    else:
        what = f"unexpected {type(exc).__name__}"
    return CognitoPasswordResetError(f"{call.subject()}: {what}.")

