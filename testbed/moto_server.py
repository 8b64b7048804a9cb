"""moto server as the tests and the benchmark start it: ``python -m testbed.moto_server -H HOST -p PORT``.

The same server as ``python -m moto.server``, with the user pools' signing key imported once
(``share_pool_signing_key``): nothing a client sees changes, and a new pool costs about 5 ms of
the server's CPU instead of about 200 ms.
"""

from __future__ import annotations

import sys
from typing import Any


def share_pool_signing_key() -> None:
    """Import moto's user pool signing key once, for every pool made after this call.

    moto gives every user pool the same RSA key (``cognitoidp/resources/jwks-private.json``)
    and imports it again for each pool it creates (``CognitoIdpUserPool.__init__``), where
    cryptography checks the private key each time: about 0.2 s of CPU a pool, and the suite makes
    hundreds of pools. The key is one file's contents, so one import serves every pool; tokens
    are signed with the same key either way.
    """
    import json
    import types

    from joserfc import jwk
    from moto.cognitoidp import models

    if isinstance(models.jwk, types.SimpleNamespace):
        return  # already shared in this process
    imported: dict[str, Any] = {}

    def import_key(value: Any, *args: Any, **kwargs: Any) -> Any:
        key = json.dumps([value, args, kwargs], sort_keys=True, default=repr)
        if key not in imported:
            imported[key] = jwk.RSAKey.import_key(value, *args, **kwargs)
        return imported[key]

    # Only moto's cognitoidp models see the namespace; joserfc itself is left as it is.
    models.jwk = types.SimpleNamespace(RSAKey=types.SimpleNamespace(import_key=import_key))  # type: ignore[assignment]


if __name__ == "__main__":
    share_pool_signing_key()
    from moto.server import main

    main(sys.argv[1:])
