"""API key errors. A refused key is 401 whatever the reason; the code says which."""

from __future__ import annotations

from rustok.core.errors import PermissionDenied, Unauthenticated


class InvalidApiKey(Unauthenticated):
    """Malformed, unknown, or sent twice differently (``X-Api-Key`` and a bearer)."""

    code = "INVALID_API_KEY"
    title = "Invalid API key"


class ApiKeyRevoked(Unauthenticated):
    code = "API_KEY_REVOKED"
    title = "API key revoked"


class ApiKeyExpired(Unauthenticated):
    code = "API_KEY_EXPIRED"
    title = "API key expired"


class ApiKeyCreatorInactive(Unauthenticated):
    """The key's creator was disabled, banned or deleted: the key ends with them."""

    code = "API_KEY_REVOKED"
    title = "API key revoked"


class PermissionsTooWide(PermissionDenied):
    code = "PERMISSIONS_TOO_WIDE"
    title = "Permissions wider than your own"


class ApiKeyNotAllowed(PermissionDenied):
    """Keys do not manage keys or sessions: a leaked key must not outlive its revocation."""

    code = "API_KEY_NOT_ALLOWED"
    title = "Not allowed with an API key"
