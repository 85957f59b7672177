"""The key string: ``rk_live_`` + 40 random base62 characters + a 6-character CRC-32 of them.

The checksum lets a typo or a made-up key be refused from its shape alone, before any
lookup; a key with a valid shape is looked up by its SHA-256 (a unique index), the only form
the database keeps. The body carries about 238 bits of randomness.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib
from collections.abc import Mapping

PREFIX = "rk_live_"
BODY_LENGTH = 40
CHECKSUM_LENGTH = 6
KEY_LENGTH = len(PREFIX) + BODY_LENGTH + CHECKSUM_LENGTH
DISPLAY_LENGTH = len(PREFIX) + 4  # what lists show: rk_live_Ab3D…
API_KEY_HEADER = "x-api-key"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHARS = frozenset(_ALPHABET)


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(_ALPHABET[digit])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def mint_key() -> tuple[str, str]:
    """A new key and its hash; the key is shown once and never stored."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(BODY_LENGTH))
    key = PREFIX + body + _checksum(body)
    return key, hash_key(key)


def well_formed(key: str) -> bool:
    """Whether ``key`` could be one of ours: prefix, length, alphabet and checksum."""
    if len(key) != KEY_LENGTH or not key.startswith(PREFIX):
        return False
    body, checksum = key[len(PREFIX) : -CHECKSUM_LENGTH], key[-CHECKSUM_LENGTH:]
    return _CHARS.issuperset(key[len(PREFIX) :]) and secrets.compare_digest(
        _checksum(body), checksum
    )


def looks_like_key(token: str) -> bool:
    """A bearer token meant as an API key (the ``rk_`` prefix), well-formed or not."""
    return token.startswith("rk_")


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The API key a request carries, or None; the cheap test every request pays.

    ``X-Api-Key: rk_…`` or ``Authorization: Bearer rk_…``. Both at once, differing, is
    returned as an empty string: ambiguous, refused like a malformed key.
    """
    header = headers.get(API_KEY_HEADER)
    authorization = headers.get("authorization")
    bearer = None
    if authorization is not None and authorization[:7].lower() == "bearer ":
        token = authorization[7:].strip()
        bearer = token if looks_like_key(token) else None
    if header is None:
        return bearer
    header = header.strip()
    if authorization is not None and bearer != header:
        return ""
    return header
