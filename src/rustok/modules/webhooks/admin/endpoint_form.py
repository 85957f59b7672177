"""The endpoint form's fields ↔ ``WebhookCreate``/``WebhookUpdate``.

Event types are one pattern a line, extra headers one ``Name: value`` a line. The service
names a refused value by its path (``event_types[2]``, ``headers.X-Shop``); the form shows
it under the field it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rustok.core.errors import RustokError, ValidationFailed
from rustok.modules.webhooks.schemas import WebhookCreate, WebhookRead, WebhookUpdate
from rustok.web.admin.forms import VERSION_FIELD, FormState, parse_form

FIELDS = {"url": "url", "event_types": "event_types", "description": "description",
          "headers": "headers", "active": "active"}  # fmt: skip


def version_of(webhook: WebhookRead) -> str:
    return webhook.updated_at.isoformat()


def values_of(webhook: WebhookRead) -> dict[str, str]:
    """The form's fields filled from an endpoint."""
    return {
        "url": webhook.url, "description": webhook.description or "",
        "event_types": "\n".join(webhook.event_types),
        "headers": "\n".join(f"{k}: {v}" for k, v in webhook.headers.items()),
        "active": "true" if webhook.active else "false", VERSION_FIELD: version_of(webhook),
    }  # fmt: skip


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _headers(text: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in _lines(text):
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValidationFailed(
                errors={"headers": [f"{line!r}: write one 'Name: value' a line"]}
            )
        if name.strip() in headers:
            raise ValidationFailed(errors={"headers": [f"{name.strip()!r} is given twice"]})
        headers[name.strip()] = value.strip()
    return headers


def _fields(posted: Mapping[str, str]) -> dict[str, Any]:
    active = posted.get("active", "true")
    if active not in ("true", "false"):
        raise ValidationFailed(errors={"active": ["choose active or inactive"]})
    description = posted.get("description", "").strip()
    return {
        "url": posted.get("url", "").strip(), "event_types": _lines(posted.get("event_types", "")),
        "description": description or None, "headers": _headers(posted.get("headers", "")),
        "active": active == "true",
    }  # fmt: skip


def create_body(posted: Mapping[str, str]) -> WebhookCreate:
    return parse_form(WebhookCreate, _fields(posted), FIELDS)


def update_body(posted: Mapping[str, str], current: WebhookRead) -> WebhookUpdate:
    """Every field as posted, except ``active`` when unchanged: sending ``active: true``
    also clears the failure streak, which saving a description must not do."""
    fields = _fields(posted)
    if fields["active"] == current.active:
        del fields["active"]
    return parse_form(WebhookUpdate, fields, FIELDS)


def failed_form(posted: Mapping[str, str], exc: RustokError) -> FormState:
    """The form again with each service error under its field (``event_types[1]`` →
    ``event_types``)."""
    state = FormState.failed(posted, exc)
    errors: dict[str, list[str]] = {}
    for key, messages in state.errors.items():
        name = key.split("[")[0].split(".")[0]
        name = name if name in FIELDS else "form"
        detail = key.removeprefix(name).lstrip(".")
        errors.setdefault(name, []).extend(f"{detail}: {m}" if detail else m for m in messages)
    state.errors = errors
    if "form" in errors and state.message is None:
        state.message = "; ".join(errors.pop("form"))
    return state
