"""Tenant identifier validation (T-3): slugs, canonical UUIDs and host names.

Rules are allow-lists, so SQL, script and path-traversal strings fail on their characters
and never reach the database. Values are trimmed and lower-cased before the slug and host
rules apply; a UUID must already be in canonical lower-case hyphenated form after trimming.
"""

from __future__ import annotations

import re
import uuid
from typing import Literal

from rustok.core.errors import BadRequest

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HOST_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MAX_HOST_LENGTH = 253
MAX_INPUT_LENGTH = 512  # anything longer is rejected before any pattern runs

RESERVED_SLUGS = frozenset((
    "api", "admin", "www", "app", "cdn", "assets", "static", "health", "metrics", "docs",
    "swagger", "mail", "smtp", "pop", "imap", "ftp", "sftp", "ssh", "vpn", "auth", "login",
    "logout", "register", "signup", "signin", "dev", "test", "staging", "prod", "production",
    "localhost", "db", "database", "cache", "redis", "postgres", "root", "system", "internal",
    "private", "public",
))  # fmt: skip
assert len(RESERVED_SLUGS) == 41

IdentifierKind = Literal["uuid", "slug", "host"]


class InvalidTenantIdentifier(BadRequest):
    code = "INVALID_TENANT_IDENTIFIER"
    title = "Invalid tenant identifier"


def _prepare(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidTenantIdentifier(f"{what} must be a string")
    if len(value) > MAX_INPUT_LENGTH:
        raise InvalidTenantIdentifier(f"{what} is too long")
    cleaned = value.strip()
    if not cleaned:
        raise InvalidTenantIdentifier(f"{what} is empty")
    return cleaned


def validate_slug(value: str) -> str:
    """Return the normalised slug or raise :class:`InvalidTenantIdentifier`."""
    slug = _prepare(value, "tenant slug").lower()
    if not slug.isascii() or not SLUG_RE.match(slug):
        raise InvalidTenantIdentifier(
            "tenant slug must be 1-63 characters of a-z, 0-9 and '-', "
            "not starting or ending with '-'"
        )
    if slug in RESERVED_SLUGS:
        raise InvalidTenantIdentifier(f"tenant slug {slug!r} is reserved")
    return slug


def validate_uuid(value: str) -> uuid.UUID:
    text = _prepare(value, "tenant id")
    if not UUID_RE.match(text):
        raise InvalidTenantIdentifier("tenant id must be a canonical lower-case UUID")
    return uuid.UUID(text)


def validate_host(value: str) -> str:
    """Return the normalised host name (port stripped) or raise."""
    host = _prepare(value, "host").lower()
    if host.count(":") == 1:  # host:port (IPv6 literals are not tenant hosts)
        host, _, port = host.partition(":")
        if not port.isdigit():
            raise InvalidTenantIdentifier("host port must be numeric")
    host = host.removesuffix(".")
    if not host.isascii() or not host or len(host) > MAX_HOST_LENGTH:
        raise InvalidTenantIdentifier("host must be an ASCII name of at most 253 characters")
    if not all(HOST_LABEL_RE.match(label) for label in host.split(".")):
        raise InvalidTenantIdentifier(
            "host labels must be 1-63 characters of a-z, 0-9 and '-', "
            "not starting or ending with '-'"
        )
    return host


def classify(value: str) -> tuple[IdentifierKind, str | uuid.UUID]:
    """Validate a header identifier: a canonical UUID, else a host (has a dot), else a slug."""
    text = _prepare(value, "tenant identifier")
    if UUID_RE.match(text):
        return "uuid", uuid.UUID(text)
    if "." in text:
        return "host", validate_host(text)
    return "slug", validate_slug(text)
