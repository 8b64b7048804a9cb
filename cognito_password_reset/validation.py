"""Check: is a property bag a valid CognitoPasswordReset?

The constraints are not retyped here: lengths and patterns come from botocore's own service
model for AdminResetUserPassword, so they follow the botocore version installed. botocore
itself only checks types and minimum lengths client-side; patterns and maximum lengths are
ours to enforce, at preview time, before anything reaches AWS. The model's patterns use
Unicode property classes (``\\p{L}``) that Python's ``re`` lacks, hence ``regex``. A pool id's
region part must also be a region name, by botocore's partition data (``regions``).

Unknown values (preview, when an input comes from a resource not created yet) are never a
failure: they are checked when they become known, at ``pulumi up``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import regex

from . import schedule, schema
from .errors import kind
from .regions import region_violation
from .schema import contains_unknown, is_unknown

if TYPE_CHECKING:
    from botocore.model import MapShape

_SERVICE = "cognito-idp"
_OPERATION = "AdminResetUserPassword"


@dataclass(frozen=True)
class Problem:
    """One property that failed Check, and a sentence saying why and how to fix it."""

    property: str
    reason: str


@dataclass(frozen=True)
class StringRule:
    """Length bounds and an optional whole-string pattern, as the service model states them."""

    min: int
    max: int
    pattern: str | None
    api: str = _OPERATION
    """The operation whose model states the rule, named in the sentence."""

    def violation(self, value: str) -> str | None:
        """What is wrong with ``value`` (a phrase to follow the property name), or None."""
        if len(value) < self.min:
            return f"must be at least {self.min} character(s) long but is empty"
        if len(value) > self.max:
            return f"must be at most {self.max} characters long but is {len(value)}"
        if self.pattern is not None and not _compiled(self.pattern).fullmatch(value):
            return f"must match the pattern {self.pattern} (from the {self.api} API)"
        return None


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def _rule(shape: Any, api: str = _OPERATION) -> StringRule:
    meta = shape.metadata
    return StringRule(min=meta.get("min", 0), max=meta.get("max", 2**31), pattern=meta.get("pattern"), api=api)


@dataclass(frozen=True)
class Rules:
    user_pool_id: StringRule
    username: StringRule
    metadata_key: StringRule
    metadata_value: StringRule


@functools.cache
def rules() -> Rules:
    """The AdminResetUserPassword input constraints, read once from botocore's model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(_SERVICE)
    shape = model.operation_model(_OPERATION).input_shape
    assert shape is not None, "botocore's model lost AdminResetUserPassword's input"
    members = shape.members
    metadata = cast("MapShape", members["ClientMetadata"])
    return Rules(
        user_pool_id=_rule(members["UserPoolId"]),
        username=_rule(members["Username"]),
        metadata_key=_rule(metadata.key),
        metadata_value=_rule(metadata.value),
    )


@dataclass(frozen=True)
class SelectionRules:
    """What a selection's list calls take: ListUsersInGroup's GroupName, ListUsers' Filter."""

    group_name: StringRule
    filter: StringRule


