"""Sealing the secrets a queued mail carries (one-time tokens) on its row.

AES-256-GCM with a key derived from ``RUSTOK_SECRET_KEY`` (retired keys from
``RUSTOK_PREVIOUS_SECRET_KEYS`` still open older rows), a random nonce per secret, and the
mail's id as associated data, so a sealed value copied onto another row does not open.
Format: ``<key id>.<base64url(nonce + ciphertext)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid

# cryptography is imported by the first mail sealed or opened: a worker that sends none
# (the storefront's) does without it.
NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that does not open (unknown key, tampered, other row)."""


def _derive(secret: str) -> tuple[str, bytes]:
    key = hmac.new(secret.encode(), b"rustok:mail-secret:v1", hashlib.sha256).digest()
    return hashlib.sha256(key).hexdigest()[:8], key


class SecretSealer:
    def __init__(self, current: str, previous: tuple[str, ...] = ()) -> None:
        self._kid, self._key = _derive(current)
        self._keys = dict(_derive(secret) for secret in (current, *previous))

    def seal(self, secret: str, mail_id: uuid.UUID) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._key).encrypt(nonce, secret.encode(), mail_id.bytes)
        return f"{self._kid}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, mail_id: uuid.UUID) -> str:
        kid, _, body = sealed.partition(".")
        key = self._keys.get(kid)
        if key is None:
            raise SealError("sealed with a key this server does not know")
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            raw = base64.urlsafe_b64decode(body.encode())
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], mail_id.bytes)
        except (ValueError, InvalidTag):
            raise SealError("the sealed secret does not open") from None
        return plain.decode()
