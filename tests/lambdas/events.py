"""Full Cognito custom-message events, shaped as Cognito sends them (one per trigger source).

Field names and nesting follow the Lambda trigger reference for custom message triggers:
``request.codeParameter`` is the placeholder Cognito replaces with the code after the
function returns; ``usernameParameter`` is set only for AdminCreateUser invitations.
"""

from __future__ import annotations

import copy
from typing import Any

POOL_ID = "us-east-1_AbCdEf123"

USER_ATTRIBUTES: dict[str, str] = {
    "sub": "2f3a9c1e-4d5b-4f6a-8b7c-9d0e1f2a3b4c",
    "email_verified": "true",
    "cognito:user_status": "CONFIRMED",
    "cognito:email_alias": "alice@example.com",
    "given_name": "Alice",
    "email": "alice@example.com",
}


def event(trigger_source: str, *, client_metadata: dict[str, Any] | None = None,
          username_parameter: str | None = None, user_attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """A complete event for ``trigger_source``, as Cognito invokes the function with it."""
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": POOL_ID,
        "userName": "alice",
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": "CLIENT_ID_NOT_APPLICABLE",
        },
        "triggerSource": trigger_source,
        "request": {
            "userAttributes": copy.deepcopy(USER_ATTRIBUTES if user_attributes is None else user_attributes),
            "codeParameter": "{####}",
            "linkParameter": "{##Click Here##}",
            "usernameParameter": username_parameter,
            "clientMetadata": client_metadata,
        },
        "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    }


RESET_METADATA = {
    "reason": "Quarterly credential rotation",
    "ticket": "SEC-1042",
    "supportContact": "it-help@example.com",
    "locale": "en",
}
