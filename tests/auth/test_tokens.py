"""Access token verification: every tampering is refused (A-3)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest

from rustok.auth.tokens import AccessTokens, ExpiredToken, InvalidToken, KeyRing
from rustok.core.settings import load_settings

SECRET = "a" * 40
OTHER = "b" * 40


def tokens(
    tmp_path: Path, secret: str = SECRET, previous: tuple[str, ...] = (), **extra: Any
) -> AccessTokens:
    return AccessTokens(load_settings({}, warn=False, secret_key=secret, previous_secret_keys=previous,
                                      data_dir=str(tmp_path), **extra))  # fmt: skip


def issue(t: AccessTokens) -> str:
    return t.issue(
        user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), role="admin", session_id=uuid.uuid4()
    )


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_round_trip(tmp_path: Path) -> None:
    t = tokens(tmp_path)
    user, tenant, session = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    claims = t.verify(t.issue(user_id=user, tenant_id=tenant, role="manager", session_id=session))
    assert (claims.user_id, claims.tenant_id, claims.role, claims.session_id) == (
        user,
        tenant,
        "manager",
        session,
    )
    remaining = claims.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=890) < remaining <= dt.timedelta(seconds=900)


def test_bad_signature(tmp_path: Path) -> None:
    token = issue(tokens(tmp_path))
    header, payload, signature = token.split(".")
    forged = (
        f"{header}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    )
    with pytest.raises(InvalidToken):
        tokens(tmp_path).verify(forged)
    # Same kid, other key: signature fails.
    with pytest.raises(InvalidToken):
        tokens(tmp_path).verify(jwt.encode(jwt.decode(token, options={"verify_signature": False}),
                                           "x" * 32, algorithm="HS256",
                                           headers={"kid": jwt.get_unverified_header(token)["kid"]}))  # fmt: skip


def test_alg_none(tmp_path: Path) -> None:
    t = tokens(tmp_path)
    claims = jwt.decode(issue(t), options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'kid': t.ring.current_kid, 'typ': 'JWT'})}.{_b64(claims)}."
    with pytest.raises(InvalidToken, match="algorithm"):
        t.verify(unsigned)


@pytest.mark.parametrize(("field", "value"), [("aud", "someone-else"), ("iss", "evil")])
def test_wrong_audience_or_issuer(tmp_path: Path, field: str, value: str) -> None:
    t = tokens(tmp_path)
    claims = jwt.decode(issue(t), options={"verify_signature": False})
    claims[field] = value
    kid, key = t.ring.signing_key()
    with pytest.raises(InvalidToken):
        t.verify(jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid}))


def test_expired(tmp_path: Path) -> None:
    t = tokens(tmp_path)
    claims = jwt.decode(issue(t), options={"verify_signature": False})
    claims["exp"] = int(dt.datetime.now(dt.UTC).timestamp()) - 5
    kid, key = t.ring.signing_key()
    with pytest.raises(ExpiredToken):
        t.verify(jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid}))


def test_unknown_kid_and_missing_claims(tmp_path: Path) -> None:
    t = tokens(tmp_path)
    claims = jwt.decode(issue(t), options={"verify_signature": False})
    _, key = t.ring.signing_key()
    with pytest.raises(InvalidToken, match="unknown signing key"):
        t.verify(jwt.encode(claims, key, algorithm="HS256", headers={"kid": "nope"}))
    del claims["session_id"]
    kid, key = t.ring.signing_key()
    with pytest.raises(InvalidToken):
        t.verify(jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid}))
    with pytest.raises(InvalidToken, match="malformed"):
        t.verify("not.a.jwt")


def test_key_rotation_keeps_old_tokens_valid(tmp_path: Path) -> None:
    old_token = issue(tokens(tmp_path, secret=SECRET))
    rotated = tokens(tmp_path, secret=OTHER, previous=(SECRET,))
    assert rotated.verify(old_token).role == "admin"
    assert rotated.verify(issue(rotated)).role == "admin"
    assert (
        jwt.get_unverified_header(issue(rotated))["kid"]
        != jwt.get_unverified_header(old_token)["kid"]
    )
    with pytest.raises(InvalidToken):
        tokens(tmp_path, secret=OTHER).verify(old_token)  # the old secret retired


def test_kids_differ_per_secret() -> None:
    assert KeyRing(SECRET).current_kid != KeyRing(OTHER).current_kid
