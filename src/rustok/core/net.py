"""Client address and forwarded host, believed only from trusted proxies (T-2, A-7)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    def __init__(self, networks: Iterable[str]) -> None:
        self._networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in networks
        )

    def __bool__(self) -> bool:
        return bool(self._networks)

    def trusts(self, address: str | None) -> bool:
        if not self._networks or not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def client_ip(self, peer: str | None, headers: Mapping[str, str]) -> str | None:
        """The client's address: the peer, or behind trusted proxies the nearest untrusted
        address of ``X-Forwarded-For`` (read from the right, so a client cannot forge it)."""
        if not self.trusts(peer):
            return peer
        forwarded = headers.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return hop
        return hops[0] if hops else peer

    def host(self, peer: str | None, headers: Mapping[str, str]) -> str | None:
        """The requested host: ``X-Forwarded-Host`` or ``Forwarded: host=`` from a trusted
        proxy, else the ``Host`` header."""
        if self.trusts(peer):
            if value := headers.get("x-forwarded-host"):
                return value.split(",")[0].strip()
            if value := headers.get("forwarded"):
                for part in value.split(",")[0].split(";"):
                    name, _, raw = part.strip().partition("=")
                    if name.lower() == "host" and raw:
                        return raw.strip('"')
        return headers.get("host")