@functools.cache
def selection_rules() -> SelectionRules:
    """The ListUsersInGroup and ListUsers input constraints, read once from botocore's model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(_SERVICE)
    group = model.operation_model("ListUsersInGroup").input_shape
    users = model.operation_model("ListUsers").input_shape
    assert group is not None and users is not None, "botocore's model lost ListUsersInGroup or ListUsers"
    return SelectionRules(group_name=_rule(group.members["GroupName"], "ListUsersInGroup"),
                          filter=_rule(users.members["Filter"], "ListUsers"))


def _say(prop: str, what: str) -> Problem:
    return Problem(prop, f"{schema.RESOURCE_TYPE}: {prop} {what}.")


def _check_required_string(props: Mapping[str, Any], prop: str, rule: StringRule, fix: str) -> list[Problem]:
    value = props.get(prop)
    if is_unknown(value):
        return []
    if value is None:
        return [_say(prop, f"is required; {fix}")]
    if not isinstance(value, str):
        return [_say(prop, f"must be a string but is a {kind(value)}; {fix}")]
    wrong = rule.violation(value)
    return [_say(prop, f"{wrong}; {fix}")] if wrong else []


def _check_pool_region(props: Mapping[str, Any]) -> list[Problem]:
    """A pool id the API's pattern lets through may still name no region (us-east1_...): its
    host does not exist, and ``pulumi up`` would only retry and blame the network."""
    prop = schema.USER_POOL_ID
    value = props.get(prop)
    if not isinstance(value, str) or is_unknown(value) or rules().user_pool_id.violation(value):
        return []  # unknown, or already refused by _check_required_string
    wrong = region_violation(value)
    return [_say(prop, f"{wrong}; use the pool id as the Cognito console shows it")] if wrong else []


def _check_metadata(value: Any) -> list[Problem]:
    prop = schema.CLIENT_METADATA
    if value is None or is_unknown(value):
        return []
    if not isinstance(value, Mapping):
        return [_say(prop, f"must be a map of strings to strings but is a {kind(value)}; "
                           "pass a dict such as {\"reason\": \"rotation\"}")]
    problems: list[Problem] = []
    r = rules()
    for key, item in value.items():
        if contains_unknown(key) or contains_unknown(item):
            continue
        # Keys are names such as "reason"; values may be secret and are never quoted.
        shown = repr(key)[:40]
        if not isinstance(key, str):
            problems.append(_say(prop, f"key {shown} must be a string but is a {kind(key)}; quote it"))
            continue
        wrong = r.metadata_key.violation(key)
        if wrong:
            problems.append(_say(prop, f"key {shown} {wrong}; use a shorter key"))
        if not isinstance(item, str):
            problems.append(_say(prop, f"value of key {shown} must be a string but is a {kind(item)}; "
                                       "convert it with str() or quote it in config"))
            continue
        wrong = r.metadata_value.violation(item)
        if wrong:
            problems.append(_say(prop, f"value of key {shown} {wrong}; shorten it"))
    return problems


def _check_optional(props: Mapping[str, Any], prop: str, expected: type, kind_name: str, fix: str) -> list[Problem]:
    value = props.get(prop)
    if value is None or is_unknown(value) or isinstance(value, expected):
        return []
    return [_say(prop, f"must be {kind_name} but is a {kind(value)}; {fix}")]


def _check_period(value: Any) -> list[Problem]:
    if value is None or is_unknown(value) or schedule.period(value) is not None:
        return []
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    shown = repr(value) if numeric else f"a {kind(value)}"
    return [_say(schema.ROTATE_AFTER_DAYS,
                 f"must be a whole number of days from {schedule.MIN_DAYS} to {schedule.MAX_DAYS} but is {shown}; "
                 "pass the rotation period in days, such as 90, or leave it out for no schedule")]


def check(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Validate new inputs; return them with defaults applied, and every problem found."""
    r = rules()
    problems = [
        *_check_required_string(news, schema.USER_POOL_ID, r.user_pool_id,
                                "pass the pool's id, such as 'us-east-1_AbCdEf123' "
                                "(the id output of aws.cognito.UserPool)"),
        *_check_pool_region(news),
        *_check_required_string(news, schema.USERNAME, r.username,
                                "pass the user's Cognito username (no spaces, 1 to "
                                f"{r.username.max} characters)"),
        *_check_metadata(news.get(schema.CLIENT_METADATA)),
        *_check_optional(news, schema.ROTATION_TRIGGER, str, "a string",
                         "pass a string such as a date ('2026-11-27') or a ticket id"),
        *_check_optional(news, schema.RESET_ON_CREATE, bool, "true or false",
                         "pass a bool (False adopts the user without resetting it)"),
        *_check_period(news.get(schema.ROTATE_AFTER_DAYS)),
        *_check_optional(news, schema.GLOBAL_SIGN_OUT, bool, "true or false",
                         "pass a bool (True also signs the user out everywhere with each reset)"),
    ]
    inputs = dict(news)
    days = schedule.period(inputs.get(schema.ROTATE_AFTER_DAYS))
    if days is not None:
        inputs[schema.ROTATE_AFTER_DAYS] = days  # a whole number, though it crossed the wire as 90.0
    if inputs.get(schema.RESET_ON_CREATE) is None:
        inputs[schema.RESET_ON_CREATE] = schema.DEFAULT_RESET_ON_CREATE
    if inputs.get(schema.GLOBAL_SIGN_OUT) is None:
        inputs[schema.GLOBAL_SIGN_OUT] = schema.DEFAULT_GLOBAL_SIGN_OUT
    return inputs, problems

