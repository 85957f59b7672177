"""Sealed one-time tokens on mail rows: only this server, only this row, any kept key."""

from __future__ import annotations

import uuid

import pytest

from rustok.mail.sealing import SealError, SecretSealer

CURRENT = "current-secret-key-0123456789-abcdefghij"
RETIRED = "retired-secret-key-0123456789-abcdefghij"


def test_round_trip_hides_the_secret() -> None:
    sealer = SecretSealer(CURRENT)
    mail_id = uuid.uuid4()
    sealed = sealer.seal("the-token-value", mail_id)
    assert "the-token-value" not in sealed
    assert sealer.seal("the-token-value", mail_id) != sealed  # a fresh nonce each time
    assert sealer.open(sealed, mail_id) == "the-token-value"


def test_another_row_or_a_tampered_value_does_not_open() -> None:
    sealer = SecretSealer(CURRENT)
    mail_id = uuid.uuid4()
    sealed = sealer.seal("the-token-value", mail_id)
    with pytest.raises(SealError, match="does not open"):
        sealer.open(sealed, uuid.uuid4())
    kid, _, body = sealed.partition(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(SealError, match="does not open"):
        sealer.open(f"{kid}.{flipped}", mail_id)
    with pytest.raises(SealError, match="does not open"):
        sealer.open(f"{kid}.!!!", mail_id)


def test_retired_keys_open_old_rows_and_unknown_keys_are_refused() -> None:
    mail_id = uuid.uuid4()
    old = SecretSealer(RETIRED).seal("old-token", mail_id)
    assert SecretSealer(CURRENT, (RETIRED,)).open(old, mail_id) == "old-token"
    with pytest.raises(SealError, match="does not know"):
        SecretSealer(CURRENT).open(old, mail_id)
