"""GraphQL: sign-in/up/out, token refresh, the current user and user administration."""

from __future__ import annotations

import strawberry

from rustok.auth.admin import UserAdminService
from rustok.auth.auth_runtime import AuthRuntime
from rustok.auth.models import User
from rustok.auth.schemas import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserRead,
)
from rustok.core.errors import Unauthenticated
from rustok.rbac.declare import AUTHENTICATED
from rustok.rbac.principal import Principal
from rustok.web.connections import PageInfo, check_first, offset_edges, offset_page_info
from rustok.web.cursors import offset_after
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert
from rustok.web.permissions import Public, requires
from rustok.web.principals import graphql_principal


@strawberry.type(name="User")
class UserType:
    id: strawberry.ID
    email: str
    name: str | None
    role: str
    roles: list[str]
    permissions: list[str]
    status: str
    email_verified: bool

    @classmethod
    def from_read(cls, user: UserRead) -> UserType:
        return cls(
            id=strawberry.ID(str(user.id)), email=user.email, name=user.name, role=user.role,
            roles=user.roles, permissions=user.permissions, status=user.status,
            email_verified=user.email_verified,
        )  # fmt: skip


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: UserType

    @classmethod
    def from_pair(cls, pair: TokenPair) -> AuthPayload:
        return cls(
            access_token=pair.access_token, refresh_token=pair.refresh_token,
            token_type=pair.token_type, expires_in=pair.expires_in,
            user=UserType.from_read(pair.user),
        )  # fmt: skip


@strawberry.type
class UserEdge:
    cursor: str
    node: UserType


@strawberry.type
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CreateUserInput:
    email: str
    password: str
    name: str | None = None
    role: str = "customer"


@strawberry.input
class UpdateUserInput:
    name: str | None = None
    role: str | None = None
    status: str | None = None


def _auth(info: RustokInfo) -> AuthRuntime:
    return info.context.runtime(AuthRuntime)


def _no_store(info: RustokInfo) -> None:
    """The answer carries tokens or the user: no browser or proxy may keep it."""
    response = info.context.response
    if response is not None:
        response.headers["Cache-Control"] = "no-store"


def _admin(info: RustokInfo) -> UserAdminService:
    auth = _auth(info)
    return UserAdminService(auth.platform, auth.sessions, auth.grants)


def _principal(info: RustokInfo) -> Principal:
    principal = graphql_principal(info)
    if principal is None:
        raise Unauthenticated("sign in first")
    return principal


def _agent(info: RustokInfo) -> str | None:
    request = info.context.request
    return request.headers.get("user-agent") if request is not None else None


async def _user_type(info: RustokInfo, user: User) -> UserType:
    return UserType.from_read(await _auth(info).service.user_read(user))


@strawberry.type
class AuthQuery:
    @strawberry.field(
        permission_classes=[requires(AUTHENTICATED)], description="The signed-in user."
    )
    async def me(self, info: RustokInfo) -> UserType:
        _no_store(info)
        return UserType.from_read(await _auth(info).service.me(_principal(info)))

    @strawberry.field(permission_classes=[requires("users:list")])
    async def users(
        self, info: RustokInfo, first: int = 20, after: str | None = None
    ) -> UserConnection:
        check_first(first)
        start = offset_after(after)
        rows, total = await _admin(info).list(offset=start, limit=first)
        edges = [
            UserEdge(cursor=c, node=await _user_type(info, u)) for c, u in offset_edges(rows, start)
        ]
        return UserConnection(
            edges=edges, page_info=offset_page_info(start, len(rows), total), total_count=total
        )

    @strawberry.field(permission_classes=[requires("users:read")])
    async def user(self, info: RustokInfo, id: strawberry.ID) -> UserType:
        return await _user_type(info, await _admin(info).get(parse_id(id)))


@strawberry.type
class AuthMutation:
    @strawberry.mutation(permission_classes=[Public])
    async def sign_in(self, info: RustokInfo, email: str, password: str) -> AuthPayload:
        _no_store(info)
        body = convert({"email": email, "password": password}, LoginRequest)
        pair = await _auth(info).service.login(body.email, body.password, _agent(info))
        return AuthPayload.from_pair(pair)

    @strawberry.mutation(permission_classes=[Public])
    async def sign_up(
        self, info: RustokInfo, email: str, password: str, name: str | None = None
    ) -> AuthPayload:
        _no_store(info)
        data = {"email": email, "password": password, "name": name}
        body = convert({k: v for k, v in data.items() if v is not None}, RegisterRequest)
        pair = await _auth(info).service.register(
            body.email, body.password, body.name, _agent(info)
        )
        return AuthPayload.from_pair(pair)

    @strawberry.mutation(permission_classes=[Public])
    async def refresh_token(self, info: RustokInfo, refresh_token: str) -> AuthPayload:
        _no_store(info)
        body = convert({"refresh_token": refresh_token}, RefreshRequest)
        return AuthPayload.from_pair(await _auth(info).service.refresh(body.refresh_token))

    @strawberry.mutation(permission_classes=[requires(AUTHENTICATED)])
    async def sign_out(self, info: RustokInfo) -> bool:
        await _auth(info).service.logout(_principal(info))
        return True

    @strawberry.mutation(permission_classes=[requires("users:create")])
    async def create_user(self, info: RustokInfo, input: CreateUserInput) -> UserType:
        user = await _admin(info).create(
            _principal(info), input.email, input.password, input.name, input.role
        )
        return await _user_type(info, user)

    @strawberry.mutation(permission_classes=[requires("users:update")])
    async def update_user(
        self, info: RustokInfo, id: strawberry.ID, input: UpdateUserInput
    ) -> UserType:
        user = await _admin(info).update(
            _principal(info), parse_id(id), name=input.name, role=input.role, status=input.status
        )
        return await _user_type(info, user)

    @strawberry.mutation(permission_classes=[requires("users:manage")])
    async def disable_user(self, info: RustokInfo, id: strawberry.ID) -> UserType:
        return await _user_type(info, await _admin(info).disable(_principal(info), parse_id(id)))
