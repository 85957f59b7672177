"""The admin UI's cookies: HttpOnly, SameSite=Lax, path ``/admin``; Secure over HTTPS
(as the browser sees it: directly or through a trusted proxy) and always in production."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Cookie

from rustok.core.net import TrustedProxies
from rustok.web.admin.render import ADMIN_PATH
from rustok.web.deps import platform_from_state


def is_secure(request: Request[Any, Any, Any]) -> bool:
    settings = platform_from_state(request.app.state).settings
    if settings.is_production or request.url.scheme == "https":
        return True
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    client = request.client.host if request.client else None
    return proto == "https" and TrustedProxies(settings.trusted_proxies).trusts(client)


def admin_cookie(
    request: Request[Any, Any, Any], key: str, value: str, max_age: int | None = None
) -> Cookie:
    return Cookie(
        key=key, value=value, path=ADMIN_PATH, httponly=True, samesite="lax",
        secure=is_secure(request), max_age=max_age,
    )  # fmt: skip
