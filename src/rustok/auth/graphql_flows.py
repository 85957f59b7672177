# mypy: disallow-untyped-decorators=False
# (strawberry.field(...) with arguments is untyped, as in every graphql.py; pyproject.toml)
"""GraphQL: the account flows of ``/api/auth`` — sessions, password change and reset, email
verification, invitations — through the same ``AuthService``/``AuthFlows`` calls, with the
REST bodies' structs validating the arguments."""

from __future__ import annotations

import datetime as dt

import strawberry

from rustok.auth.graphql import AuthPayload, _agent, _auth, _no_store, _principal
from rustok.auth.schemas import (
    ChangePasswordRequest,
    EmailRequest,
    InviteAcceptRequest,
    InviteRequest,
    ResetConfirmRequest,
    TokenRequest,
)
from rustok.rbac.declare import AUTHENTICATED
from rustok.web.graphql import RustokInfo
from rustok.web.inputs import convert
from rustok.web.permissions import Public, requires


@strawberry.type(name="Session")
class SessionType:
    id: strawberry.ID
    ip_address: str | None
    user_agent: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    current: bool = strawberry.field(description="the session of this request's token")


@strawberry.type(name="Invite")
class InviteType:
    id: strawberry.ID
    email: str
    role: str
    expires_at: dt.datetime


@strawberry.type
class AuthFlowQuery:
    @strawberry.field(
        permission_classes=[requires(AUTHENTICATED)], description="The user's active sessions."
    )
    async def my_sessions(self, info: RustokInfo) -> list[SessionType]:
        _no_store(info)
        principal = _principal(info)
        rows = await _auth(info).sessions.list_active(principal.user_id)
        return [
            SessionType(
                id=strawberry.ID(str(s.id)), ip_address=s.ip_address, user_agent=s.user_agent,
                created_at=s.created_at, last_used_at=s.last_used_at, expires_at=s.expires_at,
                current=s.id == principal.session_id,
            )
            for s in rows
        ]  # fmt: skip


@strawberry.type
class AuthFlowMutation:
    @strawberry.mutation(
        permission_classes=[requires(AUTHENTICATED)],
        description="Revoke every other session of the user; answers how many.",
    )
    async def revoke_other_sessions(self, info: RustokInfo) -> int:
        return await _auth(info).service.revoke_others(_principal(info))

    @strawberry.mutation(
        permission_classes=[requires(AUTHENTICATED)],
        description="Change the password; the other sessions are revoked.",
    )
    async def change_password(
        self, info: RustokInfo, current_password: str, new_password: str
    ) -> bool:
        body = convert(
            {"current_password": current_password, "new_password": new_password},
            ChangePasswordRequest,
        )
        await _auth(info).service.change_password(
            _principal(info), body.current_password, body.new_password
        )
        return True

    @strawberry.mutation(
        permission_classes=[Public],
        description="Mail a reset token when the account exists (the answer never says).",
    )
    async def request_password_reset(self, info: RustokInfo, email: str) -> bool:
        body = convert({"email": email}, EmailRequest)
        await _auth(info).flows.request_password_reset(body.email)
        return True

    @strawberry.mutation(
        permission_classes=[Public],
        description="Set a new password with a reset token (single use, 15 minutes).",
    )
    async def confirm_password_reset(self, info: RustokInfo, token: str, new_password: str) -> bool:
        body = convert({"token": token, "new_password": new_password}, ResetConfirmRequest)
        await _auth(info).flows.confirm_password_reset(body.token, body.new_password)
        return True

    @strawberry.mutation(
        permission_classes=[requires(AUTHENTICATED)],
        description="Mail an email verification token (24 hours) unless already verified.",
    )
    async def request_email_verification(self, info: RustokInfo) -> bool:
        await _auth(info).flows.request_verification(_principal(info))
        return True

    @strawberry.mutation(
        permission_classes=[Public], description="Confirm the email address with the token."
    )
    async def confirm_email_verification(self, info: RustokInfo, token: str) -> bool:
        await _auth(info).flows.confirm_verification(convert({"token": token}, TokenRequest).token)
        return True

    @strawberry.mutation(
        permission_classes=[requires("users:create")],
        description="Invite someone by email with a role (not above the inviter's).",
    )
    async def invite_user(self, info: RustokInfo, email: str, role: str = "customer") -> InviteType:
        body = convert({"email": email, "role": role}, InviteRequest)
        invite = await _auth(info).flows.invite(_principal(info), body.email, body.role)
        return InviteType(
            id=strawberry.ID(str(invite.id)), email=invite.email, role=invite.role,
            expires_at=invite.expires_at,
        )  # fmt: skip

    @strawberry.mutation(
        permission_classes=[Public],
        description="Accept an invitation: creates the user and signs them in.",
    )
    async def accept_invite(
        self, info: RustokInfo, token: str, password: str, name: str | None = None
    ) -> AuthPayload:
        _no_store(info)
        data = {"token": token, "password": password, "name": name}
        body = convert({k: v for k, v in data.items() if v is not None}, InviteAcceptRequest)
        pair = await _auth(info).flows.accept_invite(
            body.token, body.password, body.name, _agent(info)
        )
        return AuthPayload.from_pair(pair)
