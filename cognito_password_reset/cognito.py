"""The AWS edge: the only module that knows boto3 and botocore.

It resolves where a call goes (region from the pool id; endpoint, profile, keys and roles to
assume from the stack config or boto3's own chain), keeps one client per distinct target per process, makes
the API calls the resource needs (reset, sign-out, status) and the two list calls a selection of
users makes (``selection.pool_users``), and turns every botocore failure into one sentence a user
can act on. Nothing here decides *whether* to call; the provider (or the selection) does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import BotoCoreError, ClientError

from . import cognito_errors, ratelimit, schema
from .cognito_errors import LIST_GROUP, LIST_USERS, READ, RESET, SIGN_OUT, Call
from .errors import ConfigError
from .regions import region_of
from .roles import STS_ENDPOINTS_KEY, RoleChain, assumed_credentials
from .stackconfig import object_value

if TYPE_CHECKING:
    from botocore.config import _RetryDict
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

SERVICE: Final = "cognito-idp"
ENDPOINTS_KEY = "cognitoidp"
"""The key of Cognito user pools in pulumi-aws's ``aws:endpoints`` config."""

PAGE_SIZE: Final = 60
"""Users per ListUsers / ListUsersInGroup page: the most their ``Limit`` takes (botocore's model,
QueryLimitType max 60). Fewer calls, so fewer slots of the UserList quota per member read."""
USER_LIST_QUOTA: Final = "UserList"
"""The rate limiters' key for both list calls: they share Cognito's UserList quota."""

DEFAULT_RETRY_MODE = "standard"
DEFAULT_MAX_ATTEMPTS = 10
"""Attempts per call, first try included. Cognito's reset quota (30/s per account and
region) is shared with every other client of the account, so a batch must ride out
throttling rather than lose a reset; standard mode backs off with jitter and its retry
quota stops a storm when everything fails. AWS_MAX_ATTEMPTS overrides it."""


@dataclass(frozen=True)
class AwsSettings:
    """Where and as whom to call AWS, and how fast, from the stack config (read in ``configure()``).

    Empty fields mean "boto3's default chain decides": environment variables, shared config
    and credential files, container and instance roles. ``roles`` are assumed on top of those
    (``aws:assumeRoles``, ``aws:assumeRoleWithWebIdentity``), through ``sts_endpoint_url`` if set.
    Secrets are kept out of ``repr``. The rates are ``cognito-password-reset:maxResetsPerSecond``
    and ``maxReadsPerSecond`` (0: no limit).
    """

    endpoint_url: str | None = None
    profile: str | None = None
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    sts_endpoint_url: str | None = None
    roles: RoleChain = field(default_factory=RoleChain)
    # How fast, not where or as whom: left out of equality and hash, so a change of rate
    # neither builds another client nor starts a second schedule for the same account.
    max_resets_per_second: float = field(default=ratelimit.DEFAULT_PER_SECOND, compare=False)
    max_reads_per_second: float = field(default=ratelimit.DEFAULT_READS_PER_SECOND, compare=False)

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> AwsSettings:
        """Read the pulumi-aws keys the provider honours, so one stack config drives both."""

        def text(key: str) -> str | None:
            value = get(key)
            return str(value) if value not in (None, "") else None

        endpoints = object_value(get("aws:endpoints"), "aws:endpoints",
                                 "set it as a list of maps, for example [{cognitoidp: 'http://127.0.0.1:5000'}]")
        return cls(
            endpoint_url=_endpoint(endpoints, ENDPOINTS_KEY),
            profile=text("aws:profile"),
            access_key=text("aws:accessKey"),
            secret_key=text("aws:secretKey"),
            token=text("aws:token"),
            sts_endpoint_url=_endpoint(endpoints, STS_ENDPOINTS_KEY),
            roles=RoleChain.from_config(get),
            max_resets_per_second=ratelimit.per_second_from_config(get),
            max_reads_per_second=ratelimit.per_second_from_config(
                get, ratelimit.READS_CONFIG_KEY, ratelimit.DEFAULT_READS_PER_SECOND, "reads"),
        )


def _endpoint(endpoints: Any, service: str) -> str | None:
    # pulumi-aws's aws:endpoints is a list of maps (service -> URL), parsed from its JSON text.
    if isinstance(endpoints, Mapping):
        endpoints = [endpoints]
    for entry in endpoints or []:
        if isinstance(entry, Mapping) and entry.get(service):
            return str(entry[service])
    return None


@dataclass(frozen=True)
class Target:
    """Everything that makes two clients different; the client cache's key."""

    region: str
    settings: AwsSettings


