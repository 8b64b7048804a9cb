"""The user pool's custom-message trigger: turns a reset's client metadata into the message.

An admin reset (AdminResetUserPassword, what a CognitoPasswordReset calls) reaches this
function as ``CustomMessage_ForgotPassword`` with the reset's ``ClientMetadata`` in
``request.clientMetadata``. The function builds the email subject, the HTML email and the SMS
from the keys it knows (``reason``, ``ticket``, ``supportContact``, ``locale``) and the user's
attributes. Every other trigger source passes through unchanged, so Cognito sends its own
default message for sign-up codes, invitations, attribute verification and MFA.

A pure function of the event: no AWS SDK, no I/O but one log line that names the trigger
source and which known keys were present, never a metadata value (metadata can carry ticket
text and contact details, and Lambda logs are widely readable).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

FORGOT_PASSWORD = "CustomMessage_ForgotPassword"
PASS_THROUGH = frozenset({
    "CustomMessage_SignUp",
    "CustomMessage_ResendCode",
    "CustomMessage_AdminCreateUser",
    "CustomMessage_UpdateUserAttribute",
    "CustomMessage_VerifyUserAttribute",
    "CustomMessage_Authentication",
})
"""Trigger sources Cognito's own default messages serve well: returned unchanged."""

EMAIL_LIMIT = 20_000
"""Cognito rejects an email message longer than this (UTF-8 characters)."""
SMS_LIMIT = 140
"""Cognito rejects an SMS message longer than this."""
SUBJECT_LIMIT = 140
"""The longest subject Cognito's message templates accept."""

KNOWN_KEYS = ("reason", "ticket", "supportContact", "locale")
"""The client metadata keys this function reads; any other key is ignored."""

ELLIPSIS = "…"


class MalformedEventError(ValueError):
    """The event is not a Cognito custom-message event this function can answer."""


@dataclass(frozen=True)
class Texts:
    """One locale's wording. ``{…}`` fields are filled with escaped, length-fitted values."""

    subject: str
    subject_with_ticket: str
    greeting: str
    greeting_anonymous: str
    intro: str
    reason: str
    ticket: str
    code: str
    support: str
    ignore: str
    sms: str
    sms_with_reason: str


TEXTS: dict[str, Texts] = {
    "en": Texts(
        subject="Your password has been reset",
        subject_with_ticket="Your password has been reset ({ticket})",
        greeting="Hello {name},",
        greeting_anonymous="Hello,",
        intro="an administrator has reset the password of your account.",
        reason="Reason: {reason}",
        ticket="Reference: {ticket}",
        code="Your verification code is <strong>{code}</strong>. Enter it on the sign-in page to choose "
             "a new password.",
        support="Questions? Contact {support}.",
        ignore="Until you choose a new password, you cannot sign in.",
        sms="Your password was reset. Code: {code}",
        sms_with_reason="Your password was reset ({reason}). Code: {code}",
    ),
    "de": Texts(
        subject="Ihr Passwort wurde zurückgesetzt",
        subject_with_ticket="Ihr Passwort wurde zurückgesetzt ({ticket})",
        greeting="Hallo {name},",
        greeting_anonymous="Hallo,",
        intro="ein Administrator hat das Passwort Ihres Kontos zurückgesetzt.",
        reason="Grund: {reason}",
        ticket="Referenz: {ticket}",
        code="Ihr Bestätigungscode lautet <strong>{code}</strong>. Geben Sie ihn bei der Anmeldung ein, "
             "um ein neues Passwort zu wählen.",
        support="Fragen? Wenden Sie sich an {support}.",
        ignore="Bis Sie ein neues Passwort gewählt haben, ist keine Anmeldung möglich.",
        sms="Ihr Passwort wurde zurückgesetzt. Code: {code}",
        sms_with_reason="Ihr Passwort wurde zurückgesetzt ({reason}). Code: {code}",
    ),
    "fr": Texts(
        subject="Votre mot de passe a été réinitialisé",
        subject_with_ticket="Votre mot de passe a été réinitialisé ({ticket})",
        greeting="Bonjour {name},",
        greeting_anonymous="Bonjour,",
        intro="un administrateur a réinitialisé le mot de passe de votre compte.",
        reason="Motif : {reason}",
        ticket="Référence : {ticket}",
        code="Votre code de vérification est <strong>{code}</strong>. Saisissez-le lors de la connexion "
             "pour choisir un nouveau mot de passe.",
        support="Des questions ? Contactez {support}.",
        ignore="Tant que vous n'avez pas choisi de nouveau mot de passe, vous ne pouvez pas vous connecter.",
        sms="Votre mot de passe a été réinitialisé. Code : {code}",
        sms_with_reason="Votre mot de passe a été réinitialisé ({reason}). Code : {code}",
    ),
}
DEFAULT_LOCALE = "en"


def handler(event: Any, _context: Any = None) -> dict[str, Any]:
    """The Lambda entry point (``custom_message.handler``)."""
    source = _trigger_source(event)
    if source != FORGOT_PASSWORD:
        # Unknown sources too: a future trigger source must not break sign-ins.
        known = "known" if source in PASS_THROUGH else "unknown"
        LOG.info("custom message: %s trigger source %s passed through unchanged", known, _printable(source))
        return event  # type: ignore[no-any-return]
    request = _mapping(event, "request")
    code = _string(request, "codeParameter", "request")
    attributes = _mapping(request, "userAttributes", "request", optional=True)
    metadata = _metadata(request)
    LOG.info("custom message: %s with metadata keys %s", source, sorted(metadata))
    response = _mapping(event, "response", optional=True)
    event["response"] = {**response, **forgot_password(code, metadata, attributes)}
    return event  # type: ignore[no-any-return]


