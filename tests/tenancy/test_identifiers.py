"""Identifier validation (T-3), property-tested."""

from __future__ import annotations

import contextlib
import string
import uuid

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rustok.tenancy.identifiers import (
    RESERVED_SLUGS,
    SLUG_RE,
    InvalidTenantIdentifier,
    classify,
    validate_host,
    validate_slug,
    validate_uuid,
)

SLUG_ALPHABET = string.ascii_lowercase + string.digits + "-"
valid_slugs = st.from_regex(SLUG_RE, fullmatch=True).filter(lambda s: s not in RESERVED_SLUGS)

ATTACKS = [
    "'; DROP TABLE--",
    "1' OR '1'='1",
    "admin'--",
    "<script>alert(1)</script>",
    "<img src=x>",
    "javascript:alert(1)",
    "../../../etc/passwd",
    "..\\windows\\system32",
    "%2e%2e%2f",
    "acme\x00",
    "ac\x07me",
    "a" * 64,
    "x" * 10_000,
    "аcme",  # Cyrillic а
    "ａｃｍｅ",  # full-width
    "acme\u200b",  # zero-width space
]


@given(st.text())
def test_validator_only_raises_its_own_error(value: str) -> None:
    for validate in (validate_slug, validate_uuid, validate_host, classify):
        with contextlib.suppress(InvalidTenantIdentifier):
            validate(value)


@given(st.text(min_size=1).filter(lambda s: any(c not in SLUG_ALPHABET for c in s.strip().lower())))
def test_strings_outside_the_alphabet_are_rejected(value: str) -> None:
    with pytest.raises(InvalidTenantIdentifier):
        validate_slug(value)


@given(valid_slugs, st.sampled_from(["", " ", "\t", "  \n"]), st.booleans())
def test_valid_slugs_round_trip(slug: str, padding: str, upper: bool) -> None:
    raw = padding + (slug.upper() if upper else slug) + padding
    assert validate_slug(raw) == slug


@given(st.sampled_from(sorted(RESERVED_SLUGS)), st.data())
def test_reserved_names_rejected_in_any_case(name: str, data: st.DataObject) -> None:
    mixed = "".join(c.upper() if data.draw(st.booleans()) else c for c in name)
    with pytest.raises(InvalidTenantIdentifier, match="reserved"):
        validate_slug(mixed)


@given(st.uuids())
def test_only_canonical_uuids(value: uuid.UUID) -> None:
    assert validate_uuid(str(value)) == value
    for other in (str(value).upper(), "{" + str(value) + "}", value.hex, value.urn):
        assume(other != str(value))
        with pytest.raises(InvalidTenantIdentifier):
            validate_uuid(other)


@given(
    st.lists(
        st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
        min_size=1,
        max_size=5,
    )
)
def test_host_label_rules(labels: list[str]) -> None:
    host = ".".join(labels)
    assert validate_host(host.upper() + ":8080") == host
    for broken in ("-" + host, host + "-.x", host + "..x", "x." + "a" * 64):
        with pytest.raises(InvalidTenantIdentifier):
            validate_host(broken)


def test_host_length_limit() -> None:
    label = "a" * 63
    assert validate_host(".".join([label] * 3) + ".abc")  # 195 characters
    with pytest.raises(InvalidTenantIdentifier):
        validate_host(".".join([label] * 4) + ".ab")  # 258 characters


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_rejected(attack: str) -> None:
    for validate in (validate_slug, validate_host, classify):
        with pytest.raises(InvalidTenantIdentifier):
            validate(attack)


def test_reserved_list_is_exactly_the_specified_41() -> None:
    assert len(RESERVED_SLUGS) == 41
    assert {"api", "admin", "public", "private", "postgres", "signin"} <= RESERVED_SLUGS
