"""A page's blocks as form fields, and back (no JavaScript needed to edit them).

Block ``i`` posts ``b{i}-type`` and one field per block field (``b{i}-title``). A field that
holds a list (a gallery's images, a FAQ's questions) is a textarea of one item a line, the
item's parts separated by ``|`` (a plan's features by ``;``). Adding, removing and moving a
block are submit buttons (``op``): the form comes back with the blocks changed and nothing
saved, so they work without JavaScript; only "Save" writes.

:func:`block_payload` turns the posted blocks into the JSON list ``PageTranslationPatch``
takes (the service validates it), and :func:`error_field` puts msgspec's error paths
(``translations[0].blocks[2].items[1].title``) back on the field they are about (``b2-items``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from rustok.core.errors import ValidationFailed
from rustok.modules.pages.blocks import BLOCK_TYPES, MAX_BLOCKS, Block
from rustok.web.admin.i18n import N_

FieldKind = Literal["text", "textarea", "int", "bool", "choice", "lines", "ids"]
PartKind = Literal["str", "int", "list", "bool"]
PART_SEPARATOR = "|"
LIST_SEPARATOR = ";"
_TRUE = ("yes", "true", "1", "on")


@dataclass(frozen=True, slots=True)
class Part:
    """One ``|``-separated part of a list item's line."""

    name: str
    kind: PartKind = "str"


@dataclass(frozen=True, slots=True)
class BlockField:
    name: str
    label: str  # an English msgid
    kind: FieldKind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()  # a "lines" field's item parts

    @property
    def hint(self) -> str:
        """What a "lines" field's line holds (``title | text | icon``)."""
        return f" {PART_SEPARATOR} ".join(p.name for p in self.parts)


def _f(name: str, label: str, kind: FieldKind = "text", **more: Any) -> BlockField:
    return BlockField(name, label, kind, **more)


_TITLE = _f("title", N_("Title"), required=True)
_OPTIONAL_TITLE = _f("title", N_("Title"))
BLOCK_LABELS = {
    "hero": N_("Hero"), "text": N_("Text"), "image": N_("Image"), "gallery": N_("Gallery"),
    "cta": N_("Call to action"), "features": N_("Features"), "testimonials": N_("Testimonials"),
    "pricing": N_("Pricing"), "faq": N_("Questions and answers"), "contact": N_("Contact"),
    "product_grid": N_("Product grid"), "newsletter": N_("Newsletter"), "video": N_("Video"),
    "html": N_("HTML"), "spacer": N_("Spacer"),
}  # fmt: skip
BLOCK_FIELDS: dict[str, tuple[BlockField, ...]] = {
    "hero": (
        _TITLE, _f("subtitle", N_("Subtitle"), "textarea"), _f("image_url", N_("Image URL")),
        _f("cta_text", N_("Button text")), _f("cta_url", N_("Button URL")),
        _f("align", N_("Alignment"), "choice", choices=("center", "left", "right")),
    ),
    "text": (
        _f("content", N_("Text"), "textarea", required=True),
        _f("format", N_("Format"), "choice", choices=("markdown", "html", "plain")),
    ),
    "image": (
        _f("url", N_("Image URL"), required=True), _f("alt", N_("Alternative text"), required=True),
        _f("caption", N_("Caption"), "textarea"), _f("media_id", N_("Media library file id")),
    ),
    "gallery": (
        _f("images", N_("Images, one a line"), "lines", required=True,
           parts=(Part("url"), Part("alt"), Part("caption"))),
        _f("columns", N_("Columns"), "int"),
    ),
    "cta": (
        _TITLE, _f("text", N_("Text"), "textarea"),
        _f("button_text", N_("Button text"), required=True),
        _f("button_url", N_("Button URL"), required=True),
        _f("style", N_("Style"), "choice", choices=("primary", "secondary")),
    ),
    "features": (
        _OPTIONAL_TITLE,
        _f("items", N_("Features, one a line"), "lines", required=True,
           parts=(Part("title"), Part("text"), Part("icon"))),
        _f("columns", N_("Columns"), "int"),
    ),
    "testimonials": (
        _OPTIONAL_TITLE,
        _f("items", N_("Testimonials, one a line"), "lines", required=True,
           parts=(Part("quote"), Part("author"), Part("role"), Part("avatar_url"))),
    ),
    "pricing": (
        _OPTIONAL_TITLE,
        _f("plans", N_("Plans, one a line"), "lines", required=True, parts=(
            Part("name"), Part("price_amount", "int"), Part("currency_code"), Part("period"),
            Part("features", "list"), Part("cta_text"), Part("cta_url"),
            Part("highlighted", "bool"))),
    ),
    "faq": (
        _OPTIONAL_TITLE,
        _f("items", N_("Questions, one a line"), "lines", required=True,
           parts=(Part("question"), Part("answer"))),
    ),
    "contact": (
        _OPTIONAL_TITLE, _f("email", N_("Email")), _f("phone", N_("Phone")),
        _f("address", N_("Address"), "textarea"),
        _f("show_form", N_("Show a contact form"), "bool"),
    ),
    "product_grid": (
        _OPTIONAL_TITLE, _f("product_ids", N_("Product ids, separated by commas"), "ids"),
        _f("category", N_("Category slug")), _f("limit", N_("How many products"), "int"),
    ),
    "newsletter": (
        _TITLE, _f("text", N_("Text"), "textarea"), _f("placeholder", N_("Placeholder")),
        _f("button_text", N_("Button text")),
    ),
    "video": (
        _f("url", N_("Video URL"), required=True), _OPTIONAL_TITLE,
        _f("caption", N_("Caption"), "textarea"), _f("autoplay", N_("Play automatically"), "bool"),
    ),
    "html": (_f("html", N_("HTML"), "textarea", required=True),),
    "spacer": (_f("height", N_("Height in pixels"), "int"),),
}  # fmt: skip
assert set(BLOCK_FIELDS) == set(BLOCK_TYPES) == set(BLOCK_LABELS)


