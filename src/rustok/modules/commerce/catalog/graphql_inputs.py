"""Typed GraphQL inputs of the catalogue mutations, mirroring the REST bodies field by field.

They only carry the shape: each input becomes the REST body struct (catalog/schemas.py) and
is validated by msgspec exactly as over REST (``convert``), so both APIs refuse the same
things with the same ``VALIDATION_ERROR``. GraphQL has no maps, so a variant's option
values are a list of ``{option, value}`` pairs.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce.catalog.schemas import (
    ImageInput,
    PriceInput,
    ProductCreate,
    ProductUpdate,
    VariantCreate,
    VariantUpdate,
)
from rustok.web.inputs import convert, input_dict, patch_dict
from rustok.web.scalars import MinorUnits


@strawberry.input(name="PriceInput")
class PriceInputType:
    currency_code: str
    amount: MinorUnits
    compare_at_amount: MinorUnits | None = None


@strawberry.input(name="ProductTranslationInput")
class TranslationInputType:
    locale: str
    title: str
    handle: str | None = None
    description: str | None = None
    meta_title: str | None = None
    meta_description: str | None = None


@strawberry.input(name="ProductOptionInput")
class OptionInputType:
    name: str
    values: list[str]


@strawberry.input(name="ProductImageInput")
class ImageInputType:
    url: str
    media_id: strawberry.ID | None = None
    alt_text: str | None = None
    position: int | None = None


@strawberry.input(name="VariantOptionValueInput")
class VariantOptionValueType:
    option: str
    value: str


@strawberry.input(name="VariantCreateInput")
class VariantCreateInputType:
    sku: str
    title: str | None = None
    barcode: str | None = None
    weight_grams: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    inventory_policy: str | None = None
    position: int | None = None
    options: list[VariantOptionValueType] | None = None
    prices: list[PriceInputType] | None = None
    inventory_quantity: int | None = None


@strawberry.input(name="VariantUpdateInput", description="Fields left out stay as they are.")
class VariantUpdateInputType:
    sku: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    barcode: str | None = strawberry.UNSET
    weight_grams: int | None = strawberry.UNSET
    length_mm: int | None = strawberry.UNSET
    width_mm: int | None = strawberry.UNSET
    height_mm: int | None = strawberry.UNSET
    inventory_policy: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET
    options: list[VariantOptionValueType] | None = strawberry.UNSET


@strawberry.input(name="ProductCreateInput")
class ProductCreateInputType:
    translations: list[TranslationInputType]
    variants: list[VariantCreateInputType]
    options: list[OptionInputType] | None = None
    status: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    metadata: JSON | None = None
    images: list[ImageInputType] | None = None
    category_ids: list[strawberry.ID] | None = None
    collection_ids: list[strawberry.ID] | None = None


@strawberry.input(name="ProductUpdateInput", description="Fields left out stay as they are.")
class ProductUpdateInputType:
    translations: list[TranslationInputType] | None = strawberry.UNSET
    vendor: str | None = strawberry.UNSET
    product_type: str | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET
    category_ids: list[strawberry.ID] | None = strawberry.UNSET
    collection_ids: list[strawberry.ID] | None = strawberry.UNSET


def _variant(data: dict[str, Any]) -> dict[str, Any]:
    if "options" in data and data["options"] is None:  # an explicit null, refused as in REST
        return data
    pairs = data.pop("options", [])
    data["options"] = {p["option"]: p["value"] for p in pairs}
    if len(data["options"]) != len(pairs):  # a dict would silently keep the last value
        raise ValidationFailed(errors={"variants.options": ["an option is given twice"]})
    return data


def product_create(value: ProductCreateInputType) -> ProductCreate:
    data = input_dict(value)
    data["variants"] = [_variant(v) for v in data["variants"]]
    return convert(data, ProductCreate)


def product_update(value: ProductUpdateInputType) -> ProductUpdate:
    return convert(patch_dict(value), ProductUpdate)


def prices(values: list[PriceInputType]) -> list[PriceInput]:
    return convert([input_dict(v) for v in values], list[PriceInput])


def variant_create(value: VariantCreateInputType) -> VariantCreate:
    return convert(_variant(input_dict(value)), VariantCreate)


def variant_update(value: VariantUpdateInputType) -> VariantUpdate:
    data = patch_dict(value)
    return convert(_variant(data) if "options" in data else data, VariantUpdate)


def image(value: ImageInputType) -> ImageInput:
    return convert(input_dict(value), ImageInput)
