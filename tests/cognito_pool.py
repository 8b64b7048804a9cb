"""A Cognito user pool to arrange test users in, whichever Cognito (moto in-process or server)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PASSWORD = "Passw0rd!Passw0rd"


@dataclass
class Pool:
    """A user pool and the client that made it, with helpers to put users in the states a test needs."""

    client: Any
    id: str

    def user(self, username: str, *, verified: bool = True, confirmed: bool = True, enabled: bool = True) -> str:
        """Create ``username``: by default CONFIRMED (a permanent password) with a verified email,
        the one state from which Cognito resets a password."""
        attrs = [{"Name": "email", "Value": f"{username}@example.com"},
                 {"Name": "email_verified", "Value": "true" if verified else "false"}]
        self.client.admin_create_user(UserPoolId=self.id, Username=username, UserAttributes=attrs,
                                      MessageAction="SUPPRESS")
        if confirmed:
            self.client.admin_set_user_password(UserPoolId=self.id, Username=username, Password=PASSWORD,
                                                Permanent=True)
        if not enabled:
            self.disable(username)
        return username

    def status(self, username: str) -> str:
        return str(self.client.admin_get_user(UserPoolId=self.id, Username=username)["UserStatus"])

    def disable(self, username: str) -> None:
        self.client.admin_disable_user(UserPoolId=self.id, Username=username)

    def enable(self, username: str) -> None:
        self.client.admin_enable_user(UserPoolId=self.id, Username=username)

    def delete(self, username: str) -> None:
        self.client.admin_delete_user(UserPoolId=self.id, Username=username)


def new_pool(client: Any, name: str = "pool") -> Pool:
    """A new user pool made with ``client``."""
    return Pool(client, client.create_user_pool(PoolName=name)["UserPool"]["Id"])
