"""Signing in to the admin UI as a browser does: the form, its CSRF token, the cookies."""

from __future__ import annotations

import re

import httpx

from tests.auth.helpers import PASSWORD

CSRF_RE = re.compile(r'name="_csrf" value="([0-9a-f]*)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match is not None, html[:500]
    return match.group(1)


async def admin_sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, tenant: str = ""
) -> httpx.Response:
    """Post the sign-in form; the client keeps the cookies (answer: 303 on success)."""
    form = await client.get("/admin/login")
    assert form.status_code == 200, form.text
    return await client.post(
        "/admin/login",
        data={"_csrf": csrf_of(form.text), "email": email, "password": password,
              "tenant": tenant, "next": "/admin"},
    )  # fmt: skip


async def admin_page(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return await client.get(path)
