"""GraphQL for the tenant's webhooks: the same ground as REST, through the same services.

Inputs are typed (``WebhookCreateInput``, ``WebhookUpdateInput`` — fields left out stay,
``description: null`` clears it; headers as ``{name, value}`` pairs) and become the REST
body structs, so both transports enforce the same rules and codes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from rustok.core.errors import ValidationFailed
from rustok.modules.webhooks import permissions as perm
from rustok.modules.webhooks.schemas import (
    AttemptRead,
    DeliveryFilter,
    DeliveryRead,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)
from rustok.modules.webhooks.webhooks_runtime import WebhooksRuntime, webhooks_runtime
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, no_store, parse_id
from rustok.web.inputs import convert, input_dict, patch_dict
from rustok.web.pages import MAX_LOG_PAGE
from rustok.web.permissions import module_enabled, requires

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
    signing_secret: strawberry.Private[str]

    @strawberry.field(description="shown only here: store it now")
    def secret(self, info: RustokInfo) -> str:
        no_store(info)  # the answer is never kept by a browser or a proxy
        return self.signing_secret

    @classmethod
    def of(cls, read: WebhookWithSecret) -> WebhookWithSecretType:
        return cls(webhook=WebhookType.of(read), signing_secret=read.secret)


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


def _with_headers(body: dict[str, Any]) -> dict[str, Any]:
    """The input's ``{name, value}`` header pairs as the REST body's mapping."""
    if body.get("headers") is not None:
        pairs = [(h["name"], h["value"]) for h in body["headers"]]
        body["headers"] = dict(pairs)
        if len(body["headers"]) != len(pairs):
            raise ValidationFailed(errors={"headers": ["a header is given twice"]})
    return body


@strawberry.type
class WebhooksQuery:
    @strawberry.field(permission_classes=[ON, requires(perm.LIST)])
    async def webhooks(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> list[WebhookType]:
        check_page(page, per_page)
        found = await _runtime(info).endpoints.list_page(page, per_page)
        return [WebhookType.of(w) for w in found.items]

    @strawberry.field(permission_classes=[ON, requires(perm.READ)])
    async def webhook(self, info: RustokInfo, id: strawberry.ID) -> WebhookType:
        return WebhookType.of(await _runtime(info).endpoints.get(parse_id(id)))

    @strawberry.field(permission_classes=[ON, requires(perm.READ)])
    async def webhook_deliveries(
        self, info: RustokInfo, webhook_id: strawberry.ID, status: str | None = None,
        event_type: str | None = None, page: int = 1, per_page: int = 20,
    ) -> DeliveryPageType:  # fmt: skip
        check_page(page, per_page, max_page=MAX_LOG_PAGE)
        filters = convert({"status": status, "event_type": event_type}, DeliveryFilter)
        found = await _runtime(info).deliveries.list_page(
            parse_id(webhook_id, "webhook_id"), filters, page, per_page
        )
        return DeliveryPageType(items=[DeliveryType.of(d) for d in found.items], total=found.total)

    @strawberry.field(permission_classes=[ON, requires(perm.READ)])
    async def webhook_delivery(self, info: RustokInfo, id: strawberry.ID) -> DeliveryType:
        return DeliveryType.of(await _runtime(info).deliveries.get(parse_id(id)))


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(permission_classes=[ON, requires(perm.CREATE)])
    async def create_webhook(
        self, info: RustokInfo, input: WebhookCreateInput
    ) -> WebhookWithSecretType:
        """The REST body of ``POST /api/admin/webhooks`` as a typed input."""
        data = convert(_with_headers(input_dict(input)), WebhookCreate)
        return WebhookWithSecretType.of(await _runtime(info).endpoints.create(data))

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def update_webhook(
        self, info: RustokInfo, id: strawberry.ID, input: WebhookUpdateInput
    ) -> WebhookType:
        body = _with_headers(patch_dict(input))
        for name in ("url", "event_types", "headers", "active"):
            if name in body and body[name] is None:
                raise ValidationFailed(errors={name: ["cannot be null"]})
        data = convert(body, WebhookUpdate)
        return WebhookType.of(await _runtime(info).endpoints.update(parse_id(id), data))

    @strawberry.mutation(permission_classes=[ON, requires(perm.DELETE)])
    async def delete_webhook(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _runtime(info).endpoints.delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def rotate_webhook_secret(
        self, info: RustokInfo, id: strawberry.ID
    ) -> WebhookWithSecretType:
        return WebhookWithSecretType.of(await _runtime(info).endpoints.rotate_secret(parse_id(id)))

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def ping_webhook(self, info: RustokInfo, id: strawberry.ID) -> DeliveryType:
        return DeliveryType.of(await _runtime(info).deliveries.ping(parse_id(id)))

    @strawberry.mutation(permission_classes=[ON, requires(perm.UPDATE)])
    async def redeliver_webhook_delivery(self, info: RustokInfo, id: strawberry.ID) -> DeliveryType:
        return DeliveryType.of(await _runtime(info).deliveries.redeliver(parse_id(id)))
