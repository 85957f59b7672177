"""Event payloads, the envelope that carries them, and the catalogue of every type (E-1, E-2).

A payload is a frozen msgspec struct declaring its dotted ``event_type`` and
``schema_version``; field rules are msgspec ``Meta`` constraints plus an optional
``check()`` for rules that span fields. Declaring the class registers it in the catalogue,
so there is one place per type and ``rustok events schema`` can export them all.

Constructing a struct does not run msgspec's constraints, so :func:`validate_payload` round-
trips it through ``msgspec.convert``; the unit of work calls it when an event is raised, so an
invalid event fails before anything is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, ClassVar

import msgspec

from rustok.core.errors import ValidationFailed

# Field types shared by the payloads of every package. "Text" is never blank after trimming.
_NOT_BLANK = r"\S"
Text50 = Annotated[str, msgspec.Meta(min_length=1, max_length=50, pattern=_NOT_BLANK)]
Text64 = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=_NOT_BLANK)]
Text255 = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=_NOT_BLANK)]
Text500 = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=_NOT_BLANK)]
Name64 = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
LocaleTag = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")]
CurrencyCode = Annotated[str, msgspec.Meta(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")]
NonNegative = Annotated[int, msgspec.Meta(ge=0)]
Positive = Annotated[int, msgspec.Meta(ge=1)]
NIL_UUID = uuid.UUID(int=0)


class EventValidationError(ValidationFailed):
    code = "INVALID_EVENT"
    title = "Invalid event"


class EventPayload(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every event payload. Subclasses set ``event_type`` (and bump ``schema_version``)."""

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    description: ClassVar[str] = ""
    # Internal types serve in-process consumers only (``mail.queued``): they never leave
    # the platform - not in the admin events API, not on shared NATS subjects, not in
    # webhooks - so their payloads may name rows other services must not learn about.
    internal: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            CATALOGUE.register(cls)

    def check(self) -> None:
        """Rules spanning several fields; raise ``ValueError`` with a message when broken."""

    def aggregate_id(self) -> uuid.UUID | None:
        """The entity whose events must stay in order for a consumer (None: no ordering)."""
        return None


class EventCatalogue:
    """Every declared event type, by ``event_type``."""

    def __init__(self) -> None:
        self._types: dict[str, type[EventPayload]] = {}

    def register(self, cls: type[EventPayload]) -> None:
        existing = self._types.get(cls.event_type)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {cls.event_type!r} declared twice")
        self._types[cls.event_type] = cls

    def get(self, event_type: str) -> type[EventPayload]:
        try:
            return self._types[event_type]
        except KeyError:
            raise EventValidationError(f"unknown event type {event_type!r}") from None

    def types(self) -> list[type[EventPayload]]:
        return [self._types[k] for k in sorted(self._types)]

    def __contains__(self, event_type: str) -> bool:
        return event_type in self._types

    def is_internal(self, event_type: str) -> bool:
        """Whether ``event_type`` is for in-process consumers only (unknown types are not)."""
        cls = self._types.get(event_type)
        return cls is not None and cls.internal

    def internal_types(self) -> list[str]:
        return sorted(name for name, cls in self._types.items() if cls.internal)

    def json_schema(self) -> dict[str, Any]:
        """The whole catalogue as JSON Schema: one definition per event type."""
        types = self.types()
        _, components = msgspec.json.schema_components(types, ref_template="#/$defs/{name}")
        events = {
            cls.event_type: {
                "schema_version": cls.schema_version,
                "internal": cls.internal,
                "description": cls.description or (cls.__doc__ or "").strip(),
                "payload": {"$ref": f"#/$defs/{cls.__name__}"},
            }
            for cls in types
        }
        _, envelope = msgspec.json.schema_components([Envelope], ref_template="#/$defs/{name}")
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "RusToK event catalogue",
            "envelope": {"$ref": "#/$defs/Envelope"},
            "events": events,
            "$defs": {**components, **envelope},
        }


CATALOGUE = EventCatalogue()


def validate_payload(payload: EventPayload) -> None:
    """Apply the type's constraints and ``check()``; raise :class:`EventValidationError`."""
    cls = type(payload)
    try:
        msgspec.convert(msgspec.to_builtins(payload), cls)
        _reject_nil_ids(payload)
        payload.check()
    except (msgspec.ValidationError, ValueError) as exc:
        raise EventValidationError(
            f"{cls.event_type}: {exc}", errors={cls.event_type: [str(exc)]}
        ) from exc


def _reject_nil_ids(payload: EventPayload) -> None:
    # Every id in every payload names a real entity: the nil UUID never does.
    for name in payload.__struct_fields__:
        if getattr(payload, name) == NIL_UUID:
            raise ValueError(f"{name} must not be the nil UUID - at `$.{name}`")


class Envelope(msgspec.Struct, frozen=True, kw_only=True):
    """What travels through the outbox and the transports."""

    id: uuid.UUID
    event_type: str
    schema_version: int
    tenant_id: uuid.UUID
    occurred_at: dt.datetime
    payload: dict[str, Any]
    actor_id: uuid.UUID | None = None
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    traceparent: str | None = None
    aggregate_id: uuid.UUID | None = None

    def decode_payload(self) -> EventPayload:
        """The typed payload (raises :class:`EventValidationError` if it does not fit)."""
        cls = CATALOGUE.get(self.event_type)
        try:
            return msgspec.convert(self.payload, cls)
        except msgspec.ValidationError as exc:
            raise EventValidationError(f"{self.event_type}: {exc}") from exc


def encode_envelope(envelope: Envelope) -> bytes:
    return msgspec.json.encode(envelope)


def decode_envelope(data: bytes) -> Envelope:
    return msgspec.json.decode(data, type=Envelope)
