"""Outbound URL guard (A-8): for any URL a tenant can configure (webhooks, imports).

Only ``http``/``https``; every address the host resolves to must be public — no loopback,
private, link-local (cloud metadata at 169.254.169.254), multicast, reserved or unspecified
targets — unless the deployment explicitly allows private targets. Numeric tricks
(``http://2130706433``, ``http://0x7f.1``) are caught because the resolved addresses are
checked, not the text. Check again right before connecting: DNS answers change.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from rustok.core.errors import ValidationFailed

ALLOWED_SCHEMES = ("http", "https")


class OutboundUrlRefused(ValidationFailed):
    code = "OUTBOUND_URL_REFUSED"
    title = "Outbound URL refused"


def _refuse(field: str, reason: str) -> OutboundUrlRefused:
    return OutboundUrlRefused(reason, errors={field: [reason]})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_outbound_url(url: str, *, allow_private: bool = False, field: str = "url") -> str:
    """Return ``url`` if it may be called, else raise :class:`OutboundUrlRefused`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ALLOWED_SCHEMES:
        raise _refuse(field, "only http and https URLs are allowed")
    host = parts.hostname
    if not host:
        raise _refuse(field, "the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refuse(field, "the URL has an invalid port") from None
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise _refuse(field, f"cannot resolve {host!r}") from None
    addresses = {str(info[4][0]) for info in infos}
    if not allow_private and not all(_public(a) for a in addresses):
        raise _refuse(field, f"{host!r} points to a private, loopback or link-local address")
    return url.strip()
