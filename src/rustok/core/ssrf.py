"""Outbound URL guard (A-8, W-4): for any URL a tenant can configure (webhooks, imports).

Only ``http``/``https``; every address the host resolves to must be public — no loopback,
private, link-local (cloud metadata at 169.254.169.254), multicast, reserved, shared
(100.64/10) or unspecified targets, IPv4 or IPv6, including IPv4 addresses carried inside
IPv6 ones (``::ffff:127.0.0.1``, 6to4, NAT64, Teredo) — unless the deployment explicitly
allows private targets (development and tests only).

Two checks, at two moments:

- :func:`check_url_literal` when a URL is stored: scheme, host, port, and a host that *is*
  an address (also in the numeric forms ``2130706433``, ``0x7f.1``, ``127.1``) or
  ``localhost``. No DNS: names may resolve differently later anyway.
- :class:`~rustok.core.ssrf_transport.GuardedTransport` when a request is sent (a module
  of its own: what only stores URLs does not import httpx): its network backend resolves the
  name, refuses the connection unless every address is allowed, and connects to one of
  the addresses it checked — never resolving twice, so there is no DNS-rebinding window.
  TLS (SNI, certificate) and ``Host`` still use the name. Redirects are the caller's
  business: send with ``follow_redirects=False``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from rustok.core.errors import UnprocessableContent

ALLOWED_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Resolves (host, port) to addresses; swapped in tests (a name that resolves privately).
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Metadata services at addresses Python counts as global.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("168.63.129.16", "192.0.0.192", "100.100.100.200")
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class OutboundUrlRefused(UnprocessableContent):
    code = "URL_NOT_ALLOWED"
    title = "URL not allowed"


def _refuse(field: str, reason: str) -> OutboundUrlRefused:
    return OutboundUrlRefused(f"{field}: {reason}", errors={field: [reason]})


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """Whether a request may go to ``ip`` when private targets are not allowed."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None or ip.is_site_local:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
    if ip in METADATA_ADDRESSES:
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )  # fmt: skip


def parse_address(text: str) -> IPAddress | None:
    """``text`` as an address, also in the legacy IPv4 forms ``inet_aton`` reads
    (``2130706433``, ``0x7f.1``, ``127.1``); None for a name."""
    host = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_url_literal(
    url: str, *, allow_private: bool = False, https_only: bool = False, field: str = "url"
) -> str:
    """Return ``url`` if it may be stored, else raise :class:`OutboundUrlRefused`."""
    if any(c.isspace() or not c.isprintable() for c in url):
        raise _refuse(field, "the URL contains spaces or control characters")
    import httpx  # on the first URL stored, not at start-up

    try:
        parts = urlsplit(url)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise _refuse(field, "not a valid URL") from None
    schemes = ("https",) if https_only else ALLOWED_SCHEMES
    if parts.scheme not in schemes:
        raise _refuse(field, f"only {' and '.join(schemes)} URLs are allowed")
    host = parts.hostname
    if not host:
        raise _refuse(field, "the URL has no host")
    try:
        parts.port  # noqa: B018 - raises on an invalid port
    except ValueError:
        raise _refuse(field, "the URL has an invalid port") from None
    if allow_private:
        return url
    address = parse_address(host)
    if address is not None and not is_public_address(address):
        raise _refuse(field, f"{host} is a private, loopback, link-local or reserved address")
    if address is None and (host.rstrip(".") in _LOCAL_NAMES or host.endswith(".localhost")):
        raise _refuse(field, f"{host} names this machine")
    return url


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def resolve_checked(
    host: str, port: int, *, allow_private: bool, resolver: Resolver | None = None,
    field: str = "url",
) -> list[str]:  # fmt: skip
    """The addresses of ``host``, all of them allowed; else :class:`OutboundUrlRefused`."""
    try:
        addresses = await (resolver or system_resolver)(host, port)
    except OSError:
        raise _refuse(field, f"cannot resolve {host!r}") from None
    if not addresses:
        raise _refuse(field, f"cannot resolve {host!r}")
    if not allow_private:
        for text in addresses:
            address = parse_address(text)
            if address is None or not is_public_address(address):
                raise _refuse(
                    field, f"{host} resolves to {text}, a private, loopback or reserved address"
                )
    return addresses


async def check_outbound_url(url: str, *, allow_private: bool = False, field: str = "url") -> str:
    """Return ``url`` if it may be called now (literal rules + resolution), else raise."""
    url = check_url_literal(url.strip(), allow_private=allow_private, field=field)
    parts = urlsplit(url)
    assert parts.hostname is not None  # check_url_literal refused it otherwise
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await resolve_checked(parts.hostname, port, allow_private=allow_private, field=field)
    return url
