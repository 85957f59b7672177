"""The event catalogue (E-1, E-2): every type's rules, property-tested, and envelope
round-trips. Strategies are derived from the payloads' own msgspec constraints, so a new
event type is covered the moment it is declared."""

from __future__ import annotations

import datetime as dt
import re
import string
import uuid
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rustok.bootstrap import event_modules, load_event_catalogue
from rustok.core.events import (
    NIL_UUID,
    Envelope,
    EventPayload,
    EventValidationError,
    decode_envelope,
    encode_envelope,
    validate_payload,
)

CATALOGUE = load_event_catalogue()
TYPES = [t for t in CATALOGUE.types() if not t.event_type.startswith("test.")]
ORIGINAL_39 = {
    "node.created", "node.updated", "node.published", "node.unpublished", "node.deleted",
    "node.translation.updated", "body.updated", "category.created", "category.updated",
    "category.deleted", "tag.created", "tag.attached", "tag.detached", "media.uploaded",
    "media.deleted", "user.registered", "user.logged_in", "user.updated", "user.deleted",
    "product.created", "product.updated", "product.published", "product.deleted",
    "variant.created", "variant.updated", "variant.deleted", "inventory.updated",
    "inventory.low", "price.updated", "order.placed", "order.status_changed",
    "order.completed", "order.cancelled", "index.reindex_requested", "index.updated",
    "tenant.created", "tenant.updated", "locale.enabled", "locale.disabled",
}  # fmt: skip
# Rules spanning fields, restated here independently of the payloads' check() methods.
CROSS_FIELD_RULES: dict[str, Any] = {
    "inventory.low": lambda p: p.remaining <= p.threshold,
    "order.status_changed": lambda p: p.old_status != p.new_status,
    "forum.topic.status_changed": lambda p: p.old_status != p.new_status,
    "forum.reply.moderated": lambda p: p.old_status != p.new_status,
}
PROFILE = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def _text(t: mi.StrType) -> st.SearchStrategy[str]:
    low, high = t.min_length or 0, t.max_length or 300
    if t.pattern is None:
        base = st.text(min_size=low, max_size=high)
    elif t.pattern == r"\S":
        base = st.text(min_size=max(low, 1), max_size=high).filter(lambda s: s.strip() != "")
    else:
        base = st.from_regex(t.pattern)
    return base.filter(lambda s: low <= len(s) <= high)


def strategy(t: mi.Type) -> st.SearchStrategy[Any]:
    if isinstance(t, mi.UUIDType):
        return st.uuids().filter(lambda u: u != NIL_UUID)
    if isinstance(t, mi.StrType):
        return _text(t)
    if isinstance(t, mi.IntType):
        return st.integers(min_value=t.ge, max_value=t.le if t.le is not None else 2**53)
    if isinstance(t, mi.BoolType):
        return st.booleans()
    if isinstance(t, mi.LiteralType):
        return st.sampled_from(t.values)
    if isinstance(t, mi.UnionType):
        return st.one_of(*(strategy(member) for member in t.types))
    if isinstance(t, mi.NoneType):
        return st.none()
    raise AssertionError(f"no strategy for {t!r}: extend the test")


def fields_of(cls: type[EventPayload]) -> tuple[mi.Field, ...]:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    return info.fields


def payloads(cls: type[EventPayload]) -> st.SearchStrategy[EventPayload]:
    required = {f.name: strategy(f.type) for f in fields_of(cls) if f.required}
    optional = {f.name: strategy(f.type) for f in fields_of(cls) if not f.required}
    return st.fixed_dictionaries(required, optional=optional).map(lambda d: cls(**d))


def violations(t: mi.Type) -> st.SearchStrategy[Any]:
    """Values breaking the field's own rule (None if it has no rule to break)."""
    if isinstance(t, mi.UnionType):
        rules = [violations(m) for m in t.types if _has_rule(m)]
        return st.one_of(*rules)
    if isinstance(t, mi.UUIDType):
        return st.just(NIL_UUID)
    if isinstance(t, mi.IntType):
        options: list[st.SearchStrategy[int]] = []
        if t.ge is not None:
            options.append(st.integers(max_value=t.ge - 1))
        if t.le is not None:
            options.append(st.integers(min_value=t.le + 1))
        return st.one_of(*options)
    if isinstance(t, mi.LiteralType):
        return st.text(min_size=1).filter(lambda s: s not in t.values)
    if isinstance(t, mi.StrType):
        texts: list[st.SearchStrategy[str]] = [st.text(alphabet=" \t\n", max_size=5)]  # blank
        if t.max_length is not None:
            size = t.max_length + 1
            texts.append(
                st.text(alphabet=string.ascii_lowercase, min_size=size, max_size=size + 20)
            )
        if t.pattern not in (None, r"\S"):
            pattern = re.compile(t.pattern)
            texts.append(st.text(min_size=1, max_size=20).filter(lambda s: not pattern.search(s)))
        return st.one_of(*texts)
    raise AssertionError(f"no violation for {t!r}")


