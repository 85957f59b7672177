"""Password hashing: argon2id with explicit parameters, always off the event loop (A-1).

Parameters: OWASP's argon2id minimum — 19 MiB memory, 2 iterations, 1 lane — which costs
about 20 ms per hash on the 2-core reference machine (the library default, 64 MiB × 3 × 4,
costs about 120 ms and would cap logins at a few per second per core).
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from rustok.core.errors import ValidationFailed

MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256

HASHER = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_COST_KIB,
    parallelism=PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)
# Verified against when the account does not exist, so both paths cost the same. Written
# out rather than hashed at import (25 ms of every process's start); made with HASHER's
# parameters, which tests/auth/test_passwords.py checks it still has.
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$6Y5rG5LqlQ7qUDMPUVkK9w"
    "$dgYIHIQRxMF+A9jw8HlT0DEImFhOV964sLAK1Z1lxqQ"
)


def check_password_policy(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            errors={field: [f"must be at least {MIN_PASSWORD_LENGTH} characters"]}
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            errors={field: [f"must be at most {MAX_PASSWORD_LENGTH} characters"]}
        )


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(HASHER.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown user) spend the same time and say no."""
    if password_hash is None:
        await asyncio.to_thread(_verify, DUMMY_HASH, password)
        return False
    return await asyncio.to_thread(_verify, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
