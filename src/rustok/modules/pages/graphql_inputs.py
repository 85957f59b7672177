"""Typed GraphQL inputs of pages and menus, mirroring the REST bodies field by field.

A page block is a ``@oneOf`` input: exactly one member, named by the block type, is given
(``{text: {content: "Hi"}}``) — GraphQL's tagged union for inputs. Menu labels, a map per
locale in REST, are ``{locale, label}`` pairs. Each input becomes the REST body's struct
(``to_struct``), so both APIs refuse the same things with the same errors.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import UNSET

from rustok.core.errors import ValidationFailed
from rustok.modules.content.web_graphql import to_struct
from rustok.modules.pages.schemas import MenuCreate, MenuUpdate, PageCreate, PageUpdate
from rustok.web.inputs import input_dict


@strawberry.input(name="HeroBlockInput")
class HeroBlockInput:
    title: str
    subtitle: str | None = None
    image_url: str | None = None
    cta_text: str | None = None
    cta_url: str | None = None
    align: str | None = strawberry.field(default=None, description="left, center or right")


@strawberry.input(name="TextBlockInput")
class TextBlockInput:
    content: str
    format: str | None = strawberry.field(default=None, description="markdown, html or plain")


@strawberry.input(name="ImageBlockInput")
class ImageBlockInput:
    url: str
    alt: str
    caption: str | None = None
    media_id: strawberry.ID | None = None


@strawberry.input(name="GalleryImageInput")
class GalleryImageInput:
    url: str
    alt: str
    caption: str | None = None


@strawberry.input(name="GalleryBlockInput")
class GalleryBlockInput:
    images: list[GalleryImageInput]
    columns: int | None = None


@strawberry.input(name="CtaBlockInput")
class CtaBlockInput:
    title: str
    button_text: str
    button_url: str
    text: str | None = None
    style: str | None = strawberry.field(default=None, description="primary or secondary")


@strawberry.input(name="FeatureInput")
class FeatureInput:
    title: str
    text: str | None = None
    icon: str | None = None


@strawberry.input(name="FeaturesBlockInput")
class FeaturesBlockInput:
    items: list[FeatureInput]
    title: str | None = None
    columns: int | None = None


@strawberry.input(name="TestimonialInput")
class TestimonialInput:
    quote: str
    author: str
    role: str | None = None
    avatar_url: str | None = None


@strawberry.input(name="TestimonialsBlockInput")
class TestimonialsBlockInput:
    items: list[TestimonialInput]
    title: str | None = None


@strawberry.input(name="PlanInput")
class PlanInput:
    name: str
    price_amount: int
    currency_code: str
    period: str | None = strawberry.field(default=None, description="month, year or once")
    features: list[str] | None = None
    cta_text: str | None = None
    cta_url: str | None = None
    highlighted: bool | None = None


@strawberry.input(name="PricingBlockInput")
class PricingBlockInput:
    plans: list[PlanInput]
    title: str | None = None


@strawberry.input(name="FaqItemInput")
class FaqItemInput:
    question: str
    answer: str


@strawberry.input(name="FaqBlockInput")
class FaqBlockInput:
    items: list[FaqItemInput]
    title: str | None = None


@strawberry.input(name="ContactBlockInput")
class ContactBlockInput:
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    show_form: bool | None = None


@strawberry.input(name="ProductGridBlockInput")
class ProductGridBlockInput:
    title: str | None = None
    product_ids: list[strawberry.ID] | None = None
    category: str | None = None
    limit: int | None = None


@strawberry.input(name="NewsletterBlockInput")
class NewsletterBlockInput:
    title: str
    text: str | None = None
    placeholder: str | None = None
    button_text: str | None = None


@strawberry.input(name="VideoBlockInput")
class VideoBlockInput:
    url: str
    title: str | None = None
    caption: str | None = None
    autoplay: bool | None = None


@strawberry.input(name="HtmlBlockInput")
class HtmlBlockInput:
    html: str


@strawberry.input(name="SpacerBlockInput")
class SpacerBlockInput:
    height: int | None = None


@strawberry.input(name="PageBlockInput", one_of=True, description="Exactly one block type.")
class PageBlockInput:
    hero: HeroBlockInput | None = UNSET
    text: TextBlockInput | None = UNSET
    image: ImageBlockInput | None = UNSET
    gallery: GalleryBlockInput | None = UNSET
    cta: CtaBlockInput | None = UNSET
    features: FeaturesBlockInput | None = UNSET
    testimonials: TestimonialsBlockInput | None = UNSET
    pricing: PricingBlockInput | None = UNSET
    faq: FaqBlockInput | None = UNSET
    contact: ContactBlockInput | None = UNSET
    product_grid: ProductGridBlockInput | None = UNSET
    newsletter: NewsletterBlockInput | None = UNSET
    video: VideoBlockInput | None = UNSET
    html: HtmlBlockInput | None = UNSET
    spacer: SpacerBlockInput | None = UNSET


@strawberry.input(name="PageTranslationInput")
class PageTranslationInput:
    locale: str
    title: str
    slug: str | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    blocks: list[PageBlockInput] | None = None


@strawberry.input(name="PageTranslationPatch", description="A new locale needs a title.")
class PageTranslationPatch:
    locale: str
    title: str | None = UNSET
    slug: str | None = UNSET
    meta_title: str | None = UNSET
    meta_description: str | None = UNSET
    blocks: list[PageBlockInput] | None = strawberry.field(
        default=UNSET, description="replaces the list"
    )


@strawberry.input(name="PageCreateInput")
class PageCreateInput:
    translations: list[PageTranslationInput]
    template: str | None = None
    parent_id: strawberry.ID | None = None
    position: int | None = None
    publish: bool | None = None


@strawberry.input(name="PageUpdateInput", description="Left-out fields stay as they are.")
class PageUpdateInput:
    translations: list[PageTranslationPatch] | None = UNSET
    remove_locales: list[str] | None = UNSET
    template: str | None = UNSET
    parent_id: strawberry.ID | None = UNSET
    position: int | None = UNSET


@strawberry.input(name="MenuLabelInput")
class MenuLabelInput:
    locale: str
    label: str


@strawberry.input(name="MenuItemInput", description="Links to exactly one of url or pageId.")
class MenuItemInput:
    labels: list[MenuLabelInput]
    url: str | None = None
    page_id: strawberry.ID | None = None
    children: list[MenuItemInput] | None = None


@strawberry.input(name="MenuCreateInput")
class MenuCreateInput:
    name: str
    location: str
    items: list[MenuItemInput] | None = None


@strawberry.input(name="MenuUpdateInput", description="items replaces the whole tree.")
class MenuUpdateInput:
    name: str | None = UNSET
    items: list[MenuItemInput] | None = UNSET


def _block(value: PageBlockInput) -> dict[str, Any]:
    chosen = [(k, v) for k, v in vars(value).items() if v is not UNSET and v is not None]
    if len(chosen) != 1:  # @oneOf is checked by GraphQL too; a direct call is checked here
        raise ValidationFailed(errors={"blocks": ["give exactly one block type per block"]})
    kind, body = chosen[0]
    return {"type": kind, **input_dict(body)}


def _translation(data: dict[str, Any], value: PageTranslationInput | PageTranslationPatch) -> Any:
    if isinstance(value.blocks, list):
        data["blocks"] = [_block(b) for b in value.blocks]
    return data


def _item(value: MenuItemInput) -> dict[str, Any]:
    labels = {pair.locale: pair.label for pair in value.labels}
    if len(labels) != len(value.labels):
        raise ValidationFailed(errors={"items.labels": ["a locale is given twice"]})
    data = input_dict(value)
    data["labels"] = labels
    data["children"] = [_item(c) for c in value.children or []]
    return data


def page_create(value: PageCreateInput) -> PageCreate:
    data = input_dict(value)
    data["translations"] = [
        _translation(input_dict(t), t) for t in value.translations
    ]  # fmt: skip
    return to_struct(PageCreate, data)


def page_update(value: PageUpdateInput) -> PageUpdate:
    data = {k: v for k, v in vars(value).items() if v is not UNSET}
    if isinstance(value.translations, list):
        data["translations"] = [
            _translation({k: v for k, v in vars(t).items() if v is not UNSET}, t)
            for t in value.translations
        ]
    return to_struct(PageUpdate, data)


def menu_create(value: MenuCreateInput) -> MenuCreate:
    data = input_dict(value)
    data["items"] = [_item(i) for i in value.items or []]
    return to_struct(MenuCreate, data)


def menu_update(value: MenuUpdateInput) -> MenuUpdate:
    data = {k: v for k, v in vars(value).items() if v is not UNSET}
    if isinstance(value.items, list):
        data["items"] = [_item(i) for i in value.items]
    return to_struct(MenuUpdate, data)
