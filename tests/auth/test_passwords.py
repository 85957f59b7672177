"""An unknown account's login is checked against a dummy hash that costs what a real one
costs: the one written out in ``passwords.py`` has the hasher's parameters."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from rustok.auth.passwords import (
    DUMMY_HASH,
    HASHER,
    MEMORY_COST_KIB,
    PARALLELISM,
    TIME_COST,
    hash_password,
    verify_password,
)

pytestmark = pytest.mark.sql_free


def test_the_dummy_hash_has_the_hashers_parameters() -> None:
    found = extract_parameters(DUMMY_HASH)
    assert (found.type, found.time_cost, found.memory_cost, found.parallelism) == (
        Type.ID, TIME_COST, MEMORY_COST_KIB, PARALLELISM,
    )  # fmt: skip
    assert (found.salt_len, found.hash_len) == (16, 32)
    assert not HASHER.check_needs_rehash(DUMMY_HASH)
    assert HASHER.verify(DUMMY_HASH, "rustok-timing-equaliser") is True


async def test_an_unknown_account_is_refused_and_a_known_one_checked() -> None:
    stored = await hash_password("correct horse battery")
    assert await verify_password(stored, "correct horse battery") is True
    assert await verify_password(stored, "wrong horse battery") is False
    assert await verify_password(None, "rustok-timing-equaliser") is False
