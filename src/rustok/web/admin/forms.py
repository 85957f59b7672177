"""Edit forms: parsing into the service's msgspec body, inline errors, stale forms.

A form handler converts the posted fields with :func:`parse_form` into the same body the
REST route takes, calls the same service method, and on :class:`ValidationFailed`
re-renders the form with :class:`FormState` (the submitted values and each field's
messages, from the problem's ``errors``). Edit forms carry the row's version
(``updated_at``); :func:`ensure_fresh` refuses a form whose row changed since it was shown
(:class:`StaleForm`, 409) instead of silently overwriting the other change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from rustok.core.errors import Conflict, RustokError, ValidationFailed

S = TypeVar("S")
VERSION_FIELD = "version"
_PATH_RE = re.compile(r"at `\$\.?([^`]*)`")


class StaleForm(Conflict):
    code = "STALE_FORM"
    title = "Changed since the form was opened"


@dataclass(slots=True)
class FormState:
    """What a form template needs: the values to show and each field's errors."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    # A message above the form (a stale form, a conflict).
    message: str | None = None

    @classmethod
    def failed(cls, values: Mapping[str, str], exc: RustokError) -> FormState:
        errors = {k: list(v) for k, v in exc.errors.items()}
        message = exc.detail if isinstance(exc, Conflict) or not errors else None
        return cls(values=dict(values), errors=errors, message=message)


def parse_form(
    body: type[S], payload: Mapping[str, Any] | list[Any], fields: Mapping[str, str]
) -> S:
    """``payload`` converted to ``body``; a msgspec error becomes :class:`ValidationFailed`
    keyed by the form field (``fields`` maps the body's path, e.g. ``translations[0].title``,
    to the field's name)."""
    try:
        return msgspec.convert(payload, body)
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = _PATH_RE.search(text)
        path = match.group(1) if match else ""
        name = fields.get(path, path or "form")
        raise ValidationFailed(text, errors={name: [text.split(" - at ")[0]]}) from exc


def ensure_fresh(current_version: str, submitted: Mapping[str, str]) -> None:
    """Refuse a form shown before the row's last change."""
    if submitted.get(VERSION_FIELD) != current_version:
        raise StaleForm(
            "someone changed this record after you opened the form; "
            "reload it to see their change, then make yours again"
        )
