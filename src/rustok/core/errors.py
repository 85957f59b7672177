"""One error tree for the whole platform (ER-1..3).

Services raise these; transports map them: ``api/problems.py`` renders
``application/problem+json`` and GraphQL puts ``code`` into ``extensions``.
Nothing below the transports knows about HTTP beyond the ``status`` hint::

    RustokError (500 INTERNAL_ERROR)
     ├── BadRequest (400 BAD_REQUEST)
     │    └── ValidationFailed (400 VALIDATION_ERROR, with field errors)
     ├── Unauthenticated (401 UNAUTHENTICATED)
     ├── PermissionDenied (403 FORBIDDEN)
     ├── NotFound (404 NOT_FOUND)
     ├── Conflict (409 CONFLICT)
     │    └── InvalidTransition (409 INVALID_TRANSITION)
     ├── PayloadTooLarge (413 PAYLOAD_TOO_LARGE)
     ├── UnsupportedMediaType (415 UNSUPPORTED_MEDIA_TYPE)
     ├── UnprocessableContent (422 UNPROCESSABLE_CONTENT, with field errors)
     ├── RateLimited (429 RATE_LIMITED)
     └── Unavailable (503 SERVICE_UNAVAILABLE)

Subclasses in platform packages and modules refine ``code`` (``TENANT_NOT_FOUND``,
``INSUFFICIENT_INVENTORY``, ...) while keeping the status of their parent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar


class RustokError(Exception):
    """Base of every error the platform raises on purpose."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"
    title: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.detail = detail or self.title
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(self.detail)


class BadRequest(RustokError):
    status = 400
    code = "BAD_REQUEST"
    title = "Bad request"


class ValidationFailed(BadRequest):
    """Input that is well-formed but breaks a rule; ``errors`` maps field → messages."""

    code = "VALIDATION_ERROR"
    title = "Validation failed"


class Unauthenticated(RustokError):
    status = 401
    code = "UNAUTHENTICATED"
    title = "Authentication required"


class PermissionDenied(RustokError):
    status = 403
    code = "FORBIDDEN"
    title = "Permission denied"


class NotFound(RustokError):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


class Conflict(RustokError):
    status = 409
    code = "CONFLICT"
    title = "Conflict"


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"
    title = "Invalid state transition"


class PayloadTooLarge(RustokError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"
    title = "Payload too large"


class UnsupportedMediaType(RustokError):
    """A body (an uploaded file) of a type the platform does not take."""

    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    title = "Unsupported media type"


class UnprocessableContent(RustokError):
    """Well-formed, valid-looking input the platform will not act on (a URL it may not call);
    ``errors`` names the fields."""

    status = 422
    code = "UNPROCESSABLE_CONTENT"
    title = "Unprocessable content"


class RateLimited(RustokError):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many requests"


class Unavailable(RustokError):
    status = 503
    code = "SERVICE_UNAVAILABLE"
    title = "Service unavailable"


def field_error(field: str, message: str) -> ValidationFailed:
    """Shortcut for a validation error on one field."""
    return ValidationFailed(f"{field}: {message}", errors={field: [message]})
