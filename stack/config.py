"""The stack's config: parsed, checked and turned into one plan per account, without Pulumi.

``load`` takes a getter for raw config values (``pulumi.Config().get`` in the program, a dict
in tests) and returns ``StackConfig``, or raises ``StackConfigError`` listing every problem,
one sentence each, naming the key and the fix. Values are never quoted in a problem: a
reason or ticket may be sensitive, and the key is what the user needs.

Scalar and list keys are declared with the same types and defaults in ``Pulumi.yaml`` (a test
keeps the two in step); the object keys (``testAccounts``, ``accountOverrides``) cannot be
declared there, since project config types stop at arrays of scalars.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# Keys and defaults. The defaults are repeated in Pulumi.yaml, which the CLI applies; the
# program applies them too, so a stack run by other means (mocks, automation) behaves alike.
USER_POOL_NAME: Final = "userPoolName"
ROTATION_TRIGGER: Final = "rotationTrigger"
RESET_REASON: Final = "resetReason"
RESET_TICKET: Final = "resetTicket"
SUPPORT_CONTACT: Final = "supportContact"
LOCALE: Final = "locale"
EXISTING_USERS: Final = "existingUsers"
TEST_ACCOUNTS: Final = "testAccounts"
ACCOUNT_OVERRIDES: Final = "accountOverrides"
TEST_ACCOUNT_PASSWORD: Final = "testAccountPassword"

STRING_DEFAULTS: Final[dict[str, str]] = {
    USER_POOL_NAME: "cognito-password-reset",
    ROTATION_TRIGGER: "initial",
    RESET_REASON: "scheduled password rotation",
    RESET_TICKET: "",
    SUPPORT_CONTACT: "",
    # Empty: no locale is sent, so the custom-message function falls back to the user's own
    # `locale` attribute (a German-speaking user gets German) and only then to English.
    LOCALE: "",
}
LIST_DEFAULTS: Final[dict[str, list[str]]] = {EXISTING_USERS: []}

METADATA_KEYS: Final[dict[str, str]] = {
    RESET_REASON: "reason",
    RESET_TICKET: "ticket",
    SUPPORT_CONTACT: "supportContact",
    LOCALE: "locale",
}
"""Stack config key -> the client metadata key the custom-message function reads."""

TEST_ACCOUNT_FIELDS: Final = ("username", "email", "name")
OVERRIDE_FIELDS: Final = (ROTATION_TRIGGER, *METADATA_KEYS.values())
"""What an account override may set: its own rotation trigger, and any client metadata key."""


QUOTE_IT: Final = "quote it in Pulumi.<stack>.yaml, or set it with `pulumi config set --path --type string ...`"
"""The fix for a number or boolean where text belongs (``config set --path`` types 2027 as a number)."""


SHAPE_EXAMPLES: Final[dict[str, str]] = {
    EXISTING_USERS: f"`{EXISTING_USERS}: [carol, dave]`",
    TEST_ACCOUNTS: f"`{TEST_ACCOUNTS}: [{{username: qa-1, email: qa-1@example.com}}]`",
    ACCOUNT_OVERRIDES: f"`{ACCOUNT_OVERRIDES}: {{carol: {{rotationTrigger: '2026-12-01'}}}}`",
}
"""What each object key looks like, for the sentence that says its shape is wrong."""

TRIGGER_FIX: Final = "set it to a date or ticket id, such as `pulumi config set rotationTrigger 2026-11-27`"


class StackConfigError(ValueError):
    """The stack config cannot be used; ``problems`` holds one sentence per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Account:
    """One account the stack resets; ``create`` if the stack also creates it (a test account)."""

    username: str
    rotation_trigger: str
    client_metadata: dict[str, str]
    create: bool = False
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class StackConfig:
    """Everything the program needs from config, checked."""

    user_pool_name: str
    rotation_trigger: str
    accounts: tuple[Account, ...] = field(default=())


def _kind(value: Any) -> str:
    names = {dict: "map", list: "list", bool: "boolean", int: "number", float: "number", str: "string"}
    return names.get(type(value), type(value).__name__)