def _has_rule(t: mi.Type) -> bool:
    if isinstance(t, mi.UnionType):
        return any(_has_rule(m) for m in t.types)
    if isinstance(t, mi.StrType):
        return bool(t.min_length or t.max_length is not None or t.pattern)
    return isinstance(t, mi.UUIDType | mi.IntType | mi.LiteralType)


def constrained(cls: type[EventPayload]) -> list[mi.Field]:
    return [f for f in fields_of(cls) if _has_rule(f.type)]


def test_catalogue_holds_the_original_types_and_the_new_groups() -> None:
    names = {t.event_type for t in TYPES}
    assert ORIGINAL_39 <= names
    for prefix in ("cart.", "checkout.", "payment.", "forum.", "page.", "module.", "webhook."):
        assert any(n.startswith(prefix) for n in names), prefix
    assert len(names) >= 60
    assert "rustok.modules.commerce.events" in event_modules()
    assert "rustok.core.events" not in event_modules()


@pytest.mark.parametrize("cls", TYPES, ids=lambda c: c.event_type)
@PROFILE
@given(data=st.data())
def test_valid_payloads_pass_and_round_trip(cls: type[EventPayload], data: st.DataObject) -> None:
    payload = data.draw(payloads(cls))
    rule = CROSS_FIELD_RULES.get(cls.event_type)
    if rule is not None and not rule(payload):
        with pytest.raises(EventValidationError):
            validate_payload(payload)
        return
    validate_payload(payload)
    envelope = Envelope(
        id=uuid.uuid4(), event_type=cls.event_type, schema_version=cls.schema_version,
        tenant_id=uuid.uuid4(), occurred_at=dt.datetime.now(dt.UTC),
        payload=msgspec.to_builtins(payload), aggregate_id=payload.aggregate_id(),
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )  # fmt: skip
    decoded = decode_envelope(encode_envelope(envelope))
    assert decoded == envelope
    assert decoded.decode_payload() == payload


@pytest.mark.parametrize("cls", TYPES, ids=lambda c: c.event_type)
@PROFILE
@given(data=st.data())
def test_each_field_rule_rejects_its_violations(
    cls: type[EventPayload], data: st.DataObject
) -> None:
    valid = msgspec.structs.asdict(data.draw(payloads(cls)))
    for spec in constrained(cls):  # every rule of every field, one at a time
        broken = {**valid, spec.name: data.draw(violations(spec.type), label=spec.name)}
        with pytest.raises(EventValidationError) as info:
            validate_payload(cls(**broken))
        assert info.value.code == "INVALID_EVENT"
        assert f"$.{spec.name}" in info.value.detail


def test_every_type_has_rules_to_test() -> None:
    assert all(constrained(cls) for cls in TYPES)


def test_cross_field_rules() -> None:
    ids = {"variant_id": uuid.uuid4(), "product_id": uuid.uuid4(), "location_id": uuid.uuid4()}
    low = CATALOGUE.get("inventory.low")
    validate_payload(low(**ids, remaining=5, threshold=5))  # at the threshold fires
    validate_payload(low(**ids, remaining=0, threshold=5))
    with pytest.raises(EventValidationError, match="at or below threshold"):
        validate_payload(low(**ids, remaining=6, threshold=5))
    changed = CATALOGUE.get("order.status_changed")
    with pytest.raises(EventValidationError, match="must differ"):
        validate_payload(changed(order_id=uuid.uuid4(), old_status="paid", new_status="paid"))


def test_inventory_events_need_a_real_location() -> None:
    updated = CATALOGUE.get("inventory.updated")
    data = {"variant_id": uuid.uuid4(), "product_id": uuid.uuid4(), "old_quantity": 1,
            "new_quantity": 0}  # fmt: skip
    with pytest.raises(msgspec.ValidationError, match="location_id"):
        msgspec.convert(data, updated)
    with pytest.raises(EventValidationError, match="location_id must not be the nil UUID"):
        validate_payload(updated(**data, location_id=NIL_UUID))


def test_json_schema_describes_every_type() -> None:
    schema = CATALOGUE.json_schema()
    assert set(schema["events"]) == {t.event_type for t in CATALOGUE.types()}
    for event_type, entry in schema["events"].items():
        name = entry["payload"]["$ref"].removeprefix("#/$defs/")
        definition = schema["$defs"][name]
        cls = CATALOGUE.get(event_type)
        assert set(definition["properties"]) == {f.name for f in fields_of(cls)}
        assert "event_type" not in definition["properties"]
    assert schema["envelope"] == {"$ref": "#/$defs/Envelope"}
    low = schema["$defs"][schema["events"]["inventory.low"]["payload"]["$ref"].split("/")[-1]]
    assert set(low["required"]) >= {"location_id", "remaining", "threshold"}
