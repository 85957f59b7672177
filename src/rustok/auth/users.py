"""Creating users in the current tenant (CLI, demo, registration, invitations)."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from rustok.auth.events import UserRegistered
from rustok.auth.models import User
from rustok.auth.passwords import check_password_policy, hash_password
from rustok.core.db import utcnow
from rustok.core.errors import Conflict, ValidationFailed
from rustok.core.uow import UnitOfWork
from rustok.rbac.catalogue import SYSTEM_ROLES
from rustok.rbac.models import Role, UserRole

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"
    title = "Email already registered"


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if len(value) > 255 or not EMAIL_RE.match(value):
        raise ValidationFailed(errors={"email": ["must be a valid email address"]})
    return value


async def create_user(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    role: str = "customer",
    name: str | None = None,
    verified: bool = False,
) -> User:
    """Add a user with one system role to the unit of work's tenant (not committed)."""
    address = normalise_email(email)
    check_password_policy(password)
    if role not in SYSTEM_ROLES:
        raise ValidationFailed(errors={"role": [f"must be one of {', '.join(SYSTEM_ROLES)}"]})
    session = uow.session
    if await session.scalar(select(User.id).where(User.email == address)) is not None:
        raise EmailTaken(f"{address} is already registered", errors={"email": ["taken"]})
    role_id = await session.scalar(select(Role.id).where(Role.slug == role))
    if role_id is None:
        raise ValidationFailed(errors={"role": [f"role {role!r} does not exist in this tenant"]})
    user = User(
        email=address,
        password_hash=await hash_password(password),
        name=name,
        status="active",
        email_verified_at=utcnow() if verified else None,
        meta={},
    )
    session.add(user)
    await session.flush()
    session.add(UserRole(user_id=user.id, role_id=role_id))
    uow.publish(UserRegistered(user_id=user.id, email=address))
    return user


async def user_role_slugs(uow: UnitOfWork, user_id: uuid.UUID) -> list[str]:
    rows = await uow.session.scalars(
        select(Role.slug)
        .join(UserRole, UserRole.role_id == Role.id)
        .where(UserRole.user_id == user_id)
    )
    return list(rows)
