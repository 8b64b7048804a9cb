"""testbed/moto_server.py imports moto's user-pool signing key once for every pool: the tokens moto
issues must still verify against the keys each pool publishes, as they do with plain moto server."""

from __future__ import annotations

import json
import urllib.request

from joserfc import jwk, jwt

from testbed.servers import Moto
from tests.cognito_pool import PASSWORD
from tests.engine.servers import new_pool


def test_every_pools_tokens_verify_against_the_keys_it_publishes(moto: Moto) -> None:
    moto.reset()
    for name in ("first", "second"):  # the second pool is the one that reuses the shared import
        pool = new_pool(moto, name)
        pool.user("alice")
        client_id = pool.client.create_user_pool_client(
            UserPoolId=pool.id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]["ClientId"]
        token = pool.client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]["IdToken"]
        with urllib.request.urlopen(f"{moto.url}/{pool.id}/.well-known/jwks.json", timeout=10) as response:
            published = jwk.KeySet.import_key_set(json.load(response))
        claims = jwt.decode(token, published, algorithms=["RS256"]).claims  # raises on a bad signature
        assert claims["cognito:username"] == "alice" and claims["iss"].endswith(pool.id)