def retry_config() -> _RetryDict:
    # An explicit mode, because the default differs between botocore builds (legacy mode
    # does not retry Cognito's TooManyRequestsException); the environment still wins.
    mode = os.environ.get("AWS_RETRY_MODE") or DEFAULT_RETRY_MODE
    if mode not in ("standard", "adaptive", "legacy"):
        raise ConfigError(f"AWS_RETRY_MODE must be standard, adaptive or legacy, not {mode!r}; "
                          f"unset it to use {DEFAULT_RETRY_MODE}")
    attempts = os.environ.get("AWS_MAX_ATTEMPTS") or str(DEFAULT_MAX_ATTEMPTS)
    if not attempts.isdigit() or int(attempts) < 1:
        raise ConfigError(f"AWS_MAX_ATTEMPTS must be a whole number of 1 or more (attempts per call, "
                          f"the first included), not {attempts!r}; unset it to use {DEFAULT_MAX_ATTEMPTS}")
    return cast("_RetryDict", {"mode": mode, "total_max_attempts": int(attempts)})


class ClientCache:
    """One cognito-idp client per target, built lazily, shared by the host's threads.

    A boto3 session costs ~80-100 ms to build and a client ~10 ms; a built client is
    thread-safe, so the four calls the provider host runs at once share it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[Target, CognitoIdentityProviderClient] = {}

    def get(self, target: Target) -> CognitoIdentityProviderClient:
        client = self._clients.get(target)
        if client is None:
            with self._lock:
                client = self._clients.get(target)
                if client is None:
                    client = self._clients[target] = _new_client(target)
        return client

    def clear(self) -> None:
        with self._lock:
            self._clients.clear()


def _new_client(target: Target) -> CognitoIdentityProviderClient:
    import boto3
    from botocore.config import Config

    s = target.settings
    config = Config(retries=retry_config(), user_agent_extra="cognito-password-reset")
    session = boto3.session.Session(
        profile_name=s.profile,
        aws_access_key_id=s.access_key,
        aws_secret_access_key=s.secret_key,
        aws_session_token=s.token,
    )
    if s.roles:
        session = _assumed_session(session, target, config)
    return session.client(SERVICE, region_name=target.region, endpoint_url=s.endpoint_url, config=config)


def _assumed_session(base: Any, target: Target, config: Any) -> Any:
    """A session whose credentials assume ``target``'s roles, starting from ``base``'s, and refresh
    themselves; the STS calls go to aws:endpoints' sts entry, in the pool's region."""
    import boto3
    import botocore.session
    from botocore.credentials import CredentialProvider, CredentialResolver

    def create_sts_client(service: str, **kwargs: Any) -> Any:
        own = kwargs.pop("config", None)  # web identity passes an unsigned config
        return base.client(service, region_name=target.region, endpoint_url=target.settings.sts_endpoint_url,
                           config=config.merge(own) if own is not None else config, **kwargs)

    credentials = assumed_credentials(target.settings.roles, base.get_credentials(), create_sts_client)

    class Assumed(CredentialProvider):
        METHOD = "cognito-password-reset-assumed-role"
        CANONICAL_NAME = "custom-cognito-password-reset-assumed-role"

        def load(self) -> Any:
            return credentials

    core = botocore.session.Session()
    core.register_component("credential_provider", CredentialResolver([Assumed()]))
    return boto3.session.Session(botocore_session=core)


CLIENTS = ClientCache()
"""The process-wide cache: one provider host serves a whole ``pulumi up``."""


class Cognito:
    """The calls a CognitoPasswordReset makes, and the two a selection makes, with errors already
    translated."""

    def __init__(self, settings: AwsSettings, clients: ClientCache = CLIENTS,
                 limiters: ratelimit.RateLimiters | None = None) -> None:
        self._settings = settings
        self._clients = clients
        self._limiters = limiters if limiters is not None else ratelimit.LIMITERS

    def _client(self, target: Target, call: Call) -> CognitoIdentityProviderClient:
        try:
            return self._clients.get(target)
        except (BotoCoreError, ClientError) as exc:  # a missing profile fails here
            raise cognito_errors.translate(exc, call) from None

    def _target(self, user_pool_id: str) -> Target:
        return Target(region_of(user_pool_id), self._settings)

    # AdminUserGlobalSignOut's quota category is not confirmed (UserUpdate, 25/s not adjustable, or
    # UserToken, 120/s, going by the categories' descriptions in Cognito's quota table), so a sign-out
    # takes a slot of the reset schedule rather than a rate of its own: resets and sign-outs together
    # stay within maxResetsPerSecond. At the default of 30, a fleet that signs out makes at most 15
    # sign-outs and 15 resets a second: under either candidate quota, and under the resets' own 30.
    def _pace(self, target: Target, slots: int = 1) -> None:
        # Within Cognito's quota per account and region: the target stands for both.
        self._limiters.acquire((RESET, target), self._settings.max_resets_per_second, slots)

    def global_sign_out(self, user_pool_id: str, username: str) -> None:
        """AdminUserGlobalSignOut: revoke the user's refresh tokens (and, for Cognito's own APIs, its
        access tokens), paced as a reset is."""
        call = Call(SIGN_OUT, user_pool_id, username)
        target = self._target(user_pool_id)
        client = self._client(target, call)
        self._pace(target)
        self._sign_out(client, call)

    def _sign_out(self, client: CognitoIdentityProviderClient, call: Call) -> None:
        try:
            client.admin_user_global_sign_out(UserPoolId=call.user_pool_id, Username=call.username)
        except (BotoCoreError, ClientError) as exc:
            raise cognito_errors.translate(exc, call) from None

    def reset_password(self, user_pool_id: str, username: str, client_metadata: Mapping[str, str] | None, *,
                       sign_out_first: bool = False, unless_reset_required: bool = False) -> bool:
        """AdminResetUserPassword, handing ``client_metadata`` to the pool's Lambda triggers; True if sent.

        ``unless_reset_required``: first AdminGetUser, and send no reset (False) if the user is
        already RESET_REQUIRED; a failure of that look is this reset's failure, nothing sent.
        ``sign_out_first``: AdminUserGlobalSignOut just before the reset (why first: the provider's
        ``_reset``), and also when the reset is not sent, since a sign-out mails nobody. The pair
        takes two consecutive slots of the schedule at once, so no other call's wait falls between
        them; a failed sign-out raises before the reset is sent.
        """
        metadata = dict(client_metadata or {})
        secrets = tuple(metadata.values())
        call = Call(RESET, user_pool_id, username, secrets=secrets, paired=sign_out_first)
        target = self._target(user_pool_id)
        client = self._client(target, call)
        try:
            send = not (unless_reset_required
                        and self._status(client, target, user_pool_id, username) == schema.RESET_REQUIRED)
        except (BotoCoreError, ClientError) as exc:
            # Nothing was sent yet, signed out or not.
            raise cognito_errors.translate(exc, Call(RESET, user_pool_id, username, secrets=secrets)) from None
        if sign_out_first or send:
            self._pace(target, slots=int(sign_out_first) + int(send))
        if sign_out_first:
            self._sign_out(client, Call(SIGN_OUT, user_pool_id, username, paired=send))
        if not send:
            return False
        try:
            if metadata:
                client.admin_reset_user_password(UserPoolId=user_pool_id, Username=username, ClientMetadata=metadata)
            else:
                client.admin_reset_user_password(UserPoolId=user_pool_id, Username=username)
        except (BotoCoreError, ClientError) as exc:
            raise cognito_errors.translate(exc, call) from None
        return True

    def _status(self, client: CognitoIdentityProviderClient, target: Target, user_pool_id: str, username: str) -> str:
        # Reads have a quota (and so a schedule) of their own: they never queue behind resets.
        self._limiters.acquire((READ, target), self._settings.max_reads_per_second)
        return client.admin_get_user(UserPoolId=user_pool_id, Username=username)["UserStatus"]

    def user_status(self, user_pool_id: str, username: str) -> str | None:
        """The user's status (``CONFIRMED``, ``RESET_REQUIRED``, ...); None if the pool says the user
        does not exist; ``schema.POOL_NOT_FOUND`` if no such pool answers to these credentials in
        this region (deleted, or another account reached: it says nothing about the user)."""
        call = Call(READ, user_pool_id, username)
        target = self._target(user_pool_id)
        client = self._client(target, call)
        try:
            return self._status(client, target, user_pool_id, username)
        except (BotoCoreError, ClientError) as exc:
            if cognito_errors.is_user_gone(exc):
                return None
            if cognito_errors.is_pool_gone(exc):
                return schema.POOL_NOT_FOUND
            raise cognito_errors.translate(exc, call) from None

    def group_members(self, user_pool_id: str, group: str) -> list[str]:
        """The usernames of ``group``'s members (ListUsersInGroup, every page), in Cognito's order."""
        return self._list(Call(LIST_GROUP, user_pool_id, group=group), "list_users_in_group", "NextToken",
                          {"GroupName": group})

    def users(self, user_pool_id: str, filter: str | None = None) -> list[str]:
        """The usernames of the pool's users (ListUsers, every page), narrowed by Cognito's ``filter``."""
        return self._list(Call(LIST_USERS, user_pool_id), "list_users", "PaginationToken",
                          {"Filter": filter} if filter else {})

    def _list(self, call: Call, method: str, token_key: str, params: dict[str, str]) -> list[str]:
        target = self._target(call.user_pool_id)
        client = self._client(target, call)
        rate = ratelimit.list_rate(self._settings.max_reads_per_second)
        names: list[str] = []
        token: str | None = None
        try:
            while True:
                # Every page is a call against UserList's quota: one slot each.
                self._limiters.acquire((USER_LIST_QUOTA, target), rate)
                page = getattr(client, method)(UserPoolId=call.user_pool_id, Limit=PAGE_SIZE, **params,
                                               **({token_key: token} if token else {}))
                names.extend(str(user["Username"]) for user in page.get("Users", []))
                token = page.get(token_key)
                if not token:
                    return names
        except (BotoCoreError, ClientError) as exc:
            raise cognito_errors.translate(exc, call) from None
