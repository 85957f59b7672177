"""A failed sign-in that named no tenant says so (header mode).

Without ``X-Tenant-ID`` a request goes to the default tenant, so the demo shop's
administrator signing in without it gets 401 ``INVALID_CREDENTIALS`` — which reads like a
wrong password. The answer stays the same 401 and code; its ``detail`` adds that no tenant
selector was sent. It is the same whether or not the address exists in any tenant.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from rustok.api.problems import problem_handler
from rustok.auth.errors import InvalidCredentials
from rustok.tenancy.resolver import TENANT_HEADER
from rustok.web.deps import platform_from_state

NO_SELECTOR_DETAIL = (
    "the email or password is wrong for the default tenant: the request sent no tenant "
    "selector (X-Tenant-ID), so it went to the default tenant; to sign in to another tenant "
    "send X-Tenant-ID: <its slug or id>"
)


def invalid_credentials_handler(
    request: Request[Any, Any, Any], exc: InvalidCredentials
) -> Response[bytes]:
    settings = platform_from_state(request.app.state).settings
    if (
        settings.tenant_resolution == "header"
        and not request.headers.get(TENANT_HEADER, "").strip()
    ):
        exc = InvalidCredentials(NO_SELECTOR_DETAIL, headers=exc.headers)
    return problem_handler(request, exc)
