"""Every failure becomes one sentence naming the pool and user, what happened and the fix.

The states moto can reach are produced in moto; the rest (Lambda trigger failures, IAM
denials, throttling after retries, role errors) are answers moto never gives, so they are
fed to the real client through botocore's Stubber.
"""

from __future__ import annotations

import functools
import io
import json
import socket
from typing import Any

import boto3
import botocore.exceptions as bx
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from urllib3.response import HTTPResponse

from cognito_password_reset import CognitoPasswordResetError, cognito, cognito_errors, schema
from cognito_password_reset.cognito import AwsSettings, Cognito
from cognito_password_reset.cognito_errors import Call

from .conftest import REGION, Pool

POOL = "us-east-1_AbC123"
CANARY = "canary-4f9c2e"


def failure(fn: Any, *args: Any) -> str:
    with pytest.raises(CognitoPasswordResetError) as raised:
        fn(*args)
    error = raised.value
    assert error.__cause__ is None and error.__suppress_context__, "botocore's traceback must not be chained"
    text = str(error)
    assert text.count("\n") == 0 and text.endswith(".")
    return text


def reset(pool: Pool, username: str) -> str:
    return failure(Cognito(AwsSettings()).reset_password, pool.id, username, {"secret": CANARY})


@pytest.mark.parametrize(("state", "phrases"), [
    ({"enabled": False}, ["the user is disabled", "admin-enable-user"]),
    ({"confirmed": False}, ["FORCE_CHANGE_PASSWORD", "re-send the invitation", "MessageAction=RESEND"]),
    ({"verified": False}, ["no verified email address or phone number", "email_verified=true"]),
])
def test_user_states_cognito_refuses(pool: Pool, state: dict[str, bool], phrases: list[str]) -> None:
    pool.user("alice", **state)
    text = reset(pool, "alice")
    assert text.startswith(f"CognitoPasswordReset could not reset the password of user 'alice' in user pool "
                           f"'{pool.id}': ")
    for phrase in phrases:
        assert phrase in text
    assert CANARY not in text


def test_user_not_found(pool: Pool) -> None:
    text = reset(pool, "ghost")
    assert "no such user exists in the pool" in text and "'ghost'" in text


def test_pool_not_found(pool: Pool) -> None:
    text = failure(Cognito(AwsSettings()).reset_password, f"{REGION}_doesnotexist", "alice", None)
    assert "the user pool does not exist" in text and "check user_pool_id" in text



ANSWERS = [
    ("UserLambdaValidationException", f"CustomMessage failed with error {CANARY} is not allowed", 400,
     ["custom-message Lambda trigger failed", "UserLambdaValidationException", "CloudWatch logs", "***"]),
    ("UnexpectedLambdaException", "Lambda timed out", 400, ["custom-message Lambda trigger failed"]),
    ("InvalidLambdaResponseException", "Invalid lambda response", 400, ["custom-message Lambda trigger failed"]),
    ("TooManyRequestsException", "Rate exceeded", 400,
     ["throttled", "on all 10 attempts", "30 requests per second", "run pulumi up again"]),
    ("LimitExceededException", "Attempt limit exceeded", 400, ["attempt limit", "wait a few minutes"]),
    ("AccessDeniedException", "User: arn:aws:iam::1:user/ci is not authorized", 400,
     ["access was denied", "cognito-idp:AdminResetUserPassword", "pool's ARN"]),
    ("NotAuthorizedException", "Not authorized", 400, ["access was denied"]),
    ("UnrecognizedClientException", "The security token included in the request is invalid", 400,
     ["did not accept the credentials", "aws:profile"]),
    ("ExpiredTokenException", "expired", 400, ["credentials have expired", "aws sso login"]),
    ("InvalidSmsRoleTrustRelationshipException", "Role trust", 400, ["SMS or email role", "trust relationship"]),
    ("InvalidEmailRoleAccessPolicyException", "SES", 400, ["SMS or email role"]),
    ("OperationNotEnabledException", "Not enabled", 400, ["not enabled for this user pool"]),
    ("InternalErrorException", "boom", 500, ["internal error", "on all 10 attempts", "run pulumi up again"]),
    ("InvalidParameterException", "1 validation error detected", 400, ["rejected a parameter"]),
    ("SomethingNewException", "new", 400, ["AWS answered SomethingNewException: new"]),
]