@dataclass(frozen=True, slots=True)
class PostedBlock:
    """A block as the form holds it: its type and each field's text."""

    type: str
    values: dict[str, str]

    @property
    def fields(self) -> tuple[BlockField, ...]:
        return BLOCK_FIELDS[self.type]


def _prefix(index: int) -> str:
    return f"b{index}"


def posted_blocks(posted: Mapping[str, str]) -> list[PostedBlock]:
    """The blocks of a posted form, in order (unknown types are refused by the service)."""
    blocks: list[PostedBlock] = []
    for index in range(MAX_BLOCKS + 1):
        kind = posted.get(f"{_prefix(index)}-type")
        if kind is None:
            break
        if kind not in BLOCK_FIELDS:
            message = f"unknown block type {kind!r}"
            raise ValidationFailed(message, errors={"blocks": [message]})
        values = {f.name: posted.get(f"{_prefix(index)}-{f.name}", "") for f in BLOCK_FIELDS[kind]}
        blocks.append(PostedBlock(kind, values))
    return blocks


def form_values(blocks: list[PostedBlock]) -> dict[str, str]:
    """The blocks as form fields (``b{i}-type``, ``b{i}-{field}``)."""
    values: dict[str, str] = {}
    for index, block in enumerate(blocks):
        values[f"{_prefix(index)}-type"] = block.type
        for name, value in block.values.items():
            values[f"{_prefix(index)}-{name}"] = value
    return values


def _text_of(value: Any, kind: PartKind | FieldKind) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "yes" if value else ""
    if kind == "list":
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    return str(value)


def _line_of(item: Mapping[str, Any], parts: tuple[Part, ...]) -> str:
    texts = [_text_of(item.get(p.name), p.kind) for p in parts]
    while texts and not texts[-1]:
        texts.pop()
    return f" {PART_SEPARATOR} ".join(texts)


def from_blocks(blocks: list[Block]) -> list[PostedBlock]:
    """Stored blocks as the form shows them."""
    shown: list[PostedBlock] = []
    for block in blocks:
        data: dict[str, Any] = msgspec.to_builtins(block)
        kind = str(data["type"])
        values: dict[str, str] = {}
        for f in BLOCK_FIELDS[kind]:
            value = data.get(f.name)
            if f.kind == "lines":
                values[f.name] = "\n".join(_line_of(item, f.parts) for item in value or [])
            elif f.kind == "ids":
                values[f.name] = ", ".join(str(v) for v in value or [])
            elif f.kind == "bool":
                values[f.name] = "on" if value else ""
            else:
                values[f.name] = _text_of(value, f.kind)
        shown.append(PostedBlock(kind, values))
    return shown


