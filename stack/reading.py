"""Reading raw config values into checked ones, collecting one sentence per problem.

Shared by every part of the stack's config (the created pool's accounts, the accounts file,
the existing pools): the reader, the account and override shapes, and the checks of a
username and an email address. Values are never quoted in a problem (a reason or ticket may be
sensitive, an email is personal); a username may be, since it is what the user must find.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cognito_password_reset.errors import kind
from cognito_password_reset.validation import rules

from .keys import (
    GLOBAL_SIGN_OUT,
    OVERRIDE_FIELDS,
    QUOTE_IT,
    ROTATE_AFTER_DAYS,
    ROTATE_AFTER_DAYS_RANGE,
    ROTATION_TRIGGER,
    SHAPE_EXAMPLES,
    STRING_DEFAULTS,
)

EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
"""Something Cognito can send to: local part, @, a domain with a dot. Not RFC 5322, only a typo net."""


@dataclass(frozen=True)
class Account:
    """One account the stack resets; ``create`` if the stack also creates it (a test account)."""

    username: str
    rotation_trigger: str
    client_metadata: dict[str, str]
    create: bool = False
    email: str | None = None
    name: str | None = None
    rotate_after_days: int | None = None
    """The rotation period in days (None: only when the trigger changes): one reset per window of
    this many days, never two by the schedule within half of it."""
    reset_on_create: bool = True
    """False for a user selected by group or pool: adopted without a reset when first seen."""
    global_sign_out: bool = False
    """Each reset also signs the user out everywhere (the reset's ``global_sign_out``)."""


@dataclass(frozen=True)
class Defaults:
    """The stack-wide values every account starts from, before its override."""

    rotation_trigger: str
    client_metadata: dict[str, str]
    rotate_after_days: int | None
    global_sign_out: bool = False


def json_or_none(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def username_problem(username: str) -> str | None:
    """Why Cognito would refuse ``username`` (a phrase after the key), or None. From botocore's model."""
    return rules().username.violation(username)


def is_email(value: str) -> bool:
    return EMAIL.fullmatch(value.strip()) is not None


class Reader:
    """Collects problems while reading, so one preview reports every bad key at once."""

    def __init__(self, get: Callable[[str], str | None]) -> None:
        self._get = get
        self.problems: list[str] = []

    def fail(self, key: str, what: str) -> None:
        self.problems.append(f"Stack config {key} {what}.")

    def raw(self, key: str) -> str | None:
        return self._get(key)

    def string(self, key: str) -> str:
        raw = self._get(key)
        if raw is None:
            return STRING_DEFAULTS[key]
        # Object config reaches a program as JSON text; a map or list here is a mistake.
        parsed = json_or_none(raw)
        if isinstance(parsed, (dict, list)):
            self.fail(key, f"must be a string but is a {kind(parsed)}; set it with "
                           f"`pulumi config set {key} <text>`")
            return STRING_DEFAULTS[key]
        return raw

    def boolean(self, key: str, default: bool) -> bool:
        raw = self._get(key)
        if raw is None or raw == "":
            return default
        parsed = json_or_none(raw.strip().lower())
        if not isinstance(parsed, bool):
            self.fail(key, f"must be true or false but is a {'string' if parsed is None else kind(parsed)}")
            return default
        return parsed

    def structured(self, key: str, expected: type, default: Any) -> Any:
        raw = self._get(key)
        if raw is None or raw == "":
            return default
        # Object config reaches a program as JSON text; anything else was a plain YAML scalar
        # (`existingUsers: carol`), which the engine hands over as the text itself.
        parsed = json_or_none(raw)
        if not isinstance(parsed, expected):
            found = "a single string" if parsed is None else f"a {kind(parsed)}"
            shape = "a list" if expected is list else "a map"
            self.fail(key, f"must be {shape} but is {found}; write it as {shape} in Pulumi.<stack>.yaml, "
                           f"such as {SHAPE_EXAMPLES.get(key, 'docs/stack.md shows')}")
            return default
        return parsed

    def maps(self, key: str, fields: Sequence[str], shape: str, what: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each entry of the list at ``key`` that is a map, with its own key (``key[i]``); an entry
        that is not a map (it must be ``shape``), or a field not in ``fields``, is recorded (a
        field is "not ``what``")."""
        for i, entry in enumerate(self.structured(key, list, [])):
            at = f"{key}[{i}]"
            if not isinstance(entry, dict):
                self.fail(at, f"must be {shape} but is a {kind(entry)}")
                continue
            for unknown in sorted(set(entry) - set(fields)):
                self.fail(f"{at}.{unknown}", f"is not {what}; use {', '.join(fields)}")
            yield at, entry

    def text_in(self, key: str, value: Any, what: str) -> str | None:
        """A non-blank string at ``key`` inside an object value, or None after recording why not."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(key, f"is missing; {what}")
            return None
        if not isinstance(value, str):
            self.fail(key, f"must be a string but is a {kind(value)}; {QUOTE_IT}")
            return None
        return value

    def username_in(self, key: str, value: Any, what: str) -> str | None:
        """A username Cognito accepts at ``key``, or None after recording why not."""
        username = self.text_in(key, value, what)
        if username is not None and (problem := username_problem(username)) is not None:
            self.fail(key, f"{problem}, so Cognito would refuse it as a username")
            return None
        return username

    def flag_in(self, key: str, value: Any) -> bool | None:
        """true or false at ``key`` inside an object value (also as the text `config set --path` may
        store), or None after recording why not."""
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false but is a {kind(value)}")
            return None
        return value

    def days(self, key: str, value: Any) -> int | None:
        """A whole number of days in ROTATE_AFTER_DAYS_RANGE at ``key`` (None: not set)."""
        if value is None or value == "":
            return None
        low, high = ROTATE_AFTER_DAYS_RANGE
        number = value
        if isinstance(value, str):
            number = json_or_none(value.strip())
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, bool) or not isinstance(number, int):
            shown = value if number is None else number  # text that is not a number stays a string
            found = "a decimal number" if isinstance(shown, float) else f"a {kind(shown)}"
            self.fail(key, f"must be a whole number of days from {low} to {high} but is {found}; "
                           f"for example 90 resets each account once in each 90-day window of its own, never twice "
                           f"within 45 days")
            return None
        if not low <= number <= high:
            self.fail(key, f"must be a whole number of days from {low} to {high} but is {number}; "
                           f"leave it out to reset only when the rotation trigger changes")
            return None
        return number


def read_overrides(r: Reader, key: str, value: Any, known: Mapping[str, Any] | None,
                   where: str) -> dict[str, dict[str, Any]]:
    """Per-account overrides at ``key`` (already parsed), for accounts in ``known`` (named by ``where``).

    ``known`` None: the accounts are not known until Cognito is read (a selection by group or
    pool), so any username Cognito accepts may have an override."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        r.fail(key, f"must be a map but is a {kind(value)}; write it as a map, such as "
                    f"{SHAPE_EXAMPLES['accountOverrides']}")
        return {}
    result: dict[str, dict[str, Any]] = {}
    for username, override in value.items():
        at = f"{key}.{username}"
        if known is None:
            if r.username_in(at, username, "name the user by username") is None:
                continue
        elif username not in known:
            r.fail(at, f"names no account in {where}; add the account there or remove the override "
                       f"(usernames are case-sensitive)")
            continue
        if override is None or override == {}:
            # `carol:` with nothing under it: YAML's null, most likely a half-written override.
            r.fail(at, f"is empty; give it at least one of {', '.join(OVERRIDE_FIELDS)}, or remove it")
            continue
        if not isinstance(override, dict):
            r.fail(at, f"must be a map such as {{rotationTrigger: '2026-12-01'}} but is a {kind(override)}")
            continue
        checked: dict[str, Any] = {}
        for name, field_value in override.items():
            if name not in OVERRIDE_FIELDS:
                r.fail(f"{at}.{name}", f"is not something an override can set; use {', '.join(OVERRIDE_FIELDS)}")
            elif name == ROTATE_AFTER_DAYS:
                if (days := r.days(f"{at}.{name}", field_value)) is not None:
                    checked[name] = days
            elif name == GLOBAL_SIGN_OUT:
                if (flag := r.flag_in(f"{at}.{name}", field_value)) is not None:
                    checked[name] = flag
            elif name == ROTATION_TRIGGER and isinstance(field_value, str) and not field_value.strip():
                # Blank, like an empty stack-wide trigger: rejected the same way, not taken as a value.
                r.fail(f"{at}.{name}", "is empty; set it to a date or ticket id, such as '2026-12-01', or remove "
                                       "it so the account follows the stack-wide rotationTrigger")
            elif (text := r.text_in(f"{at}.{name}", field_value, "remove the key or give it a value")) is not None:
                checked[name] = text
        result[username] = checked
    return result


_NOT_METADATA: Final = (ROTATION_TRIGGER, ROTATE_AFTER_DAYS, GLOBAL_SIGN_OUT)
"""The override fields that are settings of the reset, not client metadata."""


def build_accounts(specs: Mapping[str, dict[str, Any]], overrides: Mapping[str, dict[str, Any]],
                   defaults: Defaults) -> tuple[Account, ...]:
    """One Account per spec, in order: the stack-wide values, then the account's override."""
    built = []
    for username, spec in specs.items():
        override = overrides.get(username, {})
        metadata = {k: v for k, v in override.items() if k not in _NOT_METADATA}
        built.append(Account(
            username=username,
            rotation_trigger=override.get(ROTATION_TRIGGER, defaults.rotation_trigger),
            client_metadata={**defaults.client_metadata, **metadata},
            create=spec.get("create", False),
            email=spec.get("email"),
            name=spec.get("name"),
            rotate_after_days=override.get(ROTATE_AFTER_DAYS, defaults.rotate_after_days),
            reset_on_create=spec.get("reset_on_create", True),
            global_sign_out=override.get(GLOBAL_SIGN_OUT, defaults.global_sign_out),
        ))
    return tuple(built)
