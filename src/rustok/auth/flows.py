"""Password reset, email verification and invitations by mailed single-use tokens (A-4).

Tokens are 32 random bytes; only their SHA-256 is stored. Using one is a single conditional
UPDATE (``used_at IS NULL AND expires_at > now``), so a token works once even under races.
Mails are queued in the same unit of work (``rustok.mail``), never sent by the request: a
reset for a known address costs what one for an unknown address costs (one small write),
however slow the mail server is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from sqlalchemy import ColumnElement, func, select, update

from rustok.audit.log import record
from rustok.auth.errors import InvalidOneTimeToken
from rustok.auth.events import UserUpdated
from rustok.auth.models import OneTimeToken, User
from rustok.auth.passwords import check_password_policy, hash_password
from rustok.auth.schemas import InviteRead, TokenPair
from rustok.auth.service import AuthService
from rustok.auth.sessions import SessionService
from rustok.auth.tokens import hash_token, new_opaque_token
from rustok.auth.users import EmailTaken, create_user, normalise_email
from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.errors import NotFound, PermissionDenied
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.mail.queue import MailQueue
from rustok.rbac.principal import Principal, may_grant

Purpose = Literal["password_reset", "email_verification", "invite"]
TTL: dict[Purpose, dt.timedelta] = {
    "password_reset": dt.timedelta(seconds=900),
    "email_verification": dt.timedelta(seconds=86_400),
    "invite": dt.timedelta(days=7),
}


class AuthFlows:
    def __init__(
        self, platform: Platform, mail: MailQueue, sessions: SessionService, auth: AuthService
    ) -> None:
        self._platform = platform
        self._mail = mail
        self._sessions = sessions
        self._auth = auth

    def _queue_mail(self, uow: UnitOfWork, row: OneTimeToken, token: str, **data: str) -> None:
        tenant = current_context().tenant
        self._mail.queue(
            uow, to=row.email, template=f"account/{row.purpose}",
            locale=tenant.default_locale if tenant else "en",
            data={"base_url": self._platform.settings.base_url.rstrip("/"),
                  "tenant_name": tenant.name if tenant else "RusToK", **data},
            secret=token, expires_at=row.expires_at,
        )  # fmt: skip

    async def _issue(
        self, uow: UnitOfWork, purpose: Purpose, email: str, *,
        user_id: uuid.UUID | None = None, role: str | None = None,
    ) -> tuple[str, OneTimeToken]:  # fmt: skip
        token, token_hash = new_opaque_token()
        row = OneTimeToken(
            purpose=purpose, token_hash=token_hash, user_id=user_id, email=email, role=role,
            created_by=current_context().actor_id, expires_at=utcnow() + TTL[purpose],
        )  # fmt: skip
        uow.session.add(row)
        await uow.session.flush()
        return token, row

    async def _consume(self, uow: UnitOfWork, purpose: Purpose, token: str) -> OneTimeToken:
        now = utcnow()
        used = await uow.session.scalar(
            update(OneTimeToken)
            .where(
                OneTimeToken.token_hash == hash_token(token),
                OneTimeToken.purpose == purpose,
                OneTimeToken.used_at.is_(None),
                OneTimeToken.expires_at > now,
            )
            .values(used_at=now)
            .returning(OneTimeToken.id)
        )
        if used is None:
            raise InvalidOneTimeToken("the token is invalid, expired or already used")
        row = await uow.session.get(OneTimeToken, used)
        assert row is not None
        return row

    async def request_password_reset(self, email: str) -> None:
        """Queue a reset mail if the account exists; answer the same either way.

        Both paths write one transaction (the audit record), so neither the answer nor its
        cost says whether the address is known.
        """
        try:
            address = normalise_email(email)
        except Exception:  # noqa: BLE001 - a malformed address is just an unknown one
            return
        async with self._platform.uow() as uow:
            user = await uow.session.scalar(select(User).where(User.email == address))
            user_id = user.id if user is not None and user.status == "active" else None
            if user_id is not None:
                token, row = await self._issue(uow, "password_reset", address, user_id=user_id)
                self._queue_mail(uow, row, token)
            record(
                uow.session, "auth.password_reset_requested", resource="users",
                resource_id=user_id, email=address,
            )  # fmt: skip
            await uow.commit()

    async def confirm_password_reset(self, token: str, new_password: str) -> None:
        check_password_policy(new_password, "new_password")
        async with self._platform.uow() as uow:
            row = await self._consume(uow, "password_reset", token)
            user = await uow.session.get(User, row.user_id) if row.user_id else None
            if user is None:
                raise InvalidOneTimeToken("the account no longer exists")
            user.password_hash = await hash_password(new_password)
            await self._sessions.revoke(uow, user.id)
            uow.publish(UserUpdated(user_id=user.id))
            record(
                uow.session,
                "auth.password_reset",
                resource="users",
                resource_id=user.id,
                actor_id=user.id,
            )
            await uow.commit()

    async def request_verification(self, principal: Principal) -> None:
        async with self._platform.uow() as uow:
            user = await uow.session.get(User, principal.user_id)
            assert user is not None
            if user.email_verified_at is not None:
                return
            token, row = await self._issue(uow, "email_verification", user.email, user_id=user.id)
            self._queue_mail(uow, row, token)
            await uow.commit()

    async def confirm_verification(self, token: str) -> None:
        async with self._platform.uow() as uow:
            row = await self._consume(uow, "email_verification", token)
            user = await uow.session.get(User, row.user_id) if row.user_id else None
            if user is None or user.email != row.email:
                raise InvalidOneTimeToken("the token no longer matches the account")
            user.email_verified_at = utcnow()
            uow.publish(UserUpdated(user_id=user.id))
            record(
                uow.session,
                "auth.email_verified",
                resource="users",
                resource_id=user.id,
                actor_id=user.id,
            )
            await uow.commit()

    async def invite(self, principal: Principal, email: str, role: str) -> InviteRead:
        if not may_grant(principal.role, role):
            raise PermissionDenied(f"a {principal.role} cannot invite a {role}")
        address = normalise_email(email)
        async with self._platform.uow() as uow:
            if await uow.session.scalar(select(User.id).where(User.email == address)):
                raise EmailTaken(f"{address} is already registered", errors={"email": ["taken"]})
            token, row = await self._issue(uow, "invite", address, role=role)
            self._queue_mail(uow, row, token, role=role)
            record(uow.session, "auth.invited", resource="users", email=address, role=role)
            await uow.commit()
        return InviteRead(id=row.id, email=address, role=role, expires_at=row.expires_at)

    @staticmethod
    def _pending_invites() -> list[ColumnElement[bool]]:
        return [
            OneTimeToken.purpose == "invite",
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > utcnow(),
        ]

    async def list_invites(self, *, offset: int, limit: int) -> tuple[list[InviteRead], int]:
        """The tenant's invitations not yet accepted, revoked or expired, newest first."""
        pending = self._pending_invites()
        async with self._platform.db.read_session() as session:
            total = await session.scalar(
                select(func.count()).select_from(OneTimeToken).where(*pending)
            )
            rows = await session.scalars(
                select(OneTimeToken).where(*pending)
                .order_by(OneTimeToken.created_at.desc(), OneTimeToken.id.desc())
                .offset(offset).limit(limit)
            )  # fmt: skip
            invites = [
                InviteRead(id=r.id, email=r.email, role=r.role or "customer",
                           expires_at=r.expires_at)
                for r in rows
            ]  # fmt: skip
        return invites, int(total or 0)

    async def revoke_invite(self, invite_id: uuid.UUID) -> None:
        """Withdraw a pending invitation: its token no longer works (audited
        ``auth.invite_revoked``); NotFound when it is accepted, revoked or expired."""
        async with self._platform.uow() as uow:
            email = await uow.session.scalar(
                update(OneTimeToken)
                .where(OneTimeToken.id == invite_id, *self._pending_invites())
                .values(used_at=utcnow())  # spent: _consume refuses it from now on
                .returning(OneTimeToken.email)
            )
            if email is None:
                raise NotFound(f"no pending invitation {invite_id}")
            record(uow.session, "auth.invite_revoked", resource="users", email=email)
            await uow.commit()

    async def accept_invite(
        self, token: str, password: str, name: str | None, user_agent: str | None
    ) -> TokenPair:
        async with self._platform.uow() as uow:
            row = await self._consume(uow, "invite", token)
            user = await create_user(
                uow, email=row.email, password=password, role=row.role or "customer",
                name=name, verified=True,
            )  # fmt: skip
            issued = await self._sessions.open(uow, user, user_agent)
            record(
                uow.session,
                "auth.invite_accepted",
                resource="users",
                resource_id=user.id,
                actor_id=user.id,
            )
            await uow.commit()
        return TokenPair(
            access_token=issued.access, refresh_token=issued.refresh,
            expires_in=self._platform.settings.access_token_ttl,
            user=await self._auth.user_read(user, (issued.roles, issued.grants)),
        )  # fmt: skip
