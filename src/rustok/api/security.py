"""Security headers on every response, and CORS (A-6).

Strict by default: the API serves JSON, so its CSP forbids everything; the Swagger UI page
and GraphiQL get the little they need. HSTS (1 year) only over HTTPS — directly, or as told
by ``X-Forwarded-Proto`` from a trusted proxy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustok.core.net import TrustedProxies
from rustok.core.settings import Settings

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    b"default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
LANDING_CSP = (
    b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    b"form-action 'none'"
)
GRAPHIQL_CSP = (  # its assets are ours (api/static/graphiql), no CDN
    b"default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
ADMIN_CSP = (  # the admin UI: its own script (htmx) and stylesheet only, no inline code
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
COMMON_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"geolocation=(), microphone=(), camera=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
CORS_ALLOW_HEADERS = (
    b"authorization, content-type, x-tenant-id, x-request-id, x-cart-token, idempotency-key, "
    b"accept-language, traceparent"
)
CORS_EXPOSE_HEADERS = (
    b"x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset"
)
CORS_METHODS = b"GET, POST, PUT, PATCH, DELETE, OPTIONS"


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self._origins = frozenset(o.rstrip("/") for o in settings.cors_origins)
        self._any_origin = "*" in self._origins
        self._proxies = TrustedProxies(settings.trusted_proxies)

    def _allowed_origin(self, origin: bytes | None) -> bytes | None:
        if origin is None or not self._origins:
            return None
        if self._any_origin or origin.decode("latin-1") in self._origins:
            return origin
        return None

    def _https(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        if scope.get("scheme") == "https":
            return True
        client = scope.get("client")
        proto = headers.get(b"x-forwarded-proto", b"").split(b",")[0].strip()
        return proto == b"https" and self._proxies.trusts(client[0] if client else None)

    def _headers(self, scope: Scope, headers: dict[bytes, bytes]) -> list[tuple[bytes, bytes]]:
        path: str = scope["path"]
        if path == "/docs" or path.startswith("/docs/"):
            csp = DOCS_CSP
        elif path == "/":
            csp = LANDING_CSP
        elif path == "/admin" or path.startswith("/admin/"):
            csp = ADMIN_CSP
        elif path.endswith("/graphql") and scope["method"] == "GET":
            csp = GRAPHIQL_CSP
        else:
            csp = API_CSP
        extra = [(b"content-security-policy", csp), *COMMON_HEADERS]
        if self._https(scope, headers):
            extra.append(HSTS)
        origin = self._allowed_origin(headers.get(b"origin"))
        if origin is not None:
            extra += [
                (b"access-control-allow-origin", b"*" if self._any_origin else origin),
                (b"access-control-expose-headers", CORS_EXPOSE_HEADERS),
                (b"vary", b"Origin"),
            ]
        return extra

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        extra = self._headers(scope, headers)
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await self._preflight(send, headers, extra)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(
        self, send: Send, headers: dict[bytes, bytes], extra: list[tuple[bytes, bytes]]
    ) -> None:
        allowed = self._allowed_origin(headers.get(b"origin")) is not None
        response = list(extra)
        if allowed:
            response += [
                (b"access-control-allow-methods", CORS_METHODS),
                (b"access-control-allow-headers", CORS_ALLOW_HEADERS),
                (b"access-control-max-age", b"600"),
            ]
        await send({"type": "http.response.start", "status": 204 if allowed else 403,
                    "headers": [*response, (b"content-length", b"0")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})
