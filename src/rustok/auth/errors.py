"""Authentication errors. All 401s look alike to a client probing for accounts."""

from __future__ import annotations

from rustok.core.errors import BadRequest, PermissionDenied, RateLimited, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "INVALID_CREDENTIALS"
    title = "Invalid email or password"


class InvalidRefreshToken(Unauthenticated):
    code = "INVALID_REFRESH_TOKEN"
    title = "Invalid refresh token"


class RefreshTokenReused(Unauthenticated):
    code = "REFRESH_TOKEN_REUSED"
    title = "Refresh token reused; the session was revoked"


class SessionRevoked(Unauthenticated):
    code = "SESSION_REVOKED"
    title = "Session revoked or expired"


class AccountDisabled(Unauthenticated):
    code = "ACCOUNT_DISABLED"
    title = "Account disabled"


class TenantMismatch(PermissionDenied):
    code = "TENANT_MISMATCH"
    title = "Token belongs to another tenant"


class TooManyAttempts(RateLimited):
    code = "TOO_MANY_ATTEMPTS"
    title = "Too many failed sign-in attempts"


class InvalidOneTimeToken(BadRequest):
    code = "INVALID_OR_EXPIRED_TOKEN"
    title = "Invalid or expired token"


class TooManyRegistrations(RateLimited):
    code = "TOO_MANY_ATTEMPTS"
    title = "Too many registration attempts"