@pytest.mark.parametrize(("code", "message", "status", "phrases"), ANSWERS)
def test_answers_moto_cannot_give(stubbed: Stubber, code: str, message: str, status: int,
                                  phrases: list[str]) -> None:
    stubbed.add_client_error("admin_reset_user_password", code, message, status,
                             response_meta={"RetryAttempts": 9})
    text = failure(Cognito(AwsSettings()).reset_password, POOL, "alice", {"secret": CANARY})
    assert text.startswith(f"CognitoPasswordReset could not reset the password of user 'alice' in user pool '{POOL}'")
    for phrase in phrases:
        assert phrase in text
    assert CANARY not in text


def test_read_errors_are_sentences_too_but_a_missing_user_or_pool_is_a_status(stubbed: Stubber) -> None:
    stubbed.add_client_error("admin_get_user", "AccessDeniedException", "denied", 400)
    stubbed.add_client_error("admin_get_user", "UserNotFoundException", "User does not exist.", 400)
    stubbed.add_client_error("admin_get_user", "ResourceNotFoundException", "no pool", 400)
    text = failure(Cognito(AwsSettings()).user_status, POOL, "alice")
    assert text.startswith(f"CognitoPasswordReset could not read user 'alice' in user pool '{POOL}': access")
    assert Cognito(AwsSettings()).user_status(POOL, "alice") is None
    # No such pool may mean another account was reached: not the same as a deleted user.
    assert Cognito(AwsSettings()).user_status(POOL, "alice") == schema.POOL_NOT_FOUND


def test_a_throttled_read_gets_the_read_quotas_advice_not_the_resets(stubbed: Stubber) -> None:
    stubbed.add_client_error("admin_get_user", "TooManyRequestsException", "Rate exceeded", 400,
                             response_meta={"RetryAttempts": 9})
    text = failure(Cognito(AwsSettings()).user_status, POOL, "alice")
    assert text.startswith(f"CognitoPasswordReset could not read user 'alice' in user pool '{POOL}': ")
    for phrase in ("throttled", "on all 10 attempts", "AdminGetUser allows 120 requests per second",
                   "cognito-password-reset:maxReadsPerSecond", "pulumi refresh"):
        assert phrase in text
    assert "AdminResetUserPassword" not in text and "reset rate" not in text


def test_a_throttled_status_read_before_a_create_reset_says_run_up_again(stubbed: Stubber) -> None:
    # The create's look at the user's status (so a re-run create mails nobody twice) is a read:
    # its throttling is the read quota's, and what retries it is the next `pulumi up`, not a refresh.
    stubbed.add_client_error("admin_get_user", "TooManyRequestsException", "Rate exceeded", 400,
                             response_meta={"RetryAttempts": 9})
    text = failure(functools.partial(Cognito(AwsSettings()).reset_password, unless_reset_required=True),
                   POOL, "alice", {"secret": CANARY})
    # Nothing was sent (the stubber would refuse an unqueued reset): the subject is the reset's.
    assert text.startswith(f"CognitoPasswordReset could not reset the password of user 'alice' in user pool '{POOL}': ")
    for phrase in ("on all 10 attempts", "AdminGetUser allows 120 requests per second",
                   "cognito-password-reset:maxReadsPerSecond or run pulumi up again"):
        assert phrase in text
    assert "pulumi refresh" not in text and CANARY not in text


