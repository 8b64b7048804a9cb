"""Role assumption, as pulumi-aws does it: the stack config keys ``aws:assumeRoles`` and
``aws:assumeRoleWithWebIdentity``, read and checked here, and turned into botocore's refreshable
assumed-role credentials (part of the AWS edge, with ``cognito.py``).

pulumi-aws v7 (like terraform-provider-aws) chains the roles of ``aws:assumeRoles`` in order:
the base credentials (profile, keys or boto3's chain) assume the first role, whose session
assumes the second, and so on. ``aws:assumeRoleWithWebIdentity``, if set, replaces the base
credentials: its session assumes the first role of the list. Every session is refreshed by
botocore before it expires, so a long ``pulumi up`` never runs on an expired token; the STS
calls go to the ``sts`` entry of ``aws:endpoints`` when there is one.

Object-valued config reaches the provider as JSON text. A bad shape fails ``configure()``, the
provider's first call (already at preview), with one sentence naming the key and the fix; no
value but a role ARN ever appears in a sentence (an external id, a policy or a token may be
secret), and the dataclasses keep them out of ``repr``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .errors import ConfigError, kind
from .stackconfig import object_value

ASSUME_ROLES_KEY: Final = "aws:assumeRoles"
WEB_IDENTITY_KEY: Final = "aws:assumeRoleWithWebIdentity"
STS_ENDPOINTS_KEY: Final = "sts"
"""The key of STS in pulumi-aws's ``aws:endpoints`` config."""

ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
EXAMPLE_ARN: Final = "arn:aws:iam::123456789012:role/deploy"
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
"""STS's RoleSessionName constraint, checked here so a bad name fails at preview, not mid-run."""

MIN_DURATION: Final = 15 * 60
MAX_DURATION: Final = 12 * 60 * 60
"""pulumi-aws's bounds for ``duration``: 15 minutes to 12 hours."""

_AS_DOCUMENTED: Final = "set it in Pulumi.<stack>.yaml as pulumi-aws documents it"
_ROLE_KEYS: Final = frozenset({"roleArn", "sessionName", "externalId", "duration", "durationSeconds", "policy",
                               "policyArns", "tags", "transitiveTagKeys", "sourceIdentity"})
_WEB_IDENTITY_KEYS: Final = frozenset({"roleArn", "sessionName", "webIdentityToken", "webIdentityTokenFile",
                                       "duration", "durationSeconds", "policy", "policyArns"})
_DURATION_UNITS: Final = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


