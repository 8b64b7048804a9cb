"""The stack's config keys, their defaults and the shapes they take: one place for each.

The scalar keys' defaults are repeated in ``Pulumi.yaml``, which the CLI applies; the program
applies them too, so a stack run by other means (mocks, automation) behaves alike. A test keeps
the two in step.
"""

from __future__ import annotations

from typing import Final

USER_POOL_NAME: Final = "userPoolName"
CREATE_USER_POOL: Final = "createUserPool"
ROTATION_TRIGGER: Final = "rotationTrigger"
ROTATE_AFTER_DAYS: Final = "rotateAfterDays"
GLOBAL_SIGN_OUT: Final = "globalSignOut"
RESET_REASON: Final = "resetReason"
RESET_TICKET: Final = "resetTicket"
SUPPORT_CONTACT: Final = "supportContact"
LOCALE: Final = "locale"
EXISTING_USERS: Final = "existingUsers"
TEST_ACCOUNTS: Final = "testAccounts"
TEST_ACCOUNTS_FILE: Final = "testAccountsFile"
ACCOUNT_OVERRIDES: Final = "accountOverrides"
TEST_ACCOUNT_PASSWORD: Final = "testAccountPassword"
EXISTING_POOLS: Final = "existingPools"
SES_SOURCE_ARN: Final = "sesSourceArn"
SES_FROM_ADDRESS: Final = "sesFromAddress"
MAX_RESETS_PER_RUN: Final = "maxResetsPerRun"
"""Read and enforced by the CognitoPasswordReset provider (``cognito-password-reset:maxResetsPerRun``);
the stack reads it only to size its mail warning, and declares it in Pulumi.yaml with a default."""

STRING_DEFAULTS: Final[dict[str, str]] = {
    USER_POOL_NAME: "cognito-password-reset",
    ROTATION_TRIGGER: "initial",
    RESET_REASON: "scheduled password rotation",
    RESET_TICKET: "",
    SUPPORT_CONTACT: "",
    # Empty: no locale is sent, so the custom-message function falls back to the user's own
    # `locale` attribute (a German-speaking user gets German) and only then to English.
    LOCALE: "",
    TEST_ACCOUNTS_FILE: "",
    SES_SOURCE_ARN: "",
    SES_FROM_ADDRESS: "",
}
LIST_DEFAULTS: Final[dict[str, list[str]]] = {EXISTING_USERS: []}
BOOLEAN_DEFAULTS: Final[dict[str, bool]] = {CREATE_USER_POOL: True, GLOBAL_SIGN_OUT: False}

DEFAULT_MAX_RESETS_PER_RUN: Final = 50
"""Pulumi.yaml's default for maxResetsPerRun: Cognito's default sender mails about 50 a day per
account, so a nightly run on that default can deliver every code it causes (docs/stack.md)."""

ROTATE_AFTER_DAYS_RANGE: Final = (1, 3650)
"""A schedule from daily to once in ten years; anything else is a typo."""

METADATA_KEYS: Final[dict[str, str]] = {
    RESET_REASON: "reason",
    RESET_TICKET: "ticket",
    SUPPORT_CONTACT: "supportContact",
    LOCALE: "locale",
}
"""Stack config key -> the client metadata key the custom-message function reads."""

TEST_ACCOUNT_FIELDS: Final = ("username", "email", "name")
OVERRIDE_FIELDS: Final = (ROTATION_TRIGGER, ROTATE_AFTER_DAYS, GLOBAL_SIGN_OUT, *METADATA_KEYS.values())
"""What an account override may set: its own rotation trigger, schedule and sign-out, and any client
metadata key."""

GROUP: Final = "group"
ALL_USERS: Final = "allUsers"
FILTER: Final = "filter"
"""An existing pool's users selected by Cognito, not by name: a group's members, or all the pool's users
(narrowed by a ListUsers filter); read at every preview and up (``cognito_password_reset.pool_users``)."""
EXISTING_POOL_FIELDS: Final = ("userPoolId", "users", GROUP, ALL_USERS, FILTER, ACCOUNT_OVERRIDES,
                               "allowCustomMessageInvoke")

SHAPE_EXAMPLES: Final[dict[str, str]] = {
    EXISTING_USERS: f"`{EXISTING_USERS}: [carol, dave]`",
    TEST_ACCOUNTS: f"`{TEST_ACCOUNTS}: [{{username: qa-1, email: qa-1@example.com}}]`",
    ACCOUNT_OVERRIDES: f"`{ACCOUNT_OVERRIDES}: {{carol: {{rotationTrigger: '2026-12-01'}}}}`",
    EXISTING_POOLS: f"`{EXISTING_POOLS}: [{{userPoolId: eu-west-1_AbC123, users: [carol]}}]`",
}
"""What each object key looks like, for the sentence that says its shape is wrong."""

QUOTE_IT: Final = "quote it in Pulumi.<stack>.yaml, or set it with `pulumi config set --path --type string ...`"
"""The fix for a number or boolean where text belongs (``config set --path`` types 2027 as a number)."""

TRIGGER_FIX: Final = "set it to a date or ticket id, such as `pulumi config set rotationTrigger 2026-11-27`"