@pytest.mark.parametrize("operation", ["AssumeRole", "AssumeRoleWithWebIdentity"])
def test_a_refused_role_is_named_as_the_roles_fault_not_cognitos(operation: str) -> None:
    error = ClientError({"Error": {"Code": "AccessDenied", "Message": "User: arn:aws:iam::1:user/ci is not "
                                   "authorized to perform: sts:AssumeRole"}}, operation)
    text = str(cognito_errors.translate(error, Call(cognito_errors.RESET, POOL, "alice", ("external-canary-1",))))
    assert f"STS refused to let the provider assume a role of aws:assumeRoles or aws:assumeRoleWithWebIdentity " \
           f"({operation}, AccessDenied: " in text
    assert "trust policy" in text and "cognito-idp:AdminResetUserPassword" not in text


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    cognito.CLIENTS.clear()


@pytest.mark.usefixtures("no_credentials")
def test_no_credentials() -> None:
    text = failure(Cognito(AwsSettings(endpoint_url="http://127.0.0.1:9")).reset_password, POOL, "alice", None)
    assert "no usable AWS credentials were found" in text and "aws:accessKey" in text


@pytest.mark.usefixtures("no_credentials")
def test_unknown_profile() -> None:
    text = failure(Cognito(AwsSettings(profile="nope")).reset_password, POOL, "alice", None)
    assert "the AWS profile" in text and "does not exist" in text
    assert "(The config profile (nope) could not be found); check the profile name." in text


@pytest.mark.usefixtures("no_credentials")
def test_unknown_profile_on_a_read() -> None:
    # A refresh or a preview reads first: it must say the same, naming the read.
    text = failure(Cognito(AwsSettings(profile="nope")).user_status, POOL, "alice")
    assert text == (f"CognitoPasswordReset could not read user 'alice' in user pool '{POOL}': the AWS profile in "
                    f"aws:profile or AWS_PROFILE does not exist (The config profile (nope) could not be found); "
                    f"check the profile name.")


def test_unreachable_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    cognito.CLIENTS.clear()
    endpoint = f"http://127.0.0.1:{port}"
    text = failure(Cognito(AwsSettings(endpoint_url=endpoint)).reset_password, POOL, "alice", {"k": CANARY})
    assert f"could not reach {endpoint}" in text and "aws:endpoints" in text
    assert CANARY not in text
    cognito.CLIENTS.clear()


def _modelled_errors(*operations: str) -> list[str]:
    model = boto3.session.Session().client("cognito-idp", region_name=REGION).meta.service_model
    codes = {shape.name for op in operations for shape in model.operation_model(op).error_shapes}
    return sorted(codes)


@pytest.mark.parametrize("code", _modelled_errors("AdminResetUserPassword", "AdminGetUser"))
def test_every_error_the_model_lists_has_its_own_sentence(stubbed: Stubber, code: str) -> None:
    # The installed botocore's model names the errors both calls can raise: none may fall
    # through to the generic "AWS answered ..." sentence.
    stubbed.add_client_error("admin_reset_user_password", code, f"{code} happened", 400)
    text = failure(Cognito(AwsSettings()).reset_password, POOL, "alice", None)
    assert "AWS answered" not in text


@pytest.mark.parametrize("code", _modelled_errors("AdminUserGlobalSignOut"))
def test_every_error_the_model_lists_for_the_sign_out_has_its_own_sentence(stubbed: Stubber, code: str) -> None:
    stubbed.add_client_error("admin_user_global_sign_out", code, f"{code} happened", 400)
    text = failure(Cognito(AwsSettings()).global_sign_out, POOL, "alice")
    assert text.startswith(f"CognitoPasswordReset could not sign out user 'alice' in user pool '{POOL}': ")
    assert "AWS answered" not in text


# --- a reset that signs out first: the sentence says what the pair did, since that decides what
# the user got (nothing, or a sign-out without a mail) --------------------------------------------

def _paired(metadata: dict[str, str] | None = None) -> str:
    return failure(lambda: Cognito(AwsSettings()).reset_password(POOL, "alice", metadata, sign_out_first=True))


