"""The ``Cookie`` header read without a request object (by ASGI middleware)."""

from __future__ import annotations


def parse_cookies(header: str) -> dict[str, str]:
    """``a=1; b="2"`` → its pairs (a malformed pair is skipped, never an error)."""
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            cookies.setdefault(name, value.strip().strip('"'))
    return cookies
