"""The stack's config: parsed, checked and turned into one plan per account, without Pulumi.

``load`` takes a getter for raw config values (``pulumi.Config().get`` in the program, a dict
in tests) and returns ``StackConfig``, or raises ``StackConfigError`` listing every problem,
one sentence each, naming the key and the fix. Values are never quoted in a problem: a
reason or ticket may be sensitive, and the key is what the user needs.

The parts: ``keys`` (names and defaults), ``reading`` (the reader, accounts, overrides),
``accounts_file`` (test accounts from CSV), ``existing_pools``, ``mail`` (the created pool's
sender). Scalar and list keys are declared with the same types and defaults in ``Pulumi.yaml``
(a test keeps the two in step); the object keys (``testAccounts``, ``accountOverrides``,
``existingPools``) cannot be declared there, since project config types stop at arrays of scalars.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cognito_password_reset.errors import kind

from .accounts_file import read_accounts_file
from .existing_pools import ExistingPool, read_existing_pools
from .keys import (
    ACCOUNT_OVERRIDES,
    BOOLEAN_DEFAULTS,
    CREATE_USER_POOL,
    EXISTING_POOLS,
    EXISTING_USERS,
    GLOBAL_SIGN_OUT,
    LIST_DEFAULTS,
    METADATA_KEYS,
    OVERRIDE_FIELDS,
    QUOTE_IT,
    ROTATE_AFTER_DAYS,
    ROTATION_TRIGGER,
    STRING_DEFAULTS,
    TEST_ACCOUNT_FIELDS,
    TEST_ACCOUNT_PASSWORD,
    TEST_ACCOUNTS,
    TEST_ACCOUNTS_FILE,
    TRIGGER_FIX,
    USER_POOL_NAME,
)
from .mail import SesSender, read_cap, read_ses
from .reading import Account, Defaults, Reader, build_accounts, is_email, read_overrides

__all__ = [
    "LIST_DEFAULTS", "METADATA_KEYS", "OVERRIDE_FIELDS", "ROTATION_TRIGGER", "STRING_DEFAULTS",
    "TEST_ACCOUNT_PASSWORD", "Account", "ExistingPool", "SesSender", "StackConfig", "StackConfigError", "load",
]


class StackConfigError(ValueError):
    """The stack config cannot be used; ``problems`` holds one sentence per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class StackConfig:
    """Everything the program needs from config, checked."""

    user_pool_name: str
    rotation_trigger: str
    accounts: tuple[Account, ...] = field(default=())
    """The accounts in the pool the stack creates (none when it creates no pool)."""
    existing_pools: tuple[ExistingPool, ...] = field(default=())
    create_user_pool: bool = True
    ses: SesSender | None = None
    """The created pool's SES sender; None: Cognito's default sender."""
    rotate_after_days: int | None = None
    max_resets_per_run: int | None = None
    """The provider's cap on resets per run (``maxResetsPerRun``), as it reads it; None: no cap."""