def number(text: str) -> int | str:
    """A whole number, or the text itself for the service to refuse with its message."""
    return int(text) if re.fullmatch(r"-?\d{1,15}", text) else text


def _part(text: str, kind: PartKind) -> Any:
    if kind == "int":
        return number(text)
    if kind == "bool":
        return text.lower() in _TRUE
    if kind == "list":
        return [t.strip() for t in text.split(LIST_SEPARATOR) if t.strip()]
    return text


def _item(line: str, parts: tuple[Part, ...]) -> dict[str, Any]:
    texts = [t.strip() for t in line.split(PART_SEPARATOR)]
    if len(texts) > len(parts):  # the last part keeps the separators it contains
        texts = [*texts[: len(parts) - 1], f" {PART_SEPARATOR} ".join(texts[len(parts) - 1 :])]
    item: dict[str, Any] = {}
    for part, text in zip(parts, texts, strict=False):
        if text or part is parts[0]:
            item[part.name] = _part(text, part.kind)
    return item


def _ids(text: str) -> list[uuid.UUID | str]:
    found: list[uuid.UUID | str] = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        try:
            found.append(uuid.UUID(token))
        except ValueError:
            found.append(token)  # the service refuses it under this field
    return found


def block_payload(block: PostedBlock) -> dict[str, Any]:
    """One posted block as the JSON object the service validates. An empty optional field is
    left out (its default applies); an empty required one is sent empty, so the service's
    error names that field."""
    payload: dict[str, Any] = {"type": block.type}
    for f in block.fields:
        text = block.values.get(f.name, "").replace("\r\n", "\n")
        if f.kind == "bool":
            payload[f.name] = bool(text)
            continue
        if f.kind == "lines":
            lines = [line for line in text.split("\n") if line.strip()]
            if lines or f.required:
                payload[f.name] = [_item(line, f.parts) for line in lines]
            continue
        if f.kind == "ids":
            if text.strip():
                payload[f.name] = _ids(text)
            continue
        stripped = text if f.kind == "textarea" else text.strip()
        if not stripped.strip() and not f.required:
            continue
        payload[f.name] = number(stripped) if f.kind == "int" else stripped
    return payload


def apply_op(blocks: list[PostedBlock], op: str, new_type: str | None) -> list[PostedBlock]:
    """``add``, ``remove-i``, ``up-i`` or ``down-i`` applied to the form's blocks."""
    changed = list(blocks)
    if op == "add":
        if new_type not in BLOCK_FIELDS or len(changed) >= MAX_BLOCKS:
            return changed
        changed.append(PostedBlock(new_type, {f.name: "" for f in BLOCK_FIELDS[new_type]}))
        return changed
    verb, _, raw = op.partition("-")
    if not raw.isdigit() or not 0 <= int(raw) < len(changed):
        return changed
    index = int(raw)
    if verb == "remove":
        del changed[index]
    elif verb == "up" and index > 0:
        changed[index - 1], changed[index] = changed[index], changed[index - 1]
    elif verb == "down" and index < len(changed) - 1:
        changed[index + 1], changed[index] = changed[index], changed[index + 1]
    return changed


_BLOCK_PATH = re.compile(r"^translations\[\d+\]\.blocks\[(\d+)\](?:\.(\w+))?")


def error_field(path: str, blocks: list[PostedBlock]) -> str | None:
    """The form field a block error's path is about (``b2-items``; ``b2`` for the block as a
    whole), or None when the path is not a block's."""
    match = _BLOCK_PATH.match(path)
    if match is None:
        return None
    index, name = int(match.group(1)), match.group(2)
    if index < len(blocks) and name in {f.name for f in blocks[index].fields}:
        return f"{_prefix(index)}-{name}"
    return _prefix(index)
