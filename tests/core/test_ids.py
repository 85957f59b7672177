"""Ids: time-ordered, ULID or UUID text accepted (ID-1)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rustok.core.ids import id_to_ulid, new_id, parse_id


def test_ids_strictly_increase() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


@given(st.uuids())
def test_ulid_and_uuid_text_round_trip(value: uuid.UUID) -> None:
    assert parse_id(str(value)) == value
    assert parse_id(id_to_ulid(value)) == value


@pytest.mark.parametrize("text", ["", "nope", "01ARZ3NDEKTSV4RRFFQ69G5FA!", "123"])
def test_garbage_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - uuid raises a bare ValueError
        parse_id(text)