@pytest.mark.parametrize(("code", "message", "status", "sentence"), [
    ("AccessDeniedException", "User: arn:aws:iam::1:user/ci is not authorized to perform: "
                              "cognito-idp:AdminUserGlobalSignOut", 400,
     "access was denied (AccessDeniedException: User: arn:aws:iam::1:user/ci is not authorized to perform: "
     "cognito-idp:AdminUserGlobalSignOut); allow cognito-idp:AdminUserGlobalSignOut on the pool's ARN for the "
     "identity Pulumi runs as, or set global_sign_out to false."),
    ("TooManyRequestsException", "Rate exceeded", 400,
     "Cognito throttled the call (TooManyRequestsException) on all 10 attempts; AdminUserGlobalSignOut shares "
     "the provider's reset rate (cognito-password-reset:maxResetsPerSecond) and Cognito's quota with every other "
     "client; lower that rate or run pulumi up again, which retries only what is left."),
    ("UserNotFoundException", "User does not exist.", 400,
     "no such user exists in the pool (usernames are case-sensitive); check username, or remove this resource "
     "if the user was deleted."),
])
def test_a_failed_sign_out_says_no_reset_was_sent(stubbed: Stubber, code: str, message: str, status: int,
                                                  sentence: str) -> None:
    # Nothing is stubbed for the reset: had the provider gone on to call it, the Stubber would fail.
    stubbed.add_client_error("admin_user_global_sign_out", code, message, status, response_meta={"RetryAttempts": 9})
    assert _paired({"secret": CANARY}) == (
        f"CognitoPasswordReset could not sign out user 'alice' in user pool '{POOL}', so it sent no password "
        f"reset either: {sentence}")


def test_a_reset_failing_after_the_sign_out_says_the_user_was_signed_out(stubbed: Stubber) -> None:
    stubbed.add_response("admin_user_global_sign_out", {}, {"UserPoolId": POOL, "Username": "alice"})
    stubbed.add_client_error("admin_reset_user_password", "UserLambdaValidationException",
                             f"CustomMessage failed with error {CANARY}", 400)
    assert _paired({"secret": CANARY}) == (
        f"CognitoPasswordReset signed user 'alice' in user pool '{POOL}' out everywhere but could not reset the "
        f"password: the pool's custom-message Lambda trigger failed (UserLambdaValidationException: CustomMessage "
        f"failed with error ***); the user got no message; check the function's CloudWatch logs, fix it and run "
        f"pulumi up again.")


# --- client metadata masking: classify on the original answer, never mangle words ------------

WORDY = [
    # Values that are pieces of ordinary words (the stack's own default is locale "en").
    "en", "e", "in", "the",
]
LONG_CANARY = "canary-9b1e-long-secret-value"


def _sentence(stubbed: Stubber, code: str, message: str, status: int, metadata: dict[str, str] | None) -> str:
    stubbed.add_client_error("admin_reset_user_password", code, message, status, response_meta={"RetryAttempts": 9})
    return failure(Cognito(AwsSettings()).reset_password, POOL, "alice", metadata)


@pytest.mark.parametrize("value", WORDY)
@pytest.mark.parametrize(("code", "message", "status", "phrases"), [
    *ANSWERS,
    ("NotAuthorizedException", "User password cannot be reset in the current state.", 400, []),
    ("NotAuthorizedException", "User is disabled.", 400, []),
    ("InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email "
                                  "or phone_number", 400, []),
    ("UnrecognizedClientException", "The security token included in the request is invalid", 400, []),
])
def test_short_metadata_values_change_no_sentence(stubbed: Stubber, value: str, code: str, message: str,
                                                   status: int, phrases: list[str]) -> None:
    without = _sentence(stubbed, code, message, status, None)
    assert _sentence(stubbed, code, message, status, {"locale": value}) == without


