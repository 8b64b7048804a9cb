"""Object-valued stack config (``aws:endpoints``, ``aws:assumeRoles``, ...) as the provider gets it.

The engine hands a provider every config value as text: a list or map set in
``Pulumi.<stack>.yaml`` arrives as its JSON. One parser, so every such key fails alike.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ConfigError


def object_value(value: Any, key: str, fix: str) -> Any:
    """``value`` of ``key`` parsed from JSON text (None if unset or empty); a value that is not
    text is returned as it is. Text that is not JSON fails with a sentence ending in ``fix``."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise ConfigError(f"stack config {key} is not valid JSON/YAML; {fix}") from None
