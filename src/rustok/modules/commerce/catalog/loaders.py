"""Per-request DataLoaders of the catalogue's GraphQL types (no N+1: one query per level).

``<Things>By<Key>Loader`` names the loader; each batch opens one read session and runs one
of the batched reads of ``catalog/queries.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from rustok.modules.commerce.catalog import queries
from rustok.modules.commerce.catalog.models import ProductTranslation, Variant
from rustok.modules.commerce.catalog.schemas import ImageRead, OptionRead, PriceRead
from rustok.modules.commerce.graphql_support import loader
from rustok.web.graphql import RustokInfo

V = TypeVar("V")
Batch = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]]


def _reading(
    info: RustokInfo, batch: Batch[V]
) -> Callable[[Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]]:
    async def run(keys: Sequence[uuid.UUID]) -> dict[uuid.UUID, V]:
        async with info.context.platform.db.read_session() as session:
            return await batch(session, keys)

    return run


def variants_by_product_id(info: RustokInfo) -> DataLoader[uuid.UUID, list[Variant]]:
    return loader(
        info, "VariantsByProductIdLoader", _reading(info, queries.variants_by_product), list
    )


def translations_by_product_id(
    info: RustokInfo,
) -> DataLoader[uuid.UUID, list[ProductTranslation]]:
    return loader(
        info, "TranslationsByProductIdLoader", _reading(info, queries.translations_by_product), list
    )


def options_by_product_id(info: RustokInfo) -> DataLoader[uuid.UUID, list[OptionRead]]:
    return loader(
        info, "OptionsByProductIdLoader", _reading(info, queries.options_by_product), list
    )


def images_by_product_id(info: RustokInfo) -> DataLoader[uuid.UUID, list[ImageRead]]:
    return loader(info, "ImagesByProductIdLoader", _reading(info, queries.images_by_product), list)


def prices_by_variant_id(info: RustokInfo) -> DataLoader[uuid.UUID, list[PriceRead]]:
    return loader(
        info, "PricesByVariantIdLoader", _reading(info, queries.base_prices_by_variant), list
    )


def available_by_variant_id(info: RustokInfo) -> DataLoader[uuid.UUID, int]:
    return loader(
        info, "AvailableByVariantIdLoader", _reading(info, queries.available_by_variant), int
    )


def option_values_by_variant_id(info: RustokInfo) -> DataLoader[uuid.UUID, dict[str, str]]:
    return loader(
        info,
        "OptionValuesByVariantIdLoader",
        _reading(info, queries.option_values_by_variant),
        dict,
    )