class _Reader:
    """Collects problems while reading, so one preview reports every bad key at once."""

    def __init__(self, get: Callable[[str], str | None]) -> None:
        self._get = get
        self.problems: list[str] = []

    def fail(self, key: str, what: str) -> None:
        self.problems.append(f"Stack config {key} {what}.")

    def string(self, key: str) -> str:
        raw = self._get(key)
        if raw is None:
            return STRING_DEFAULTS[key]
        # Object config reaches a program as JSON text; a map or list here is a mistake.
        parsed = _json_or_none(raw)
        if isinstance(parsed, (dict, list)):
            self.fail(key, f"must be a string but is a {_kind(parsed)}; set it with "
                           f"`pulumi config set {key} <text>`")
            return STRING_DEFAULTS[key]
        return raw

    def structured(self, key: str, expected: type, default: Any) -> Any:
        raw = self._get(key)
        if raw is None or raw == "":
            return default
        # Object config reaches a program as JSON text; anything else was a plain YAML scalar
        # (`existingUsers: carol`), which the engine hands over as the text itself.
        parsed = _json_or_none(raw)
        if not isinstance(parsed, expected):
            found = "a single string" if parsed is None else f"a {_kind(parsed)}"
            shape = "a list" if expected is list else "a map"
            self.fail(key, f"must be {shape} but is {found}; write it as {shape} in Pulumi.<stack>.yaml, "
                           f"such as {SHAPE_EXAMPLES.get(key, 'the README shows')}")
            return default
        return parsed

    def text_in(self, key: str, value: Any, what: str) -> str | None:
        """A non-blank string at ``key`` inside an object value, or None after recording why not."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(key, f"is missing; {what}")
            return None
        if not isinstance(value, str):
            self.fail(key, f"must be a string but is a {_kind(value)}; {QUOTE_IT}")
            return None
        return value


def _json_or_none(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def load(get: Callable[[str], str | None], *, has_test_account_password: bool) -> StackConfig:
    """Read and check the stack config; raise ``StackConfigError`` naming every bad key."""
    r = _Reader(get)
    pool_name = r.string(USER_POOL_NAME)
    trigger = r.string(ROTATION_TRIGGER)
    if not trigger.strip():
        r.fail(ROTATION_TRIGGER, f"is empty; {TRIGGER_FIX}")
    metadata = {meta: value for key, meta in METADATA_KEYS.items() if (value := r.string(key).strip())}

    accounts: dict[str, dict[str, Any]] = {}
    _test_accounts(r, accounts)
    _existing_users(r, accounts)
    overrides = _overrides(r, accounts)

    if any(a["create"] for a in accounts.values()) and not has_test_account_password:
        r.fail(TEST_ACCOUNT_PASSWORD, "is missing but testAccounts needs it; set the test accounts' initial "
                                      "password with `pulumi config set --secret testAccountPassword <password>` "
                                      "(it must meet the pool's password policy)")
    if r.problems:
        raise StackConfigError(r.problems)

    built = []
    for username, spec in accounts.items():
        override = overrides.get(username, {})
        built.append(Account(
            username=username,
            rotation_trigger=override.get(ROTATION_TRIGGER, trigger),
            client_metadata={**metadata, **{k: v for k, v in override.items() if k != ROTATION_TRIGGER}},
            create=spec["create"],
            email=spec.get("email"),
            name=spec.get("name"),
        ))
    return StackConfig(user_pool_name=pool_name, rotation_trigger=trigger, accounts=tuple(built))


def _add(r: _Reader, accounts: dict[str, dict[str, Any]], key: str, username: str, spec: dict[str, Any]) -> None:
    if username in accounts:
        r.fail(key, f"repeats the account {username!r}; list each account once, in {TEST_ACCOUNTS} "
                    f"or {EXISTING_USERS}")
        return
    accounts[username] = spec


def _test_accounts(r: _Reader, accounts: dict[str, dict[str, Any]]) -> None:
    for i, entry in enumerate(r.structured(TEST_ACCOUNTS, list, [])):
        key = f"{TEST_ACCOUNTS}[{i}]"
        if not isinstance(entry, dict):
            r.fail(key, f"must be a map with username and email but is a {_kind(entry)}")
            continue
        for unknown in sorted(set(entry) - set(TEST_ACCOUNT_FIELDS)):
            r.fail(f"{key}.{unknown}", f"is not a test-account field; use {', '.join(TEST_ACCOUNT_FIELDS)}")
        username = r.text_in(f"{key}.username", entry.get("username"), "give every test account a username")
        email = r.text_in(f"{key}.email", entry.get("email"),
                          "give every test account an email address (Cognito marks it verified and "
                          "sends the reset code there)")
        if email is not None and "@" not in email.strip("@"):
            r.fail(f"{key}.email", "is not an email address; use the form name@example.com")
            email = None
        name = entry.get("name")
        if name is not None and not isinstance(name, str):
            r.fail(f"{key}.name", f"must be a string but is a {_kind(name)}; {QUOTE_IT}")
            name = None
        if username is not None and email is not None:
            _add(r, accounts, f"{key}.username", username, {"create": True, "email": email, "name": name or None})


def _existing_users(r: _Reader, accounts: dict[str, dict[str, Any]]) -> None:
    for i, username in enumerate(r.structured(EXISTING_USERS, list, LIST_DEFAULTS[EXISTING_USERS])):
        key = f"{EXISTING_USERS}[{i}]"
        checked = r.text_in(key, username, "list the usernames of users that already exist in the pool")
        if checked is not None:
            _add(r, accounts, key, checked, {"create": False})


def _overrides(r: _Reader, accounts: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for username, override in r.structured(ACCOUNT_OVERRIDES, dict, {}).items():
        key = f"{ACCOUNT_OVERRIDES}.{username}"
        if username not in accounts:
            r.fail(key, f"names no account in {TEST_ACCOUNTS} or {EXISTING_USERS}; add the account there "
                        f"or remove the override (usernames are case-sensitive)")
            continue
        if override is None or override == {}:
            # `carol:` with nothing under it: YAML's null, most likely a half-written override.
            r.fail(key, f"is empty; give it at least one of {', '.join(OVERRIDE_FIELDS)}, or remove it")
            continue
        if not isinstance(override, dict):
            r.fail(key, f"must be a map such as {{rotationTrigger: '2026-12-01'}} but is a {_kind(override)}")
            continue
        checked: dict[str, str] = {}
        for name, value in override.items():
            if name not in OVERRIDE_FIELDS:
                r.fail(f"{key}.{name}", f"is not something an override can set; use {', '.join(OVERRIDE_FIELDS)}")
            elif name == ROTATION_TRIGGER and isinstance(value, str) and not value.strip():
                # Blank, like an empty stack-wide trigger: rejected the same way, not taken as a value.
                r.fail(f"{key}.{name}", "is empty; set it to a date or ticket id, such as '2026-12-01', or remove it "
                                        "so the account follows the stack-wide rotationTrigger")
            elif (text := r.text_in(f"{key}.{name}", value, "remove the key or give it a value")) is not None:
                checked[name] = text
        result[username] = checked
    return result
