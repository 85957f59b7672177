"""The 15 page block types of the original (rustok-reference.md §1.4), each validated.

A page's blocks are a list tagged by ``type``; each type has its own fields and limits
(URLs are ``http(s)://`` or site-relative ``/...``; prices are integer minor units with a
currency code). A page stores one list per locale as its JSON body.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

import msgspec

from rustok.core.errors import ValidationFailed

Url = Annotated[
    str, msgspec.Meta(max_length=2048, pattern=r"^(https?://[^\s<>\"']+|/[^\s<>\"']*)$")
]
Line = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
Text = Annotated[str, msgspec.Meta(max_length=5_000)]
AltText = Annotated[str, msgspec.Meta(min_length=1, max_length=1_000)]
Icon = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
Columns = Annotated[int, msgspec.Meta(ge=1, le=6)]
Email = Annotated[str, msgspec.Meta(max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
MAX_BLOCKS = 100
MAX_BLOCKS_BYTES = 1_000_000  # a page body is a content body: BodyText's limit
# Raw HTML is the page author's responsibility, but not a way to run script in visitors'
# browsers: script elements, javascript: URLs and inline event handlers are refused.
_ACTIVE_HTML = re.compile(r"<\s*script|javascript\s*:|\son[a-z]+\s*=", re.IGNORECASE)


class _Block(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag_field="type"
):
    pass


class HeroBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="hero"):
    title: Line
    subtitle: Text | None = None
    image_url: Url | None = None
    cta_text: Short | None = None
    cta_url: Url | None = None
    align: Literal["left", "center", "right"] = "center"

    def __post_init__(self) -> None:
        if (self.cta_text is None) != (self.cta_url is None):
            raise ValueError("hero: cta_text and cta_url go together")


class TextBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="text"):
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=50_000)]
    format: Literal["markdown", "html", "plain"] = "markdown"


class ImageBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="image"):
    url: Url
    alt: AltText
    caption: Text | None = None
    media_id: uuid.UUID | None = None


class GalleryImage(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Url
    alt: AltText
    caption: Text | None = None


class GalleryBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="gallery"):
    images: Annotated[list[GalleryImage], msgspec.Meta(min_length=1, max_length=50)]
    columns: Columns = 3


class CtaBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="cta"):
    title: Line
    text: Text | None = None
    button_text: Short
    button_url: Url
    style: Literal["primary", "secondary"] = "primary"


class Feature(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: Line
    text: Text | None = None
    icon: Icon | None = None


class FeaturesBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="features"):
    title: Line | None = None
    items: Annotated[list[Feature], msgspec.Meta(min_length=1, max_length=24)]
    columns: Columns = 3


class Testimonial(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    quote: Annotated[str, msgspec.Meta(min_length=1, max_length=2_000)]
    author: Line
    role: Line | None = None
    avatar_url: Url | None = None


class TestimonialsBlock(
    _Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="testimonials"
):
    title: Line | None = None
    items: Annotated[list[Testimonial], msgspec.Meta(min_length=1, max_length=20)]


class Plan(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Line
    price_amount: Annotated[int, msgspec.Meta(ge=0, le=10**12)]
    currency_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
    period: Literal["month", "year", "once"] = "month"
    features: Annotated[list[Line], msgspec.Meta(max_length=30)] = msgspec.field(
        default_factory=list
    )
    cta_text: Short | None = None
    cta_url: Url | None = None
    highlighted: bool = False


class PricingBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="pricing"):
    title: Line | None = None
    plans: Annotated[list[Plan], msgspec.Meta(min_length=1, max_length=6)]


class FaqItem(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    question: Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"\S")]
    answer: Annotated[str, msgspec.Meta(min_length=1, max_length=5_000)]


class FaqBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="faq"):
    title: Line | None = None
    items: Annotated[list[FaqItem], msgspec.Meta(min_length=1, max_length=50)]


class ContactBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="contact"):
    title: Line | None = None
    email: Email | None = None
    phone: Annotated[str, msgspec.Meta(max_length=50, pattern=r"^[0-9+() .-]+$")] | None = None
    address: Text | None = None
    show_form: bool = False

    def __post_init__(self) -> None:
        if not (self.email or self.phone or self.address or self.show_form):
            raise ValueError("contact: give an email, phone, address or show_form")


class ProductGridBlock(
    _Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="product_grid"
):
    title: Line | None = None
    product_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=48)] = msgspec.field(
        default_factory=list
    )
    category: Annotated[str, msgspec.Meta(max_length=255, pattern=r"^[a-z0-9-]+$")] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=48)] = 8

    def __post_init__(self) -> None:
        if not self.product_ids and self.category is None:
            raise ValueError("product_grid: give product_ids or a category")


class NewsletterBlock(
    _Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="newsletter"
):
    title: Line
    text: Text | None = None
    placeholder: Short | None = None
    button_text: Short = "Subscribe"


class VideoBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="video"):
    url: Url
    title: Line | None = None
    caption: Text | None = None
    autoplay: bool = False


class HtmlBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="html"):
    html: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]

    def __post_init__(self) -> None:
        if _ACTIVE_HTML.search(self.html):
            raise ValueError("html: no script, javascript: URLs or on* event attributes")


class SpacerBlock(_Block, frozen=True, kw_only=True, forbid_unknown_fields=True, tag="spacer"):
    height: Annotated[int, msgspec.Meta(ge=1, le=500)] = 40


Block = (
    HeroBlock | TextBlock | ImageBlock | GalleryBlock | CtaBlock | FeaturesBlock
    | TestimonialsBlock | PricingBlock | FaqBlock | ContactBlock | ProductGridBlock
    | NewsletterBlock | VideoBlock | HtmlBlock | SpacerBlock
)  # fmt: skip
BLOCK_TYPES: tuple[str, ...] = (
    "hero", "text", "image", "gallery", "cta", "features", "testimonials", "pricing", "faq",
    "contact", "product_grid", "newsletter", "video", "html", "spacer",
)  # fmt: skip
Blocks = Annotated[list[Block], msgspec.Meta(max_length=MAX_BLOCKS)]


class PageContent(msgspec.Struct, frozen=True, kw_only=True):
    """What a page stores as its JSON body in one locale."""

    blocks: list[Block] = msgspec.field(default_factory=list)


def encode_blocks(blocks: list[Block]) -> str:
    """The stored body; refused above :data:`MAX_BLOCKS_BYTES` (the content body limit)."""
    body = msgspec.json.encode(PageContent(blocks=blocks))
    if len(body) > MAX_BLOCKS_BYTES:
        message = f"must encode to at most {MAX_BLOCKS_BYTES} bytes of JSON"
        raise ValidationFailed(f"blocks: {message}", errors={"blocks": [message]})
    return body.decode()


def decode_blocks(body: str | None) -> list[Block]:
    if not body:
        return []
    return msgspec.json.decode(body, type=PageContent).blocks