@pytest.mark.parametrize(("state", "phrase"), [
    ({"confirmed": False}, "FORCE_CHANGE_PASSWORD"),
    ({"enabled": False}, "the user is disabled"),
    ({"verified": False}, "no verified email address"),
])
@pytest.mark.parametrize("value", [*WORDY, "state", "disabled", "verified"])
def test_metadata_values_do_not_change_the_diagnosis(pool: Pool, state: dict[str, bool], phrase: str,
                                                            value: str) -> None:
    # The case: locale "en" turned FORCE_CHANGE_PASSWORD into "access was denied ... curr***t state".
    # Values that are the very words the diagnosis looks for are masked in the quote, but the
    # diagnosis is made on Cognito's original answer.
    pool.user("alice", **state)
    without = failure(Cognito(AwsSettings()).reset_password, pool.id, "alice", None)
    assert failure(Cognito(AwsSettings()).reset_password, pool.id, "alice", {"locale": value}) == without
    assert phrase in without and "***" not in without


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("value", WORDY)
def test_short_metadata_values_leave_botocores_sentences_whole(value: str) -> None:
    reset = Cognito(AwsSettings(endpoint_url="http://127.0.0.1:9")).reset_password
    without = failure(reset, POOL, "alice", None)
    assert failure(reset, POOL, "alice", {"locale": value}) == without
    assert "credentials" in without and "environment" in without


@pytest.mark.parametrize(("code", "message", "status", "phrases"), ANSWERS)
def test_a_long_value_never_appears_even_inside_a_word(stubbed: Stubber, code: str, message: str, status: int,
                                                       phrases: list[str]) -> None:
    echoed = f"{message} (x{LONG_CANARY}y, {LONG_CANARY})"
    text = _sentence(stubbed, code, echoed, status, {"ticket": LONG_CANARY, "locale": "en"})
    assert LONG_CANARY not in text
    assert text == _sentence(stubbed, code, echoed.replace(LONG_CANARY, "***"), status, None)


def test_a_mid_length_value_is_masked_where_it_stands_as_a_word() -> None:
    call = Call(cognito_errors.RESET, POOL, "alice", ("4821", "s3cret7"))
    assert call.masked("PIN 4821 rejected for s3cret7.") == "PIN *** rejected for ***."
    assert call.masked("request 48215 and as3cret7x") == "request 48215 and as3cret7x"


def test_a_value_inside_a_longer_one_never_leaves_a_piece_of_the_longer_visible() -> None:
    # Longest first: masking "secret-value" first would leave "a-***-xyz", a piece of the other value.
    call = Call(cognito_errors.RESET, POOL, "alice", ("secret-value", "a-secret-value-xyz"))
    assert call.masked("echo a-secret-value-xyz and secret-value") == "echo *** and ***"


def test_a_value_of_eight_characters_is_masked_even_inside_a_word() -> None:
    assert cognito_errors.SHORT_SECRET == 8
    call = Call(cognito_errors.RESET, POOL, "alice", ("s3cret78",))
    assert call.masked("echo xs3cret78y") == "echo x***y"


# --- whole sentences: the diagnosis and its fix are what the user acts on ------------------------

SUBJECT = f"CognitoPasswordReset could not reset the password of user 'alice' in user pool '{POOL}': "


