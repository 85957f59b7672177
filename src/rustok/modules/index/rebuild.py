"""Rebuilding the read models from the write model, and checking one against the other
(IX-4).

A rebuild projects every entity that is listed or should be, in batches, each batch in its
own transaction through the same projector the consumers use. It is safe while events keep
flowing: projections of one tenant's read model take turns (``ListingStore.serialise``) and
an upsert never replaces a row read later than its own read.

A check builds the documents each entity should have and compares them with the stored rows,
field by field. An entity that differs is looked at again after a short pause, so a change
that the consumers are still projecting is not reported as drift.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.platform import Platform
from rustok.modules.commerce.interface import product_ids
from rustok.modules.content.interface import published_node_ids
from rustok.modules.index.documents import ContentDocument, ProductDocument
from rustok.modules.index.projections.content import ContentProjector
from rustok.modules.index.projections.products import LISTED_STATUS, ProductProjector
from rustok.modules.index.store import LISTINGS, ListingStore

ReadModel = Literal["products", "content"]
READ_MODELS: tuple[ReadModel, ...] = ("products", "content")
BATCH_SIZE = 200
RECHECK_AFTER = 1.0  # seconds: longer than the consumers normally take to catch up
Progress = Callable[[ReadModel, int, int], None]
Document = ProductDocument | ContentDocument


class RebuildResult(msgspec.Struct, frozen=True, kw_only=True):
    tenant: str
    read_model: ReadModel
    entities: int
    listings: int


class Drift(msgspec.Struct, frozen=True, kw_only=True):
    read_model: ReadModel
    entity_id: uuid.UUID
    locale: str | None
    problem: Literal["missing", "stale", "orphaned"]
    fields: list[str]


class CheckResult(msgspec.Struct, frozen=True, kw_only=True):
    tenant: str
    read_model: ReadModel
    checked: int
    drift: list[Drift]


def _projector(
    read_model: ReadModel, session: AsyncSession, tenant: TenantRef
) -> ProductProjector | ContentProjector:
    if read_model == "products":
        return ProductProjector(session, tenant)
    return ContentProjector(session, tenant)


async def entity_ids(
    platform: Platform, tenant: TenantRef, read_model: ReadModel
) -> list[uuid.UUID]:
    """Every entity that is listed or should be: the source's listable ids and the indexed ones."""
    with use_context(RequestContext(tenant=tenant)):
        async with platform.db.read_session() as session:
            if read_model == "products":
                source = await product_ids(session, status=LISTED_STATUS)
            else:
                source = await published_node_ids(session)
            indexed = await ListingStore(session, tenant.id).indexed_ids(read_model)
    return sorted(set(source) | set(indexed))


async def rebuild(
    platform: Platform, tenant: TenantRef, read_model: ReadModel, *,
    batch_size: int = BATCH_SIZE, progress: Progress | None = None,
) -> RebuildResult:  # fmt: skip
    """Project every entity of ``read_model`` for ``tenant`` afresh."""
    ids = await entity_ids(platform, tenant, read_model)
    listings = 0
    if progress is not None:
        progress(read_model, 0, len(ids))
    with use_context(RequestContext(tenant=tenant)):
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            async with platform.uow() as uow:
                listings += await _projector(read_model, uow.session, tenant).project(chunk)
                await uow.commit()
            if progress is not None:
                progress(read_model, min(start + batch_size, len(ids)), len(ids))
    return RebuildResult(
        tenant=tenant.slug, read_model=read_model, entities=len(ids), listings=listings
    )


async def check(
    platform: Platform, tenant: TenantRef, read_model: ReadModel, *,
    batch_size: int = BATCH_SIZE, recheck_after: float = RECHECK_AFTER,
) -> CheckResult:  # fmt: skip
    """Compare the stored listings of ``read_model`` with what the write model says now."""
    ids = await entity_ids(platform, tenant, read_model)
    drift: list[Drift] = []
    for start in range(0, len(ids), batch_size):
        drift += await _compare(platform, tenant, read_model, ids[start : start + batch_size])
    if drift:
        await asyncio.sleep(recheck_after)
        drift = await _compare(platform, tenant, read_model, sorted({d.entity_id for d in drift}))
    return CheckResult(tenant=tenant.slug, read_model=read_model, checked=len(ids), drift=drift)


async def _compare(
    platform: Platform, tenant: TenantRef, read_model: ReadModel, ids: list[uuid.UUID]
) -> list[Drift]:
    key = LISTINGS[read_model][1]
    with use_context(RequestContext(tenant=tenant)):
        async with platform.db.read_session() as session:
            expected = await _projector(read_model, session, tenant).documents(ids)
            store = ListingStore(session, tenant.id)
            stored = {(r[key], r["locale"]): r for r in await store.rows(read_model, ids)}
            prices = await store.price_rows(ids) if read_model == "products" else []
    drift: list[Drift] = []
    wanted: set[tuple[uuid.UUID, str]] = set()
    for entity_id, documents in expected.items():
        for document in documents:
            wanted.add((entity_id, document.locale))
            row = stored.get((entity_id, document.locale))
            if row is None:
                drift.append(_drift(read_model, entity_id, document.locale, "missing"))
                continue
            fields = differing_fields(document, row)
            if fields:
                drift.append(_drift(read_model, entity_id, document.locale, "stale", fields))
        listed = any((entity_id, d.locale) in stored for d in documents)
        if read_model == "products" and listed:  # a missing listing is reported once
            document = documents[0]
            assert isinstance(document, ProductDocument)
            if _price_set(document) != {
                _price_row(p) for p in prices if p["product_id"] == entity_id
            }:
                drift.append(_drift(read_model, entity_id, None, "stale", ["prices"]))
    for entity_id, locale in sorted(set(stored) - wanted):
        drift.append(_drift(read_model, entity_id, locale, "orphaned"))
    return drift


def _drift(
    read_model: ReadModel, entity_id: uuid.UUID, locale: str | None,
    problem: Literal["missing", "stale", "orphaned"], fields: Sequence[str] = (),
) -> Drift:  # fmt: skip
    return Drift(
        read_model=read_model, entity_id=entity_id, locale=locale, problem=problem,
        fields=list(fields),
    )  # fmt: skip


def differing_fields(document: Document, row: dict[str, Any]) -> list[str]:
    """Fields of the document whose stored column holds something else."""
    values = msgspec.structs.asdict(document)
    values.pop("prices", None)
    if isinstance(document, ProductDocument):
        values["on_sale"] = document.on_sale
        values["variant_count"] = len(document.variants)
    return sorted(name for name, value in values.items() if _norm(value) != _norm(row.get(name)))


def _price_set(document: ProductDocument) -> set[tuple[Any, ...]]:
    return {
        (p.currency_code, p.price_min, p.price_max, p.compare_at_min, p.compare_at_max)
        for p in document.prices
    }


def _price_row(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["currency_code"], row["price_min"], row["price_max"], row["compare_at_min"],
            row["compare_at_max"])  # fmt: skip


def _norm(value: Any) -> Any:
    """Stored and built values compare equal when they mean the same (SQLite hands back
    naive UTC datetimes, JSON hands back lists)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_norm(v) for v in value]
    return value
