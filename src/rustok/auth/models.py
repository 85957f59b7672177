"""Users and their sessions (A-1, A-2)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped, utcnow

USER_STATUSES = ("active", "inactive", "banned")


class User(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    email: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="active")
    email_verified_at: Mapped[dt.datetime | None] = mapped_column()
    last_login_at: Mapped[dt.datetime | None] = mapped_column()
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)


class UserSession(HasId, TenantScoped, Timestamped, Base):
    """A signed-in device; the refresh token's SHA-256 is the only copy of the secret."""

    __tablename__ = "sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    # An admin session of a default-tenant super admin: the tenant it acts in (the admin's
    # tenant switcher); None is the session's own tenant.
    acting_tenant_id: Mapped[uuid.UUID | None] = mapped_column()


class RotatedRefreshToken(TenantScoped, Base):
    """A refresh token that was already exchanged: presenting it again means theft (A-2)."""

    __tablename__ = "auth_rotated_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    rotated_at: Mapped[dt.datetime] = mapped_column()


class OneTimeToken(HasId, TenantScoped, Base):
    """Password reset, email verification and invitation tokens: hashed, single use."""

    __tablename__ = "auth_one_time_tokens"

    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginFailure(HasId, TenantScoped, Base):
    """One failed sign-in; counted per account and per address to throttle (A-7)."""

    __tablename__ = "auth_login_failures"
    __table_args__ = (
        Index("ix_auth_login_failures_email_created_at", "tenant_id", "email", "created_at"),
        Index("ix_auth_login_failures_ip_created_at", "ip_address", "created_at"),
    )

    email: Mapped[str] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RegistrationAttempt(HasId, TenantScoped, Base):
    """One registration attempt; counted per client address (registration tells a taken
    address apart, so probing for accounts is limited like signing in)."""

    __tablename__ = "auth_registration_attempts"
    __table_args__ = (
        Index("ix_auth_registration_attempts_ip_created_at", "ip_address", "created_at"),
    )

    email: Mapped[str] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PrincipalChange(HasId, TenantScoped, Base):
    """A change that ends cached principals: a revoked session, or a user whose status or
    roles changed. Every process polls these, so it takes effect without Redis (A-3)."""

    __tablename__ = "auth_principal_changes"

    session_id: Mapped[uuid.UUID | None] = mapped_column()
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
