"""Request and response bodies of the auth API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=255)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Token = Annotated[str, msgspec.Meta(min_length=16, max_length=256)]
RoleSlug = Literal["super_admin", "admin", "manager", "customer"]


class RegisterRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password
    name: Name | None = None


class LoginRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password


class RefreshRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    refresh_token: Token


class ChangePasswordRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    current_password: Password
    new_password: Password


class EmailRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email


class ResetConfirmRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    token: Token
    new_password: Password


class TokenRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    token: Token


class InviteRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    role: RoleSlug = "customer"


class InviteAcceptRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    token: Token
    password: Password
    name: Name | None = None


class UserRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    name: str | None
    role: str
    roles: list[str]
    permissions: list[str]
    status: str
    email_verified: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class TokenPair(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme's name, not a secret
    expires_in: int
    user: UserRead


class SessionRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    ip_address: str | None
    user_agent: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    current: bool


class RevokedCount(msgspec.Struct, frozen=True, kw_only=True):
    revoked: int


class InviteRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    email: str
    role: str
    expires_at: dt.datetime


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    status: Literal["accepted"] = "accepted"
    detail: str
