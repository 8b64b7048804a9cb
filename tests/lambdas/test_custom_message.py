"""The custom-message trigger, driven with full Cognito events."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from lambdas import custom_message
from lambdas.custom_message import EMAIL_LIMIT, SMS_LIMIT, SUBJECT_LIMIT, MalformedEventError, handler
from tests.lambdas.events import RESET_METADATA, event

CODE = "{####}"


def reset(metadata: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, str]:
    """The response the function gives an admin reset with ``metadata``."""
    result = handler(event("CustomMessage_ForgotPassword", client_metadata=metadata, **kwargs), None)
    return result["response"]  # type: ignore[no-any-return]


def test_admin_reset_message_carries_metadata_and_code() -> None:
    response = reset(dict(RESET_METADATA))

    assert response["emailSubject"] == "Your password has been reset (SEC-1042)"
    email = response["emailMessage"]
    assert "Hello Alice," in email
    assert "Reason: Quarterly credential rotation" in email
    assert "Reference: SEC-1042" in email
    assert "Contact it-help@example.com" in email
    assert f"<strong>{CODE}</strong>" in email
    assert response["smsMessage"] == f"Your password was reset (Quarterly credential rotation). Code: {CODE}"


def test_reset_without_metadata_still_sends_the_code() -> None:
    # A user's own "forgot password" arrives with the same trigger source and no metadata.
    response = reset(None)

    assert response["emailSubject"] == "Your password has been reset"
    assert CODE in response["emailMessage"]
    assert "Reason" not in response["emailMessage"]
    assert response["smsMessage"] == f"Your password was reset. Code: {CODE}"


def test_other_response_fields_are_kept() -> None:
    e = event("CustomMessage_ForgotPassword", client_metadata=dict(RESET_METADATA))
    e["response"]["someFutureField"] = "kept"

    assert handler(e, None)["response"]["someFutureField"] == "kept"


def test_inserted_text_is_html_escaped() -> None:
    response = reset({"reason": "<script>alert(1)</script> & more", "ticket": '"T-1"'},
                     user_attributes={"email": "a@example.com", "given_name": "<b>Eve</b>"})

    email = response["emailMessage"]
    assert "<script>" not in email and "<b>Eve" not in email
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in email
    assert "&lt;b&gt;Eve&lt;/b&gt;" in email
    assert "&quot;T-1&quot;" in email


def test_unknown_metadata_keys_are_ignored() -> None:
    response = reset({"reason": "rotation", "internalNote": "do-not-show-42", "priority": {"nested": True}})

    assert all("do-not-show-42" not in text for text in response.values())
    assert "Reason: rotation" in response["emailMessage"]


@pytest.mark.parametrize(("metadata_locale", "attribute_locale", "expected"), [
    ("de", None, "Ihr Passwort wurde zurückgesetzt"),
    ("fr_FR", None, "Votre mot de passe a été réinitialisé"),
    (None, "de-AT", "Ihr Passwort wurde zurückgesetzt"),
    ("xx", "fr", "Votre mot de passe a été réinitialisé"),
    ("xx", None, "Your password has been reset"),
])
def test_locale_from_metadata_then_user_attribute_then_english(metadata_locale: str | None,
                                                                attribute_locale: str | None, expected: str) -> None:
    attributes = {"email": "a@example.com"}
    if attribute_locale:
        attributes["locale"] = attribute_locale
    metadata = {"locale": metadata_locale} if metadata_locale else {}

    response = reset(metadata, user_attributes=attributes)

    assert response["emailSubject"] == expected
    assert CODE in response["emailMessage"] and CODE in response["smsMessage"]


@pytest.mark.parametrize("locale", sorted(custom_message.TEXTS))
def test_long_free_text_is_truncated_never_the_code(locale: str) -> None:
    # Metadata values may be up to 131072 characters; escaping makes '&' five times longer.
    huge = "&" * 131_072
    response = reset({"reason": huge, "ticket": huge, "supportContact": huge, "locale": locale},
                     user_attributes={"email": "a@example.com", "name": huge})

    email, sms, subject = response["emailMessage"], response["smsMessage"], response["emailSubject"]
    assert len(email) <= EMAIL_LIMIT
    assert len(sms) <= SMS_LIMIT
    assert len(subject) <= SUBJECT_LIMIT
    assert f"<strong>{CODE}</strong>" in email
    assert sms.endswith(CODE)
    assert "…" in email and "…" in sms
    # Truncation never cuts an escaped entity in half.
    assert "&amp" not in email.replace("&amp;", "")


def test_a_message_just_under_the_limit_is_not_truncated() -> None:
    text = "x" * 120
    assert "…" not in reset({"reason": text})["emailMessage"]
    assert "…" in reset({"reason": text})["smsMessage"]  # 120 characters of reason cannot fit an SMS
    assert text in reset({"reason": text})["emailMessage"]


def test_metadata_values_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    metadata = {"reason": "secret-reason-7731", "ticket": "secret-ticket-8842",
                "supportContact": "secret-contact-9953", "locale": "de", "other": "secret-other-1164"}

    with caplog.at_level(logging.DEBUG):
        reset(metadata)

    assert caplog.records, "the function should log what it did"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for value in metadata.values():
        if value != "de":
            assert value not in logged


@pytest.mark.parametrize("source", sorted(custom_message.PASS_THROUGH))
def test_other_trigger_sources_pass_through_unchanged(source: str) -> None:
    username = "{username}" if source == "CustomMessage_AdminCreateUser" else None
    original = event(source, client_metadata=dict(RESET_METADATA), username_parameter=username)

    result = handler(copy.deepcopy(original), None)

    assert result == original  # Cognito then sends its default message


def test_an_unknown_trigger_source_passes_through_unchanged() -> None:
    original = event("CustomMessage_SomethingNew")

    assert handler(copy.deepcopy(original), None) == original


@pytest.mark.parametrize(("bad_event", "message"), [
    (None, "the event must be a JSON object"),
    ([], "the event must be a JSON object"),
    ({}, "no triggerSource"),
    ({"triggerSource": 7}, "no triggerSource"),
    ({"triggerSource": "CustomMessage_ForgotPassword"}, "event.request must be a JSON object but is missing"),
    ({"triggerSource": "CustomMessage_ForgotPassword", "request": "x"},
     "event.request must be a JSON object but is a str"),
    ({"triggerSource": "CustomMessage_ForgotPassword", "request": {}}, "request.codeParameter must be a non-empty"),
    ({"triggerSource": "CustomMessage_ForgotPassword", "request": {"codeParameter": "{####}", "userAttributes": []}},
     "request.userAttributes must be a JSON object"),
    ({"triggerSource": "CustomMessage_ForgotPassword", "request": {"codeParameter": "{####}", "clientMetadata": "x"}},
     "request.clientMetadata must be a JSON object"),
    ({"triggerSource": "CustomMessage_ForgotPassword", "request": {"codeParameter": "{####}"}, "response": 3},
     "event.response must be a JSON object"),
])
def test_malformed_events_get_a_clear_error(bad_event: Any, message: str) -> None:
    with pytest.raises(MalformedEventError, match=message.replace(".", r"\.")):
        handler(bad_event, None)


def test_a_non_string_known_key_is_named_without_its_value() -> None:
    with pytest.raises(MalformedEventError) as caught:
        reset({"ticket": 123456789})

    assert "request.clientMetadata.ticket must be a string" in str(caught.value)
    assert "123456789" not in str(caught.value)


def test_truncation_shortens_only_the_long_field() -> None:
    response = reset({**RESET_METADATA, "reason": "r" * 50_000})

    email = response["emailMessage"]
    assert len(email) == EMAIL_LIMIT  # the room is used, not wasted
    assert "Reference: SEC-1042" in email and "Contact it-help@example.com" in email
    assert "Hello Alice," in email