@pytest.mark.parametrize(("code", "message", "status", "sentence"), [
    ("UserNotFoundException", "User does not exist.", 400,
     "no such user exists in the pool (usernames are case-sensitive); check username, or remove this resource "
     "if the user was deleted."),
    ("ResourceNotFoundException", "User pool does not exist.", 400,
     "the user pool does not exist in this account and region; check user_pool_id and that the credentials "
     "belong to the pool's account."),
    ("NotAuthorizedException", "User is disabled.", 400,
     "the user is disabled; enable it (aws cognito-idp admin-enable-user) and run pulumi up again."),
    ("NotAuthorizedException", "User password cannot be reset in the current state.", 400,
     "the user is still in FORCE_CHANGE_PASSWORD (created by an admin, never signed in) or UNCONFIRMED, and "
     "Cognito cannot reset a password from that state; re-send the invitation instead (admin-create-user with "
     "MessageAction=RESEND), or set reset_on_create to false until the user has signed in."),
    ("InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email "
                                  "or phone_number", 400,
     "the user has no verified email address or phone number to send the code to; verify one "
     "(admin-update-user-attributes with email_verified=true) and run pulumi up again."),
    # AWS's own trailing full stop is dropped, so the quote does not end the sentence early.
    ("LimitExceededException", "Attempt limit exceeded, please try after some time.", 400,
     "Cognito's attempt limit for this user was exceeded (Attempt limit exceeded, please try after some time); "
     "wait a few minutes and run pulumi up again."),
    # Any 5xx is Cognito's failure, whatever its code.
    ("ServiceUnavailableException", "try later", 500,
     "Cognito failed with an internal error (ServiceUnavailableException) on all 10 attempts; run pulumi up again."),
    ("ServiceUnavailableException", "try later", 503,
     "Cognito failed with an internal error (ServiceUnavailableException) on all 10 attempts; run pulumi up again."),
])
def test_the_whole_sentence_for_each_answer(stubbed: Stubber, code: str, message: str, status: int,
                                            sentence: str) -> None:
    assert _sentence(stubbed, code, message, status, None) == SUBJECT + sentence


CALL = Call(cognito_errors.RESET, POOL, "alice", (LONG_CANARY,))


@pytest.mark.parametrize(("error", "sentence"), [
    (bx.SSOTokenLoadError(error_msg="expired"),
     "the AWS credentials could not be loaded or have expired; refresh them (for SSO: aws sso login)."),
    (bx.HTTPClientError(error="connection reset"),
     "could not reach the Cognito endpoint after retries (HTTPClientError); check the network, and aws:endpoints "
     "(cognitoidp) or AWS_ENDPOINT_URL if a local endpoint is meant."),
    (bx.DataNotFoundError(data_path=f"models/{LONG_CANARY}"),
     "botocore failed (DataNotFoundError: Unable to load data for: models/***)."),
    (ValueError(LONG_CANARY), "unexpected ValueError."),
])
def test_the_whole_sentence_for_each_failure_before_an_answer(error: Exception, sentence: str) -> None:
    assert str(cognito_errors.translate(error, CALL)) == SUBJECT + sentence


# --- metadata a Lambda trigger echoes as a string literal: JSON or Python ------------------------

def _echoed(form: str) -> str:
    return f'CustomMessage failed with error bad metadata {{"v": "{form}"}}'


@pytest.mark.parametrize(("value", "form"), [
    # json.dumps (ensure_ascii): non-ASCII as \uXXXX; ascii(): as \xNN, \uXXXX
    ("Jürgen Müller", r"J\u00fcrgen M\u00fcller"),
    ("Jürgen Müller", r"J\xfcrgen M\xfcller"),
    ("日本語の秘密です", r"\u65e5\u672c\u8a9e\u306e\u79d8\u5bc6\u3067\u3059"),
    # JSON escapes quotes, backslashes and control characters; repr() backslashes and controls
    ('password "rotation"', r"password \"rotation\""),
    ("it's \"due\" now", r'it\'s "due" now'),  # repr(): both quotes in the value, so ' escaped
    ("it's \"due\" now", r"it's \"due\" now"),  # JSON: only " escaped
    ("Jürgen's \"Jo\" Müller", r'Jürgen\'s "Jo" Müller'),  # repr() keeps non-ASCII, ascii() does not
    ("Müller\x07 bell", r"Müller\x07 bell"),
    (r"C:\secrets\new", r"C:\\secrets\\new"),
    ("line one\tline two\nend", r"line one\tline two\nend"),
    ("bell\x07 and null\x00", r"bell\u0007 and null\u0000"),  # json.dumps
    ("bell\x07 and null\x00", r"bell\x07 and null\x00"),  # repr()
    # A trailing backslash: the raw value begins its escaped form, which must go whole.
    ("ends in a\\", r"ends in a\\"),
    # "/" as PHP's json_encode writes it (Python and Node leave it alone)
    ("https://example.com/reset?t=1", r"https:\/\/example.com\/reset?t=1"),
    ("Jürgen/Müller", r"J\u00fcrgen\/M\u00fcller"),
])
def test_a_long_value_is_masked_in_every_written_form(value: str, form: str) -> None:
    call = Call(cognito_errors.RESET, POOL, "alice", (value,))
    assert call.masked(_echoed(form)) == _echoed("***")


