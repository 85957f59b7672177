"""What an endpoint may be configured with (W-1, W-4): its URL, event-type patterns and
extra headers. Each rule raises with the offending field named.

Patterns: an exact type (``order.placed``), a prefix (``order.*``: every type below
``order``) or ``*`` (everything deliverable). Internal types (``CATALOGUE.is_internal``)
are never delivered: naming one is refused, and wildcards skip them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rustok.core.errors import ValidationFailed, field_error
from rustok.core.events import CATALOGUE
from rustok.core.ssrf import check_url_literal

MAX_PATTERNS = 50
MAX_HEADERS = 10
MAX_HEADER_NAME = 64
MAX_HEADER_VALUE = 1024
MAX_HEADERS_TOTAL = 4096
PATTERN_RE = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")
HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
# Set by the sender, or meaningless to set: refused as extra headers.
RESERVED_HEADERS = frozenset(
    {
        "host", "content-length", "content-type", "content-encoding", "transfer-encoding",
        "connection", "keep-alive", "te", "trailer", "upgrade", "expect", "user-agent",
        "webhook-id", "webhook-timestamp", "webhook-signature",
    }
)  # fmt: skip
RESERVED_PREFIXES = ("proxy-", "webhook-")


def pattern_matches(pattern: str, event_type: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def matches_any(patterns: Iterable[str], event_type: str) -> bool:
    return any(pattern_matches(p, event_type) for p in patterns)


def deliverable_types() -> list[str]:
    """Every catalogued type a webhook may receive."""
    return [cls.event_type for cls in CATALOGUE.types() if not cls.internal]


def check_patterns(patterns: list[str]) -> list[str]:
    """The patterns without duplicates, each one matching some deliverable type."""
    field = "event_types"
    if not 1 <= len(patterns) <= MAX_PATTERNS:
        raise field_error(field, f"give 1 to {MAX_PATTERNS} event types")
    known = deliverable_types()
    for index, pattern in enumerate(patterns):
        where = f"{field}[{index}]"
        if not PATTERN_RE.match(pattern):
            raise ValidationFailed(
                f"{where}: {pattern!r} is not an event type, 'prefix.*' or '*'",
                errors={where: ["an event type, 'prefix.*' or '*'"]},
            )
        if pattern in CATALOGUE and CATALOGUE.is_internal(pattern):
            raise ValidationFailed(
                f"{where}: {pattern} is internal", errors={where: ["internal, never delivered"]}
            )
        if not any(pattern_matches(pattern, t) for t in known):
            raise ValidationFailed(
                f"{where}: no event type matches {pattern!r}",
                errors={where: ["matches no event type (see `rustok events list`)"]},
            )
    return list(dict.fromkeys(patterns))


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    if len(headers) > MAX_HEADERS:
        raise field_error("headers", f"at most {MAX_HEADERS} headers")
    total = 0
    seen: set[str] = set()
    for name, value in headers.items():
        where = f"headers.{name}"
        lower = name.lower()
        if not (0 < len(name) <= MAX_HEADER_NAME and HEADER_NAME_RE.match(name)):
            raise field_error(where, "not a valid header name")
        if lower in RESERVED_HEADERS or lower.startswith(RESERVED_PREFIXES):
            raise field_error(where, "set by the platform; not allowed")
        if lower in seen:
            raise field_error(where, "given twice")
        seen.add(lower)
        if len(value) > MAX_HEADER_VALUE or any(c in value for c in "\r\n\x00"):
            raise field_error(where, f"at most {MAX_HEADER_VALUE} characters, no line breaks")
        if not value.isprintable() or not value.isascii():
            raise field_error(where, "printable ASCII only")
        total += len(name) + len(value)
    if total > MAX_HEADERS_TOTAL:
        raise field_error("headers", f"at most {MAX_HEADERS_TOTAL} bytes in all")
    return dict(headers)


def check_url(url: str, *, allow_private: bool, production: bool) -> str:
    """Scheme (https in production), host, port, no credentials, no literal private address
    (resolved addresses are checked when sending)."""
    url = url.strip()
    check_url_literal(url, allow_private=allow_private, https_only=production)
    authority = url.split("://", 1)[-1].split("/", 1)[0]
    if "@" in authority:
        raise field_error("url", "no credentials in the URL; use headers")
    if "#" in url:
        raise field_error("url", "no fragment (#…)")
    return url
