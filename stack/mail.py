"""Who mails the created pool's reset codes: Cognito's default sender, or Amazon SES.

Cognito's default sender delivers about 50 emails a day per account; past that, messages are
dropped without an error to the caller. A run that may reset more users than that in a pool on
the default sender gets a preview-time warning (``default_sender_warning``) that names the
count, the limit and the key that switches to SES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cognito_password_reset import runcap
from cognito_password_reset.errors import ConfigError

from .keys import CREATE_USER_POOL, DEFAULT_MAX_RESETS_PER_RUN, MAX_RESETS_PER_RUN, SES_FROM_ADDRESS, SES_SOURCE_ARN
from .reading import Reader, is_email

DEFAULT_SENDER_DAILY_LIMIT: Final = 50
"""Cognito's default email sender: about 50 messages a day per account (Cognito quotas)."""

SES_IDENTITY_ARN: Final = re.compile(r"arn:aws[a-z-]*:ses:[a-z]{2}(-[a-z]+)+-\d:\d{12}:identity/[^\s]+")
"""A verified SES identity (an address or a domain), as Cognito's EmailConfiguration.SourceArn takes it."""


@dataclass(frozen=True)
class SesSender:
    """DEVELOPER sending through the SES identity ``source_arn``, from ``from_address`` if given."""

    source_arn: str
    from_address: str | None


def read_ses(r: Reader, *, creates_pool: bool) -> SesSender | None:
    arn = r.string(SES_SOURCE_ARN).strip()
    sender = r.string(SES_FROM_ADDRESS).strip()
    if not arn:
        if sender:
            r.fail(SES_FROM_ADDRESS, f"is set but {SES_SOURCE_ARN} is not; the default sender cannot use a from "
                                     f"address of your own: set {SES_SOURCE_ARN} to the SES identity's ARN too")
        return None
    if not creates_pool:
        r.fail(SES_SOURCE_ARN, f"configures the pool the stack creates, but {CREATE_USER_POOL} is false; the "
                               f"stack changes no setting of an existing pool: remove it")
        return None
    if not SES_IDENTITY_ARN.fullmatch(arn):
        r.fail(SES_SOURCE_ARN, "is not the ARN of an SES identity; use the form "
                               "arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com")
        return None
    # "IT Support <no-reply@example.com>" is a from address too: check the address inside.
    address = sender[sender.find("<") + 1:sender.rfind(">")] if sender.endswith(">") else sender
    if sender and not is_email(address):
        r.fail(SES_FROM_ADDRESS, "is not an email address; use the form no-reply@example.com or "
                                 "'IT Support <no-reply@example.com>'")
        return None
    return SesSender(arn, sender or None)


def read_cap(r: Reader) -> int | None:
    """The provider's per-run cap, read with the provider's own parser (``runcap.parse_cap``): None
    for no cap. A value the provider would refuse is a problem of the stack config with the
    provider's own sentence, so a preview says one thing about it, and says it before anything
    is declared."""
    raw = r.raw(MAX_RESETS_PER_RUN)
    if raw is None:
        return DEFAULT_MAX_RESETS_PER_RUN
    try:
        cap = runcap.parse_cap(raw)
    except ConfigError as exc:
        r.problems.append(f"{exc}.")
        return None
    return cap if cap != runcap.NO_CAP else None


def default_sender_warning(pool: str, accounts: int, cap: int | None, *, scheduled: bool = False) -> str | None:
    """The warning for a pool on the default sender where this run may reset up to ``accounts`` users.

    The cap bounds resets for changes and resets by the schedule each (runcap), so with a
    schedule one run may reset up to twice the cap.
    """
    per_run = None if cap is None else cap * (2 if scheduled else 1)
    may_reset = accounts if per_run is None else min(accounts, per_run)
    if may_reset <= DEFAULT_SENDER_DAILY_LIMIT:
        return None
    if cap is None:
        capped = f" ({MAX_RESETS_PER_RUN} sets no cap)"
    elif scheduled:
        capped = f" ({MAX_RESETS_PER_RUN} is {cap}, for changes and for the schedule each)"
    else:
        capped = f" ({MAX_RESETS_PER_RUN} is {cap})"
    enough = DEFAULT_SENDER_DAILY_LIMIT // 2 if scheduled else DEFAULT_SENDER_DAILY_LIMIT
    return (f"{pool} sends with Cognito's default email sender, which delivers about {DEFAULT_SENDER_DAILY_LIMIT} "
            f"emails a day per account, but this run may reset {may_reset} users there{capped}: most of their "
            f"reset codes would never arrive. Send with Amazon SES by setting cognito-password-reset:"
            f"{SES_SOURCE_ARN} (and {SES_FROM_ADDRESS}), or lower cognito-password-reset:{MAX_RESETS_PER_RUN} to "
            f"{enough} or less.")
