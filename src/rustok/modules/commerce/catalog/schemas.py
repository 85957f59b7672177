"""Bodies of the catalogue API: products, translations, options, variants, prices, images."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from rustok.modules.commerce.fields import (
    Amount,
    Grams,
    Handle,
    InventoryPolicy,
    LocaleTag,
    LongText,
    Millimetres,
    Position,
    ProductStatus,
    ShortText,
    Sku,
    StockQuantity,
    Text,
    Url,
)

SeoDescription = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"^[^\x00]*$")]
MetaKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
MetaValue = Annotated[str, msgspec.Meta(max_length=1000, pattern=r"^[^\x00]*$")]
Metadata = Annotated[dict[MetaKey, MetaValue], msgspec.Meta(max_length=50)]
IdList = Annotated[list[uuid.UUID], msgspec.Meta(max_length=100)]
OptionValues = Annotated[list[ShortText], msgspec.Meta(min_length=1, max_length=100)]
VariantOptions = Annotated[dict[ShortText, ShortText], msgspec.Meta(max_length=3)]


class PriceInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    currency_code: Annotated[str, msgspec.Meta(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")]
    amount: Amount
    compare_at_amount: Amount | None = None


PriceInputs = Annotated[list[PriceInput], msgspec.Meta(max_length=50)]


class TranslationInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    locale: LocaleTag
    title: Text
    handle: Handle | None = None
    description: LongText | None = None
    meta_title: Text | None = None
    meta_description: SeoDescription | None = None


class OptionInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: ShortText
    values: OptionValues


class ImageInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Url
    media_id: uuid.UUID | None = None
    alt_text: Text | None = None
    position: Position = 0


class VariantCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    sku: Sku
    title: Text | None = None
    barcode: ShortText | None = None
    weight_grams: Grams | None = None
    length_mm: Millimetres | None = None
    width_mm: Millimetres | None = None
    height_mm: Millimetres | None = None
    inventory_policy: InventoryPolicy = "deny"
    position: Position | None = None
    # Option name → value; every option of the product needs a value.
    options: VariantOptions = msgspec.field(default_factory=dict)
    prices: PriceInputs = msgspec.field(default_factory=list)
    # Units stocked at the tenant's default location.
    inventory_quantity: StockQuantity | None = None


class VariantUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    sku: Sku | msgspec.UnsetType = msgspec.UNSET
    title: Text | msgspec.UnsetType | None = msgspec.UNSET
    barcode: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    weight_grams: Grams | msgspec.UnsetType | None = msgspec.UNSET
    length_mm: Millimetres | msgspec.UnsetType | None = msgspec.UNSET
    width_mm: Millimetres | msgspec.UnsetType | None = msgspec.UNSET
    height_mm: Millimetres | msgspec.UnsetType | None = msgspec.UNSET
    inventory_policy: InventoryPolicy | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET
    options: VariantOptions | msgspec.UnsetType = msgspec.UNSET


class ProductCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: Annotated[list[TranslationInput], msgspec.Meta(min_length=1, max_length=20)]
    variants: Annotated[list[VariantCreate], msgspec.Meta(min_length=1, max_length=100)]
    options: Annotated[list[OptionInput], msgspec.Meta(max_length=3)] = msgspec.field(
        default_factory=list
    )
    status: Literal["draft", "active"] = "draft"
    vendor: Text | None = None
    product_type: Text | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)
    images: Annotated[list[ImageInput], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    category_ids: IdList = msgspec.field(default_factory=list)
    collection_ids: IdList = msgspec.field(default_factory=list)


class ProductUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH. ``translations`` are upserted per locale; id lists replace the memberships."""

    translations: (
        Annotated[list[TranslationInput], msgspec.Meta(min_length=1, max_length=20)]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    vendor: Text | msgspec.UnsetType | None = msgspec.UNSET
    product_type: Text | msgspec.UnsetType | None = msgspec.UNSET
    metadata: Metadata | msgspec.UnsetType = msgspec.UNSET
    category_ids: IdList | msgspec.UnsetType = msgspec.UNSET
    collection_ids: IdList | msgspec.UnsetType = msgspec.UNSET


class PriceRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    currency_code: str
    amount: int
    compare_at_amount: int | None
    min_quantity: int
    price_list_id: uuid.UUID | None


class TranslationRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    title: str
    handle: str
    description: str | None
    meta_title: str | None
    meta_description: str | None


class OptionRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    position: int
    values: list[str]


class ImageRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    url: str
    media_id: uuid.UUID | None
    alt_text: str | None
    position: int


class VariantRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str | None
    barcode: str | None
    weight_grams: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    inventory_policy: str
    position: int
    options: dict[str, str]
    prices: list[PriceRead]
    # Available units over every location (stocked minus reserved).
    inventory_quantity: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    status: ProductStatus
    vendor: str | None
    product_type: str | None
    metadata: dict[str, str]
    translations: list[TranslationRead]
    options: list[OptionRead]
    variants: list[VariantRead]
    images: list[ImageRead]
    category_ids: list[uuid.UUID]
    collection_ids: list[uuid.UUID]
    published_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ProductRead]
    page: int
    per_page: int
    total: int


class VariantList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[VariantRead]
