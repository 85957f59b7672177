"""GraphQL for the tenant's webhooks: the same ground as REST, through the same services.

Inputs are typed (``WebhookCreateInput``, ``WebhookUpdateInput`` — fields left out stay,
``description: null`` clears it; headers as ``{name, value}`` pairs) and become the REST
body structs, so both transports enforce the same rules and codes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
import strawberry

from rustok.auth.guard import requires
from rustok.core.errors import ValidationFailed
from rustok.core.graphql import RustokInfo, module_enabled
from rustok.modules.webhooks import permissions as perm
from rustok.modules.webhooks.runtime import WebhooksRuntime, webhooks_runtime
from rustok.modules.webhooks.schemas import (
    AttemptRead,
    DeliveryFilter,
    DeliveryRead,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)

ON = module_enabled("webhooks")
UNSET: Any = strawberry.UNSET


@strawberry.type(name="WebhookHeader")
class HeaderType:
    name: str
    value: str


@strawberry.type(name="Webhook")
class WebhookType:
    id: strawberry.ID
    url: str
    description: str | None
    event_types: list[str]
    headers: list[HeaderType]
    active: bool
    previous_secret_expires_at: dt.datetime | None
    failing_since: dt.datetime | None
    disabled_at: dt.datetime | None
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, read: WebhookRead) -> WebhookType:
        fields = {f: getattr(read, f) for f in read.__struct_fields__ if f not in ("id", "headers")}
        fields.pop("secret", None)
        headers = [HeaderType(name=k, value=v) for k, v in read.headers.items()]
        return cls(id=strawberry.ID(str(read.id)), headers=headers, **fields)


@strawberry.type(name="WebhookWithSecret")
class WebhookWithSecretType:
    webhook: WebhookType
    secret: str = strawberry.field(description="shown only here: store it now")

    @classmethod
    def of(cls, read: WebhookWithSecret) -> WebhookWithSecretType:
        return cls(webhook=WebhookType.of(read), secret=read.secret)


@strawberry.type(name="WebhookAttempt")
class AttemptType:
    id: strawberry.ID
    attempted_at: dt.datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    response_excerpt: str | None

    @classmethod
    def of(cls, read: AttemptRead) -> AttemptType:
        return cls(
            id=strawberry.ID(str(read.id)), attempted_at=read.attempted_at,
            duration_ms=read.duration_ms, status_code=read.status_code, error=read.error,
            response_excerpt=read.response_excerpt,
        )  # fmt: skip


@strawberry.type(name="WebhookDelivery")
class DeliveryType:
    id: strawberry.ID
    webhook_id: strawberry.ID
    event_id: strawberry.ID
    event_type: str
    status: str
    attempt_count: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    completed_at: dt.datetime | None
    attempts: list[AttemptType]

    @classmethod
    def of(cls, read: DeliveryRead) -> DeliveryType:
        return cls(
            id=strawberry.ID(str(read.id)), webhook_id=strawberry.ID(str(read.webhook_id)),
            event_id=strawberry.ID(str(read.event_id)), event_type=read.event_type,
            status=read.status, attempt_count=read.attempt_count,
            next_attempt_at=read.next_attempt_at, last_status_code=read.last_status_code,
            last_error=read.last_error, created_at=read.created_at,
            completed_at=read.completed_at, attempts=[AttemptType.of(a) for a in read.attempts],
        )  # fmt: skip


@strawberry.type(name="WebhookDeliveryPage")
class DeliveryPageType:
    items: list[DeliveryType]
    total: int


@strawberry.input(name="WebhookHeaderInput")
class HeaderInput:
    name: str
    value: str


@strawberry.input(name="WebhookCreateInput")
class WebhookCreateInput:
    url: str
    event_types: list[str]
    description: str | None = None
    headers: list[HeaderInput] | None = None
    active: bool | None = None


@strawberry.input(name="WebhookUpdateInput")
class WebhookUpdateInput:
    url: str | None = UNSET
    event_types: list[str] | None = UNSET
    description: str | None = UNSET
    headers: list[HeaderInput] | None = UNSET
    active: bool | None = UNSET


def _runtime(info: RustokInfo) -> WebhooksRuntime:
    return webhooks_runtime(info.context.platform)


def _id(value: strawberry.ID, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed(errors={field: ["must be a UUID"]}) from None


def _body(value: object, *, keep_none: bool) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, item in vars(value).items():
        if item is UNSET or (item is None and not keep_none):
            continue
        if name == "headers" and item is not None:
            pairs = [(h.name, h.value) for h in item]
            item = dict(pairs)
            if len(item) != len(pairs):
                raise ValidationFailed(errors={"headers": ["a header is given twice"]})
        body[name] = item
    return body


def _convert(data: dict[str, Any], kind: type[Any]) -> Any:
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc), errors={"input": [str(exc)]}) from None


@strawberry.type
class WebhooksQuery:
    @strawberry.field(permission_classes=[ON, requires(perm.LIST)])
    async def webhooks(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> list[WebhookType]:
        if not (1 <= page <= 1_000_000 and 1 <= per_page <= 100):
            raise ValidationFailed(errors={"per_page": ["page >= 1, per_page 1..100"]})
        found = await _runtime(info).endpoints.list_page(page, per_page)
        return [WebhookType.of(w) for w in found.items]

    @strawberry.field(permission_classes=[ON, requires(perm.READ)])
    async def webhook(self, info: RustokInfo, id: strawberry.ID) -> WebhookType:
        return WebhookType.of(await _runtime(info).endpoints.get(_id(id)))

    @strawberry.field(permission_classes=[ON, requires(perm.READ)])
    async def webhook_deliveries(
        self, info: RustokInfo, webhook_id: strawberry.ID, status: str | None = None,
        event_type: str | None = None, page: int = 1, per_page: int = 20,
    ) -> DeliveryPageType:  # fmt: skip
        if not (1 <= page <= 1_000_000 and 1 <= per_page <= 100):
            raise ValidationFailed(errors={"per_page": ["page >= 1, per_page 1..100"]})
        filters = _convert({"status": status, "event_type": event_type}, DeliveryFilter)
        found = await _runtime(info).deliveries.list_page(
            _id(webhook_id, "webhook_id"), filters, page, per_page
        )
        return DeliveryPageType(items=[DeliveryType.of(d) for d in found.items], total=found.total)

    @strawberry.field(permission_classes=[ON, requires(perm.READ)])
    async def webhook_delivery(self, info: RustokInfo, id: strawberry.ID) -> DeliveryType:
        return DeliveryType.of(await _runtime(info).deliveries.get(_id(id)))


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(permission_classes=[ON, requires(perm.CREATE)])
    async def create_webhook(
        self, info: RustokInfo, input: WebhookCreateInput
    ) -> WebhookWithSecretType:
        """The REST body of ``POST /api/admin/webhooks`` as a typed input."""
        data = _convert(_body(input, keep_none=False), WebhookCreate)
        return WebhookWithSecretType.of(await _runtime(info).endpoints.create(data))

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def update_webhook(
        self, info: RustokInfo, id: strawberry.ID, input: WebhookUpdateInput
    ) -> WebhookType:
        body = _body(input, keep_none=True)
        for name in ("url", "event_types", "headers", "active"):
            if name in body and body[name] is None:
                raise ValidationFailed(errors={name: ["cannot be null"]})
        data = _convert(body, WebhookUpdate)
        return WebhookType.of(await _runtime(info).endpoints.update(_id(id), data))

    @strawberry.mutation(permission_classes=[ON, requires(perm.DELETE)])
    async def delete_webhook(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _runtime(info).endpoints.delete(_id(id))
        return True

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def rotate_webhook_secret(
        self, info: RustokInfo, id: strawberry.ID
    ) -> WebhookWithSecretType:
        return WebhookWithSecretType.of(await _runtime(info).endpoints.rotate_secret(_id(id)))

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def ping_webhook(self, info: RustokInfo, id: strawberry.ID) -> DeliveryType:
        return DeliveryType.of(await _runtime(info).deliveries.ping(_id(id)))

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def redeliver_webhook_delivery(self, info: RustokInfo, id: strawberry.ID) -> DeliveryType:
        return DeliveryType.of(await _runtime(info).deliveries.redeliver(_id(id)))
