"""REST: ``/api/auth`` (API.md): register, login, refresh, logout, me, sessions, passwords,
email verification and invitations."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from rustok.auth.auth_runtime import AuthRuntime
from rustok.auth.schemas import (
    Accepted,
    ChangePasswordRequest,
    EmailRequest,
    InviteAcceptRequest,
    InviteRead,
    InviteRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    ResetConfirmRequest,
    RevokedCount,
    SessionRead,
    TokenPair,
    TokenRequest,
    UserRead,
)
from rustok.rbac.declare import AUTHENTICATED
from rustok.web.deps import Caller

Auth = NamedDependency[AuthRuntime]
AnyRequest = Request[Any, Any, Any]


def _agent(request: AnyRequest) -> str | None:
    return request.headers.get("user-agent")


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]
    # Tokens, sessions and the user: never kept by a browser or a proxy.
    cache_control = CacheControlHeader(no_store=True)

    @post("/register", public=True, status_code=201, graphql_twin="signUp")
    async def register(
        self, auth: Auth, request: AnyRequest, data: JSONBody[RegisterRequest]
    ) -> TokenPair:
        """Create a customer account and sign it in."""
        return await auth.service.register(data.email, data.password, data.name, _agent(request))

    @post("/login", public=True, status_code=200, graphql_twin="signIn")
    async def login(
        self, auth: Auth, request: AnyRequest, data: JSONBody[LoginRequest]
    ) -> TokenPair:
        """Sign in; 401 INVALID_CREDENTIALS, 429 after repeated failures."""
        return await auth.service.login(data.email, data.password, _agent(request))

    @post("/refresh", public=True, status_code=200, graphql_twin="refreshToken")
    async def refresh(self, auth: Auth, data: JSONBody[RefreshRequest]) -> TokenPair:
        """Exchange a refresh token for a new pair (the old one stops working)."""
        return await auth.service.refresh(data.refresh_token)

    @post(
        "/logout", permission=AUTHENTICATED, status_code=HTTP_204_NO_CONTENT, graphql_twin="signOut"
    )
    async def logout(self, auth: Auth, principal: Caller) -> None:
        """Revoke the current session."""
        await auth.service.logout(principal)

    @get("/me", permission=AUTHENTICATED, graphql_twin="me")
    async def me(self, auth: Auth, principal: Caller) -> UserRead:
        """The signed-in user with role and effective permissions."""
        return await auth.service.me(principal)

    @get("/sessions", permission=AUTHENTICATED, graphql_twin="mySessions")
    async def sessions(self, auth: Auth, principal: Caller) -> list[SessionRead]:
        """The user's active sessions."""
        rows = await auth.sessions.list_active(principal.user_id)
        return [
            SessionRead(
                id=s.id,
                ip_address=s.ip_address,
                user_agent=s.user_agent,
                created_at=s.created_at,
                last_used_at=s.last_used_at,
                expires_at=s.expires_at,
                current=s.id == principal.session_id,
            )
            for s in rows
        ]

    @post(
        "/sessions/revoke-all",
        permission=AUTHENTICATED,
        status_code=200,
        graphql_twin="revokeOtherSessions",
    )
    async def revoke_all(self, auth: Auth, principal: Caller) -> RevokedCount:
        """Revoke every other session of the user."""
        return RevokedCount(revoked=await auth.service.revoke_others(principal))

    @post(
        "/change-password",
        permission=AUTHENTICATED,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="changePassword",
    )
    async def change_password(
        self, auth: Auth, principal: Caller, data: JSONBody[ChangePasswordRequest]
    ) -> None:
        """Change the password; the other sessions are revoked."""
        await auth.service.change_password(principal, data.current_password, data.new_password)

    @post(
        "/password-reset/request",
        public=True,
        status_code=HTTP_202_ACCEPTED,
        graphql_twin="requestPasswordReset",
    )
    async def reset_request(self, auth: Auth, data: JSONBody[EmailRequest]) -> Accepted:
        """Mail a reset token when the account exists (the answer never says)."""
        await auth.flows.request_password_reset(data.email)
        return Accepted(detail="if the account exists, a reset token was mailed")

    @post(
        "/password-reset/confirm",
        public=True,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="confirmPasswordReset",
    )
    async def reset_confirm(self, auth: Auth, data: JSONBody[ResetConfirmRequest]) -> None:
        """Set a new password with a reset token (single use, 15 minutes)."""
        await auth.flows.confirm_password_reset(data.token, data.new_password)

    @post(
        "/verify/request",
        permission=AUTHENTICATED,
        status_code=HTTP_202_ACCEPTED,
        graphql_twin="requestEmailVerification",
    )
    async def verify_request(self, auth: Auth, principal: Caller) -> Accepted:
        """Mail an email verification token (24 hours)."""
        await auth.flows.request_verification(principal)
        return Accepted(detail="a verification token was mailed unless already verified")

    @post(
        "/verify/confirm",
        public=True,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="confirmEmailVerification",
    )
    async def verify_confirm(self, auth: Auth, data: JSONBody[TokenRequest]) -> None:
        """Confirm the email address with the mailed token."""
        await auth.flows.confirm_verification(data.token)

    @post("/invites", permission="users:create", status_code=201, graphql_twin="inviteUser")
    async def invite(
        self, auth: Auth, principal: Caller, data: JSONBody[InviteRequest]
    ) -> InviteRead:
        """Invite someone by email with a role (not above the inviter's)."""
        return await auth.flows.invite(principal, data.email, data.role)

    @post("/invites/accept", public=True, status_code=201, graphql_twin="acceptInvite")
    async def accept_invite(
        self, auth: Auth, request: AnyRequest, data: JSONBody[InviteAcceptRequest]
    ) -> TokenPair:
        """Accept an invitation: creates the user and signs them in."""
        return await auth.flows.accept_invite(data.token, data.password, data.name, _agent(request))