@pytest.mark.parametrize(("value", "form"), [
    ("Müller", r"M\u00fcller"),
    ("Müller", r"M\xfcller"),
    ("日本語です", r"\u65e5\u672c\u8a9e\u3067\u3059"),
    ('"hi" x', r"\"hi\" x"),
    ("a\tb c", r"a\tb c"),
    (r"x\y1", r"x\\y1"),
    ("ab/cd", r"ab\/cd"),
])
def test_a_mid_length_value_is_masked_as_a_whole_word_in_every_written_form(value: str, form: str) -> None:
    # The rule is chosen on the value's own length: its escaped form may be 8 characters or
    # more, but a value of fewer is still masked only where it stands as a word.
    call = Call(cognito_errors.RESET, POOL, "alice", (value,))
    assert call.masked(_echoed(form)) == _echoed("***")
    assert call.masked(f"x{form}y and {form}2") == f"x{form}y and {form}2"


@pytest.mark.parametrize(("echoed", "left"), [
    (json.dumps({"note": "see\nMüller"}), r'{"note": "see\n***"}'),
    (json.dumps({"note": "see\tMüller"}, ensure_ascii=False), r'{"note": "see\t***"}'),
    (str({"note": "see\nMüller"}), r"{'note': 'see\n***'}"),
    (ascii({"note": "see\rMüller"}), r"{'note': 'see\r***'}"),
])
def test_a_mid_length_value_after_an_escaped_control_character_is_a_whole_word(echoed: str, left: str) -> None:
    # Escaped, the newline before the value is written "\n": its "n" is no part of the word.
    call = Call(cognito_errors.RESET, POOL, "alice", ("Müller",))
    assert call.masked(echoed) == left


@pytest.mark.parametrize(("value", "form"), [("日本語", r"\u65e5\u672c\u8a9e"), ("ü!", r"\u00fc!"), ("a\\", r"a\\")])
def test_a_trivial_value_is_not_masked_in_any_form(value: str, form: str) -> None:
    call = Call(cognito_errors.RESET, POOL, "alice", (value,))
    assert call.masked(_echoed(form)) == _echoed(form)


@pytest.mark.parametrize(("value", "form"), [
    ("Jürgen Müller", r"J\u00FCrgen M\u00FCller"),  # .NET's System.Text.Json, Java's Jackson: hex in capitals
    ("Jürgen Müller", "JÜRGEN MÜLLER"),
    ("sec-1042-rotation", "SEC-1042-ROTATION"),
    ("Müller", r"M\u00FCller"),
    ("Müller", "müller"),
])
def test_a_value_is_masked_in_any_case(value: str, form: str) -> None:
    call = Call(cognito_errors.RESET, POOL, "alice", (value,))
    assert call.masked(_echoed(form)) == _echoed("***")


ECHOED_METADATA = {
    "reason": 'Jürgen\'s password "rotation"',
    "path": r"\\fs01\secrets\jürgen",
    "team": "日本語チーム",
    "note": "line one\tline two\nend",
    "ticket": "SEC-1042",
    "locale": "en",
}


