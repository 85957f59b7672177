"""Demo shop data for ``rustok demo`` (idempotent): 30 products in 3 categories with size
variants, prices in USD and EUR, stock in two locations, a region with tax, a flat shipping
rate, and the discount code ``WELCOME10``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from rustok.modules.commerce.catalog.models import Category, Variant
from rustok.modules.commerce.catalog.schemas import (
    ImageInput,
    OptionInput,
    PriceInput,
    ProductCreate,
    TranslationInput,
    VariantCreate,
)
from rustok.modules.commerce.catalog.taxonomy import CategoryCreate
from rustok.modules.commerce.commerce_runtime import CommerceRuntime
from rustok.modules.commerce.discounts.models import Discount
from rustok.modules.commerce.discounts.service import DiscountCreate
from rustok.modules.commerce.inventory.models import StockLocation
from rustok.modules.commerce.inventory.schemas import InventorySet, StockLocationCreate
from rustok.modules.commerce.regions.models import Region
from rustok.modules.commerce.regions.service import RegionCreate, ShippingMethodCreate

if TYPE_CHECKING:
    from rustok.core.platform import Platform

DEMO_SKU_PREFIX = "DEMO-"
DISCOUNT_CODE = "WELCOME10"
CATEGORIES = (
    ("t-shirts", "T-shirts", 2500, ("S", "M", "L")),
    ("mugs", "Mugs", 1400, ("300 ml", "450 ml")),
    ("posters", "Posters", 1900, ("A3", "A2")),
)
ADJECTIVES = (
    "Classic", "Vintage", "Minimal", "Bold", "Retro", "Nordic", "Sunset", "Ocean", "Forest",
    "Midnight",
)  # fmt: skip


def _product(category_id: object, handle: str, name: str, price: int, sizes: tuple[str, ...],
             index: int, adjective: str) -> ProductCreate:  # fmt: skip
    title = f"{adjective} {name[:-1] if name.endswith('s') else name}"
    base = f"{DEMO_SKU_PREFIX}{handle[:3].upper()}-{index:02d}"
    return ProductCreate(
        status="active",
        translations=[
            TranslationInput(locale="en", title=title, description=f"A {title.lower()}."),
        ],
        options=[OptionInput(name="Size", values=list(sizes))],
        variants=[
            VariantCreate(
                sku=f"{base}-{n}",
                title=size,
                options={"Size": size},
                prices=[
                    PriceInput(
                        currency_code="USD",
                        amount=price + 300 * n,
                        compare_at_amount=price + 300 * n + 500 if index % 3 == 0 else None,
                    ),
                    PriceInput(currency_code="EUR", amount=price + 300 * n - 100),
                ],
                inventory_quantity=(index * 7 + n * 3) % 25,
            )
            for n, size in enumerate(sizes)
        ],
        images=[ImageInput(url=f"https://picsum.photos/seed/{base.lower()}/600/600")],
        category_ids=[category_id],  # type: ignore[list-item]
    )


async def seed_demo(platform: Platform) -> list[str]:
    commerce = CommerceRuntime(platform)
    lines: list[str] = []
    async with platform.db.read_session() as session:
        seeded = await session.scalar(
            select(func.count()).select_from(Variant).where(Variant.sku.startswith(DEMO_SKU_PREFIX))
        )
        has_code = await session.scalar(select(Discount.id).where(Discount.code == DISCOUNT_CODE))
        has_region = await session.scalar(select(Region.id).where(Region.name == "United States"))
        warehouse = await session.scalar(
            select(StockLocation.id).where(StockLocation.code == "warehouse-east")
        )
        categories = {c.handle: c.id for c in await session.scalars(select(Category))}
    if warehouse is None:
        warehouse = (
            await commerce.inventory.create_location(
                StockLocationCreate(code="warehouse-east", name="East warehouse")
            )
        ).id
    if not seeded:
        count = 0
        for handle, name, price, sizes in CATEGORIES:
            if handle not in categories:
                created = await commerce.taxonomy.create_category(
                    CategoryCreate(name=name, handle=handle)
                )
                categories[handle] = created.id
            for index, adjective in enumerate(ADJECTIVES):
                product = await commerce.catalog.create_product(
                    _product(categories[handle], handle, name, price, sizes, index, adjective)
                )
                for variant in product.variants:
                    await commerce.inventory.set(
                        variant.id, InventorySet(location_id=warehouse, quantity=10)
                    )
                count += 1
        lines.append(f"{count} products with variants, USD and EUR prices, stock in 2 locations")
    if not has_region:
        region = await commerce.regions.create_region(
            RegionCreate(name="United States", currency_code="USD", tax_rate_bps=825,
                         countries=["US"])
        )  # fmt: skip
        await commerce.regions.create_method(
            ShippingMethodCreate(name="Standard", currency_code="USD", amount=500,
                                 region_id=region.id)
        )  # fmt: skip
        await commerce.regions.create_method(
            ShippingMethodCreate(name="Standard", currency_code="EUR", amount=700)
        )
        lines.append("region United States (tax 8.25 %), flat shipping 5.00 USD / 7.00 EUR")
    if not has_code:
        await commerce.discounts.create(
            DiscountCreate(code=DISCOUNT_CODE, kind="percentage", value=10, usage_limit=1000)
        )
        lines.append(f"discount code {DISCOUNT_CODE} (10 % off, 1000 uses)")
    return lines or ["demo data already present"]