def forgot_password(code: str, metadata: Mapping[str, str], attributes: Mapping[str, Any]) -> dict[str, str]:
    """Subject, HTML email and SMS for a reset; each contains ``code`` and fits Cognito's limits."""
    texts = TEXTS[_locale(metadata.get("locale"), attributes.get("locale"))]
    name = _attribute(attributes, "given_name") or _attribute(attributes, "name")
    fields = {
        "name": name,
        "reason": metadata.get("reason", "").strip(),
        "ticket": metadata.get("ticket", "").strip(),
        "support": metadata.get("supportContact", "").strip(),
    }
    return {
        "emailSubject": _fit(lambda f: _subject(texts, f), fields, SUBJECT_LIMIT, code=None),
        "emailMessage": _fit(lambda f: _email(texts, f, code), fields, EMAIL_LIMIT, code=code),
        "smsMessage": _fit(lambda f: _sms(texts, f, code), {"reason": fields["reason"]}, SMS_LIMIT, code=code),
    }


def _subject(texts: Texts, f: Mapping[str, str]) -> str:
    # A subject is a header, not HTML: no escaping, and no line breaks from free text.
    ticket = " ".join(f["ticket"].split())
    return texts.subject_with_ticket.format(ticket=ticket) if ticket else texts.subject


def _email(texts: Texts, f: Mapping[str, str], code: str) -> str:
    e = {k: html.escape(v, quote=True) for k, v in f.items()}
    paragraphs = [
        texts.greeting.format(name=e["name"]) if e["name"] else texts.greeting_anonymous,
        texts.intro,
        texts.reason.format(reason=e["reason"]) if e["reason"] else "",
        texts.ticket.format(ticket=e["ticket"]) if e["ticket"] else "",
        # The code is Cognito's placeholder ({####}), replaced after this function returns:
        # it is inserted as given, never escaped or truncated.
        texts.code.format(code=code),
        texts.ignore,
        texts.support.format(support=e["support"]) if e["support"] else "",
    ]
    return "".join(f"<p>{p}</p>" for p in paragraphs if p)


def _sms(texts: Texts, f: Mapping[str, str], code: str) -> str:
    reason = " ".join(f["reason"].split())
    return texts.sms_with_reason.format(reason=reason, code=code) if reason else texts.sms.format(code=code)


def _fit(render: Callable[[dict[str, str]], str], fields: Mapping[str, str], limit: int, *, code: str | None) -> str:
    """Render with every free-text field cut to one common length, the longest that fits ``limit``.

    Only the free text is shortened (ending in an ellipsis), so the code and the fixed wording
    always survive, and short fields stay whole while long ones share what room is left. The
    rendered length grows with the cap, so a binary search finds it in a few renders.
    """

    def rendered(cap: int) -> str:
        return render({k: v if len(v) <= cap else v[:cap].rstrip() + ELLIPSIS for k, v in fields.items()})

    text = rendered(limit)
    if len(text) <= limit:
        return text
    low, high = 0, limit  # rendered(low) may fit; rendered(high) does not
    if len(rendered(0)) > limit:
        what = "the code parameter" if code is not None and len(code) > limit // 2 else "the fixed text"
        raise MalformedEventError(f"cannot fit the message into {limit} characters: {what} alone is too long")
    while high - low > 1:
        middle = (low + high) // 2
        if len(rendered(middle)) <= limit:
            low = middle
        else:
            high = middle
    return rendered(low)


def _locale(*candidates: Any) -> str:
    # "de-DE", "de_AT" and "DE" all mean German; anything unknown falls back to English.
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            language = candidate.strip().replace("_", "-").split("-", 1)[0].lower()
            if language in TEXTS:
                return language
    return DEFAULT_LOCALE


def _attribute(attributes: Mapping[str, Any], key: str) -> str:
    value = attributes.get(key)
    return value.strip() if isinstance(value, str) else ""


def _trigger_source(event: Any) -> str:
    if not isinstance(event, dict):
        raise MalformedEventError(f"the event must be a JSON object (a Cognito trigger event), not a "
                                  f"{type(event).__name__}")
    source = event.get("triggerSource")
    if not isinstance(source, str) or not source:
        raise MalformedEventError("the event has no triggerSource string; is this function attached to a "
                                  "user pool's custom message trigger?")
    return source


def _mapping(parent: Mapping[str, Any], key: str, where: str = "event", *, optional: bool = False) -> dict[str, Any]:
    value = parent.get(key)
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise MalformedEventError(f"{where}.{key} must be a JSON object but is "
                                  f"{'missing' if value is None else 'a ' + type(value).__name__}")
    return value


def _string(parent: Mapping[str, Any], key: str, where: str) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedEventError(f"{where}.{key} must be a non-empty string (Cognito's code placeholder) but is "
                                  f"{'missing' if value is None else 'a ' + type(value).__name__}")
    return value


def _metadata(request: Mapping[str, Any]) -> dict[str, str]:
    """The known keys of ``request.clientMetadata``; unknown keys are ignored whatever they hold."""
    raw = _mapping(request, "clientMetadata", "request", optional=True)
    known: dict[str, str] = {}
    for key in KNOWN_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            # Name the key, never the value: the value may be sensitive.
            raise MalformedEventError(f"request.clientMetadata.{key} must be a string but is a {type(value).__name__}")
        known[key] = value
    return known


def _printable(source: str) -> str:
    return source if source.isprintable() and len(source) <= 64 else repr(source[:64])