@pytest.mark.parametrize(("echo", "left"), [
    # Python: raise ValueError(json.dumps(metadata))
    (json.dumps, '{"reason": "***", "path": "***", "team": "***", "note": "***", "ticket": "***", "locale": "en"}'),
    (lambda m: json.dumps(m, ensure_ascii=False),
     '{"reason": "***", "path": "***", "team": "***", "note": "***", "ticket": "***", "locale": "en"}'),
    # Node: throw new Error(JSON.stringify(metadata)), which keeps non-ASCII and has no spaces
    (lambda m: json.dumps(m, ensure_ascii=False, separators=(",", ":")),
     '{"reason":"***","path":"***","team":"***","note":"***","ticket":"***","locale":"en"}'),
    # Python: raise ValueError(f"{metadata}"), and ascii()
    (str, "{'reason': '***', 'path': '***', 'team': '***', 'note': '***', 'ticket': '***', 'locale': 'en'}"),
    (ascii, "{'reason': '***', 'path': '***', 'team': '***', 'note': '***', 'ticket': '***', 'locale': 'en'}"),
])
def test_metadata_echoed_whole_by_a_trigger_leaves_no_value(echo: Any, left: str) -> None:
    call = Call(cognito_errors.RESET, POOL, "alice", tuple(ECHOED_METADATA.values()))
    echoed = echo(ECHOED_METADATA)
    assert echoed != echo(dict.fromkeys(ECHOED_METADATA, "x"))  # sanity: the echo holds the values
    assert call.masked(f"CustomMessage failed with error {echoed}") == f"CustomMessage failed with error {left}"


def _aws_answers(status: int, body: dict[str, str]) -> ClientError:
    """What botocore raises when AWS answers AdminResetUserPassword with ``status`` and this JSON
    ``body``: the real client parses the bytes as they come off the wire."""
    payload = json.dumps(body).encode()
    headers = {"x-amzn-requestid": "5d2b7f7e-0000-4000-8000-000000000000",
               "content-type": "application/x-amz-json-1.1", "content-length": str(len(payload))}
    client = boto3.client("cognito-idp", region_name=REGION)
    client.meta.events.register(
        "before-send.cognito-idp.AdminResetUserPassword",
        lambda request, **_: AWSResponse(request.url, status, headers,
                                         HTTPResponse(body=io.BytesIO(payload), preload_content=False)))
    with pytest.raises(ClientError) as raised:
        client.admin_reset_user_password(UserPoolId=POOL, Username="alice", ClientMetadata=ECHOED_METADATA)
    return raised.value


@pytest.mark.parametrize(("trigger_error", "left"), [
    # Python: raise ValueError(f"no template for {json.dumps(event['request']['clientMetadata'])}")
    (f"no template for {json.dumps(ECHOED_METADATA)}",
     '{"reason": "***", "path": "***", "team": "***", "note": "***", "ticket": "***", "locale": "en"}'),
    # Python: raise ValueError(f"no template for {event['request']['clientMetadata']}")
    (f"no template for {ECHOED_METADATA}",
     "{'reason': '***', 'path': '***', 'team': '***', 'note': '***', 'ticket': '***', 'locale': 'en'}"),
    # Node.js: throw new Error("no template for " + JSON.stringify(event.request.clientMetadata))
    (f"no template for {json.dumps(ECHOED_METADATA, ensure_ascii=False, separators=(',', ':'))}",
     '{"reason":"***","path":"***","team":"***","note":"***","ticket":"***","locale":"en"}'),
], ids=["python-json.dumps", "python-f-string", "node-JSON.stringify"])
def test_a_custom_message_trigger_echoing_its_metadata_as_aws_reports_it(trigger_error: str, left: str) -> None:
    # Cognito reports a trigger's failure as "<trigger> failed with error <the function's error
    # message>." (e.g. "PreSignUp failed with error Registration from this domain is not allowed..").
    error = _aws_answers(400, {"__type": "UserLambdaValidationException",
                               "message": f"CustomMessage failed with error {trigger_error}."})
    assert error.response["Error"]["Code"] == "UserLambdaValidationException"
    call = Call(cognito_errors.RESET, POOL, "alice", tuple(ECHOED_METADATA.values()))
    assert str(cognito_errors.translate(error, call)) == SUBJECT + (
        f"the pool's custom-message Lambda trigger failed (UserLambdaValidationException: CustomMessage failed "
        f"with error no template for {left}); the user got no message; check the function's CloudWatch logs, fix "
        f"it and run pulumi up again.")
