"""The provider's import path as version 0.1.0 stored it in every stack's state.

0.1.0 shipped its code as the top-level package ``dynamic_providers``, a folder name many
Pulumi projects use for their own providers; the code now lives in ``cognito_password_reset``.
Every stack created with 0.1.0 still holds ``dynamic_providers.provider.CognitoPasswordResetProvider``
(pickled by reference) until its next ``pulumi up``, and refresh and destroy unpickle it from
there. This re-export keeps those stacks working.

``dynamic_providers`` is deliberately a namespace package (no ``__init__.py``), here and in
the installed distribution: a regular package of that name in site-packages would hide a
project's own ``dynamic_providers/`` folder when that folder has no ``__init__.py``. As a
namespace portion it merges with such a folder, and a project's own regular package wins.
Merging has a limit: a project whose own ``dynamic_providers/`` has a ``provider.py`` (or is a
regular package) is found first, so this module is hidden there, and refresh and destroy of
state still written by 0.1.0 fail until one ``pulumi up`` without ``--refresh`` records the new
path (docs/operations.md, "Upgrading"; tests/engine/test_host_state_compat.py).
"""

from cognito_password_reset.provider import CognitoPasswordResetProvider

__all__ = ["CognitoPasswordResetProvider"]
