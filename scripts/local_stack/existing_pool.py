"""The "existing" user pool: made directly in the emulator, standing for a pool made elsewhere.

Cognito calls go over plain HTTP (standard library only, no boto3), and each step is idempotent:
the pool is found by name, users and the group are made only if missing.
"""

from __future__ import annotations

from .settings import REGION, Failure, Settings

EXISTING_POOL_NAME = "cognito-password-reset-existing"
"""The pool the script makes in the emulator, standing for one another team made (found by this name)."""
EXISTING_POOL_USERS = ("erin", "frank")
"""Listed by name in the stack config: reset when first declared."""
EXISTING_POOL_GROUP = "contractors"
EXISTING_POOL_MEMBERS = ("frank", "grace")
"""The group's members, selected by the stack config's ``group``: grace is adopted without a reset;
frank, listed too, is one resource that keeps what listing gives."""


class EmulatorError(Failure):
    """The emulator answered a Cognito call with an error (``code`` is its exception name)."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"the AWS emulator refused {operation}: {code} {message}".strip())
        self.code = code


def cognito(s: Settings, operation: str, payload: dict[str, object]) -> dict[str, object]:
    """One Cognito API call to the emulator over plain HTTP (standard library only, no boto3)."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{s.endpoint}/", data=json.dumps(payload).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        # moto reads the service and region from the credential scope and checks no signature.
        "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/cognito-idp/aws4_request, "
                         f"SignedHeaders=host, Signature=0",
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, object] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:  # not Cognito's JSON error: say what came back
            body = {"__type": f"HTTP {error.code}", "message": raw[:200].decode(errors="replace")}
        raise EmulatorError(operation, str(body.get("__type", error.code)).split("#")[-1],
                            str(body.get("message", ""))) from None


def ensure_existing_pool(s: Settings) -> str:
    """The id of the emulator's "existing" pool with its users and group, made only if missing."""
    import secrets

    pool_id = None
    token: object = None
    while pool_id is None:
        page = cognito(s, "ListUserPools", {"MaxResults": 60, **({"NextToken": token} if token else {})})
        pools = page.get("UserPools")
        found = [p["Id"] for p in pools if p.get("Name") == EXISTING_POOL_NAME] if isinstance(pools, list) else []
        if found:
            pool_id = str(found[0])
        elif not (token := page.get("NextToken")):
            created = cognito(s, "CreateUserPool", {"PoolName": EXISTING_POOL_NAME,
                                                   "AutoVerifiedAttributes": ["email"]})["UserPool"]
            pool_id = str(created["Id"])  # type: ignore[index]
    for username in dict.fromkeys(EXISTING_POOL_USERS + EXISTING_POOL_MEMBERS):
        try:
            cognito(s, "AdminGetUser", {"UserPoolId": pool_id, "Username": username})
            continue  # there already (perhaps RESET_REQUIRED by the last run): left as it is
        except EmulatorError as error:
            if error.code != "UserNotFoundException":
                raise
        cognito(s, "AdminCreateUser", {
            "UserPoolId": pool_id, "Username": username, "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"},
                               {"Name": "email_verified", "Value": "true"}]})
        # CONFIRMED, so it can be reset; nobody signs in with this password, so it is not kept.
        cognito(s, "AdminSetUserPassword", {"UserPoolId": pool_id, "Username": username, "Permanent": True,
                                            "Password": f"Existing-{secrets.token_urlsafe(12)}-9a"})
    try:
        cognito(s, "CreateGroup", {"UserPoolId": pool_id, "GroupName": EXISTING_POOL_GROUP})
    except EmulatorError as error:
        if error.code != "GroupExistsException":
            raise
    for username in EXISTING_POOL_MEMBERS:  # adding a member twice changes nothing
        cognito(s, "AdminAddUserToGroup", {"UserPoolId": pool_id, "Username": username,
                                           "GroupName": EXISTING_POOL_GROUP})
    return pool_id