@dataclass(frozen=True)
class AssumeRole:
    """One entry of ``aws:assumeRoles``: the arguments of an sts:AssumeRole call."""

    role_arn: str
    session_name: str | None = None
    external_id: str | None = field(default=None, repr=False)
    duration_seconds: int | None = None
    policy: str | None = field(default=None, repr=False)
    policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = field(default=None, repr=False)

    def sts_arguments(self) -> dict[str, Any]:
        """AssumeRole's parameters besides RoleArn (botocore adds it, and a session name if none)."""
        args: dict[str, Any] = _common(self.session_name, self.duration_seconds, self.policy, self.policy_arns)
        if self.external_id:
            args["ExternalId"] = self.external_id
        if self.tags:
            args["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags]
        if self.transitive_tag_keys:
            args["TransitiveTagKeys"] = list(self.transitive_tag_keys)
        if self.source_identity:
            args["SourceIdentity"] = self.source_identity
        return args


@dataclass(frozen=True)
class WebIdentityRole:
    """``aws:assumeRoleWithWebIdentity``: the arguments of an sts:AssumeRoleWithWebIdentity call."""

    role_arn: str
    session_name: str | None = None
    web_identity_token: str | None = field(default=None, repr=False)
    web_identity_token_file: str | None = None
    duration_seconds: int | None = None
    policy: str | None = field(default=None, repr=False)
    policy_arns: tuple[str, ...] = ()

    def sts_arguments(self) -> dict[str, Any]:
        """AssumeRoleWithWebIdentity's parameters besides RoleArn and the token."""
        return _common(self.session_name, self.duration_seconds, self.policy, self.policy_arns)

    def token(self) -> str:
        """The token, read from its file at every refresh (a CI system rotates the file)."""
        if self.web_identity_token:
            return self.web_identity_token
        path = self.web_identity_token_file or ""
        try:
            with open(path, encoding="utf-8") as file:
                return file.read().strip()
        except OSError as exc:
            raise ConfigError(
                f"stack config {WEB_IDENTITY_KEY}.webIdentityTokenFile cannot be read ({exc.strerror}: {path}); "
                f"point it at the file your CI system writes the OIDC token to") from None


def _common(session_name: str | None, duration: int | None, policy: str | None,
            policy_arns: tuple[str, ...]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if session_name:
        args["RoleSessionName"] = session_name
    if duration is not None:
        args["DurationSeconds"] = duration
    if policy:
        args["Policy"] = policy
    if policy_arns:
        args["PolicyArns"] = [{"arn": arn} for arn in policy_arns]
    return args


@dataclass(frozen=True)
class RoleChain:
    """Every role to assume, in order; empty means the base credentials are used as they are."""

    web_identity: WebIdentityRole | None = None
    assume_roles: tuple[AssumeRole, ...] = ()

    def __bool__(self) -> bool:
        return self.web_identity is not None or bool(self.assume_roles)

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> RoleChain:
        roles = object_value(get(ASSUME_ROLES_KEY), ASSUME_ROLES_KEY, _AS_DOCUMENTED)
        if roles is not None and not isinstance(roles, list):
            raise ConfigError(f"stack config {ASSUME_ROLES_KEY} must be a list of maps, one per role to "
                              f"assume in order, for example [{{roleArn: {EXAMPLE_ARN}}}]; got a {kind(roles)}")
        web = object_value(get(WEB_IDENTITY_KEY), WEB_IDENTITY_KEY, _AS_DOCUMENTED)
        if web is not None and not isinstance(web, Mapping):
            raise ConfigError(f"stack config {WEB_IDENTITY_KEY} must be a map, for example "
                              f"{{roleArn: {EXAMPLE_ARN}, webIdentityTokenFile: /path/to/token}}; got a {kind(web)}")
        return cls(
            web_identity=_web_identity(web) if web else None,
            assume_roles=tuple(_assume_role(entry, f"{ASSUME_ROLES_KEY}[{i}]") for i, entry in enumerate(roles or [])),
        )


def _entry(entry: Any, where: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"stack config {where} must be a map with at least roleArn, for example "
                          f"{{roleArn: {EXAMPLE_ARN}}}; got a {kind(entry)}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ConfigError(f"stack config {where} has the key {unknown[0]!r}, which pulumi-aws does not read; "
                          f"use only {', '.join(sorted(allowed))}")
    arn = entry.get("roleArn")
    if not isinstance(arn, str) or not ROLE_ARN.fullmatch(arn):
        found = "is missing" if arn in (None, "") else f"is {arn!r}, not an IAM role ARN"
        raise ConfigError(f"stack config {where}.roleArn {found}; set it to the ARN of the role to assume, "
                          f"such as {EXAMPLE_ARN}")
    return entry


def _text(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(f"stack config {where}.{key} must be a string but is a {kind(value)}; quote it")
    return value


def _texts(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"stack config {where}.{key} must be a list of strings")
    return tuple(value)


def _duration(entry: Mapping[str, Any], where: str) -> int | None:
    seconds: float | None = None
    if entry.get("duration") not in (None, ""):
        text = entry["duration"]
        parts = _DURATION.findall(text) if isinstance(text, str) else []
        if not parts or "".join(n + u for n, u in parts) != text:
            seconds = -1.0
        else:
            seconds = sum(float(n) * _DURATION_UNITS[u] for n, u in parts)
    elif entry.get("durationSeconds") not in (None, ""):
        raw = entry["durationSeconds"]
        seconds = float(raw) if isinstance(raw, int) and not isinstance(raw, bool) else -1.0
    if seconds is None:
        return None
    if not MIN_DURATION <= seconds <= MAX_DURATION or seconds != int(seconds):
        raise ConfigError(f"stack config {where}.duration must be a duration from 15m to 12h, such as 1h or 90m "
                          f"(or durationSeconds, a whole number of seconds from {MIN_DURATION} to {MAX_DURATION})")
    return int(seconds)


def _session_name(entry: Mapping[str, Any], where: str) -> str | None:
    name = _text(entry, "sessionName", where)
    if name is not None and not SESSION_NAME.fullmatch(name):
        raise ConfigError(f"stack config {where}.sessionName must be 2 to 64 letters, digits or +=,.@- "
                          f"(STS's rule for a session name); got {name!r}")
    return name


def _assume_role(raw: Any, where: str) -> AssumeRole:
    entry = _entry(raw, where, _ROLE_KEYS)
    tags = entry.get("tags")
    if tags is not None and (not isinstance(tags, Mapping)
                             or not all(isinstance(v, str) for v in tags.values())):
        raise ConfigError(f"stack config {where}.tags must be a map of strings (session tag -> value)")
    return AssumeRole(
        role_arn=entry["roleArn"],
        session_name=_session_name(entry, where),
        external_id=_text(entry, "externalId", where),
        duration_seconds=_duration(entry, where),
        policy=_text(entry, "policy", where),
        policy_arns=_texts(entry, "policyArns", where),
        tags=tuple(sorted((str(k), v) for k, v in (tags or {}).items())),
        transitive_tag_keys=_texts(entry, "transitiveTagKeys", where),
        source_identity=_text(entry, "sourceIdentity", where),
    )


def _web_identity(raw: Any) -> WebIdentityRole:
    where = WEB_IDENTITY_KEY
    entry = _entry(raw, where, _WEB_IDENTITY_KEYS)
    token, token_file = _text(entry, "webIdentityToken", where), _text(entry, "webIdentityTokenFile", where)
    if not token and not token_file:
        raise ConfigError(f"stack config {where} needs webIdentityToken or webIdentityTokenFile; set the one "
                          f"your CI system provides (the OIDC token, or the path of the file holding it)")
    return WebIdentityRole(
        role_arn=entry["roleArn"],
        session_name=_session_name(entry, where),
        web_identity_token=token,
        web_identity_token_file=token_file,
        duration_seconds=_duration(entry, where),
        policy=_text(entry, "policy", where),
        policy_arns=_texts(entry, "policyArns", where),
    )


StsClientCreator = Callable[..., Any]
"""Takes ``Session.create_client``'s arguments (``'sts'``, credentials, ``config``); returns a client."""


def assumed_credentials(chain: RoleChain, source: Any, create_sts_client: StsClientCreator) -> Any:
    """botocore credentials that assume ``chain``'s roles in order, starting from ``source`` (the
    base credentials, or None), each refreshed by botocore shortly before it expires."""
    from botocore.credentials import (
        AssumeRoleCredentialFetcher,
        AssumeRoleWithWebIdentityCredentialFetcher,
        DeferredRefreshableCredentials,
    )
    from botocore.exceptions import NoCredentialsError

    credentials = source
    if chain.web_identity is not None:
        web = chain.web_identity
        fetcher: Any = AssumeRoleWithWebIdentityCredentialFetcher(
            create_sts_client, web.token, web.role_arn, extra_args=web.sts_arguments())
        credentials = DeferredRefreshableCredentials(fetcher.fetch_credentials, "assume-role-with-web-identity")
    for role in chain.assume_roles:
        if credentials is None:
            raise NoCredentialsError()
        fetcher = AssumeRoleCredentialFetcher(create_sts_client, credentials, role.role_arn,
                                              extra_args=role.sts_arguments())
        credentials = DeferredRefreshableCredentials(fetcher.fetch_credentials, "assume-role")
    return credentials
