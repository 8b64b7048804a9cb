"""The created pool's sender under mocks: SES wired into the pool, or a warning past the default's 50 a day.

What mocks cannot show: that SES delivers (the identity verified, out of the SES sandbox,
Cognito allowed to send through it). moto does not send mail either. docs/operations.md says what to
check in a real account ("Pointing at real AWS").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from tests.program.conftest import PASSWORD, Run
from tests.program.test_program import POOL

SES_ARN = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"


def accounts(n: int) -> list[dict[str, str]]:
    return [{"username": f"qa-{i}", "email": f"qa-{i}@example.com"} for i in range(n)]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_ses_is_the_pools_sender_when_configured(run_stack: Callable[..., Run],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    run = run_stack({"sesSourceArn": SES_ARN, "sesFromAddress": "IT <no-reply@example.com>",
                     "maxResetsPerRun": "0", "testAccounts": accounts(60)},
                    secrets={"testAccountPassword": PASSWORD})
    assert run.one(POOL).inputs["emailConfiguration"] == {
        "emailSendingAccount": "DEVELOPER", "sourceArn": SES_ARN, "fromEmailAddress": "IT <no-reply@example.com>"}
    assert warnings(caplog) == []


def test_the_default_sender_is_left_alone_by_default(run_stack: Callable[..., Run]) -> None:
    run = run_stack({"existingUsers": ["carol"]})
    assert "emailConfiguration" not in run.one(POOL).inputs


@pytest.mark.parametrize(("config", "expected"), [
    ({"maxResetsPerRun": "100"},
     "The user pool the stack creates sends with Cognito's default email sender, which delivers about 50 emails "
     "a day per account, but this run may reset 60 users there (maxResetsPerRun is 100): most of their reset "
     "codes would never arrive. Send with Amazon SES by setting cognito-password-reset:sesSourceArn (and "
     "sesFromAddress), or lower cognito-password-reset:maxResetsPerRun to 50 or less."),
    ({"maxResetsPerRun": "0"},
     "The user pool the stack creates sends with Cognito's default email sender, which delivers about 50 emails "
     "a day per account, but this run may reset 60 users there (maxResetsPerRun sets no cap): most of their "
     "reset codes would never arrive. Send with Amazon SES by setting cognito-password-reset:sesSourceArn (and "
     "sesFromAddress), or lower cognito-password-reset:maxResetsPerRun to 50 or less."),
    ({}, None),  # the declared default cap, 50, keeps a run within the default sender's day
    ({"maxResetsPerRun": "50"}, None),
])
def test_more_resets_than_the_default_sender_mails_a_day_are_warned_at_preview(
        run_stack: Callable[..., Run], caplog: pytest.LogCaptureFixture,
        config: dict[str, Any], expected: str | None) -> None:
    run_stack({"testAccounts": accounts(60), **config}, secrets={"testAccountPassword": PASSWORD})
    assert warnings(caplog) == ([] if expected is None else [expected])


def test_fifty_accounts_on_the_default_sender_are_not_warned(run_stack: Callable[..., Run],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    run_stack({"testAccounts": accounts(50), "maxResetsPerRun": "0"}, secrets={"testAccountPassword": PASSWORD})
    assert warnings(caplog) == []


def test_a_scheduled_fleet_is_warned_for_the_cap_of_changes_and_of_the_schedule_together(
        run_stack: Callable[..., Run], caplog: pytest.LogCaptureFixture) -> None:
    # With rotateAfterDays, one run may reset the cap for changes plus the cap for the schedule:
    # 30 + 30 here, more than the default sender's 50, though the cap alone is under it.
    run_stack({"testAccounts": accounts(60), "maxResetsPerRun": "30", "rotateAfterDays": "90"},
              secrets={"testAccountPassword": PASSWORD})
    [warning] = warnings(caplog)
    assert "may reset 60 users there (maxResetsPerRun is 30, for changes and for the schedule each)" in warning
    assert warning.endswith("lower cognito-password-reset:maxResetsPerRun to 25 or less.")