def load(get: Callable[[str], str | None], *, has_test_account_password: bool,
         root: Path | None = None) -> StackConfig:
    """Read and check the stack config; raise ``StackConfigError`` naming every bad key.

    ``root`` is the project folder, which ``testAccountsFile`` is relative to (default: the
    working directory, where Pulumi runs a program).
    """
    r = Reader(get)
    pool_name = r.string(USER_POOL_NAME)
    create_pool = r.boolean(CREATE_USER_POOL, BOOLEAN_DEFAULTS[CREATE_USER_POOL])
    trigger = r.string(ROTATION_TRIGGER)
    if not trigger.strip():
        r.fail(ROTATION_TRIGGER, f"is empty; {TRIGGER_FIX}")
    defaults = Defaults(
        rotation_trigger=trigger,
        client_metadata={meta: value for key, meta in METADATA_KEYS.items() if (value := r.string(key).strip())},
        rotate_after_days=r.days(ROTATE_AFTER_DAYS, r.raw(ROTATE_AFTER_DAYS)),
        global_sign_out=r.boolean(GLOBAL_SIGN_OUT, BOOLEAN_DEFAULTS[GLOBAL_SIGN_OUT]),
    )

    accounts: dict[str, dict[str, Any]] = {}
    _test_accounts(r, accounts)
    if (path := r.string(TEST_ACCOUNTS_FILE).strip()):
        for where, username, spec in read_accounts_file(r, Path.cwd() if root is None else root, path):
            _add(r, accounts, where, username, spec)
    _existing_users(r, accounts)
    overrides = read_overrides(r, ACCOUNT_OVERRIDES, r.structured(ACCOUNT_OVERRIDES, dict, {}), accounts,
                               f"{TEST_ACCOUNTS}, {TEST_ACCOUNTS_FILE} or {EXISTING_USERS}")
    if not create_pool:
        for key in (TEST_ACCOUNTS, TEST_ACCOUNTS_FILE, EXISTING_USERS, ACCOUNT_OVERRIDES):
            if r.raw(key) not in (None, "", "[]", "{}"):
                r.fail(key, f"names accounts of the pool the stack creates, but {CREATE_USER_POOL} is false; "
                            f"move them to {EXISTING_POOLS} under their pool, or set {CREATE_USER_POOL} to true")
    existing = read_existing_pools(r, defaults)
    ses = read_ses(r, creates_pool=create_pool)
    cap = read_cap(r)

    if any(a["create"] for a in accounts.values()) and not has_test_account_password:
        r.fail(TEST_ACCOUNT_PASSWORD, "is missing but testAccounts needs it; set the test accounts' initial "
                                      "password with `pulumi config set --secret testAccountPassword <password>` "
                                      "(it must meet the pool's password policy)")
    if r.problems:
        raise StackConfigError(r.problems)

    return StackConfig(
        user_pool_name=pool_name,
        rotation_trigger=trigger,
        accounts=build_accounts(accounts, overrides, defaults) if create_pool else (),
        existing_pools=existing,
        create_user_pool=create_pool,
        ses=ses,
        rotate_after_days=defaults.rotate_after_days,
        max_resets_per_run=cap,
    )


def _add(r: Reader, accounts: dict[str, dict[str, Any]], key: str, username: str, spec: dict[str, Any]) -> None:
    if username in accounts:
        r.fail(key, f"repeats the account {username!r}; list each account once, in {TEST_ACCOUNTS}, "
                    f"{TEST_ACCOUNTS_FILE} or {EXISTING_USERS}")
        return
    accounts[username] = spec


def _test_accounts(r: Reader, accounts: dict[str, dict[str, Any]]) -> None:
    for key, entry in r.maps(TEST_ACCOUNTS, TEST_ACCOUNT_FIELDS, "a map with username and email",
                             "a test-account field"):
        username = r.username_in(f"{key}.username", entry.get("username"), "give every test account a username")
        email = r.text_in(f"{key}.email", entry.get("email"),
                          "give every test account an email address (Cognito marks it verified and "
                          "sends the reset code there)")
        if email is not None and not is_email(email):
            r.fail(f"{key}.email", "is not an email address; use the form name@example.com")
            email = None
        name = entry.get("name")
        if name is not None and not isinstance(name, str):
            r.fail(f"{key}.name", f"must be a string but is a {kind(name)}; {QUOTE_IT}")
            name = None
        if username is not None and email is not None:
            _add(r, accounts, f"{key}.username", username, {"create": True, "email": email, "name": name or None})


def _existing_users(r: Reader, accounts: dict[str, dict[str, Any]]) -> None:
    for i, username in enumerate(r.structured(EXISTING_USERS, list, LIST_DEFAULTS[EXISTING_USERS])):
        key = f"{EXISTING_USERS}[{i}]"
        checked = r.username_in(key, username, "list the usernames of users that already exist in the pool")
        if checked is not None:
            _add(r, accounts, key, checked, {"create": False})
