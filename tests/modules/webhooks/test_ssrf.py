"""W-4, A-8: URLs the platform may not call are refused on create (422 ``URL_NOT_ALLOWED``
naming ``url``) when they are addresses, and in the attempt record when a name resolves to
one; the sender connects to the address it checked and never follows a redirect."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.errors import ValidationFailed
from rustok.core.settings import Settings
from rustok.core.ssrf import OutboundUrlRefused, is_public_address
from rustok.modules.webhooks.models import WebhookAttempt
from rustok.modules.webhooks.rules import check_url
from rustok.modules.webhooks.sender import WebhookSender
from tests.conftest import make_settings
from tests.modules.commerce.helpers import signed_in
from tests.modules.webhooks.helpers import create_webhook, deliveries, only_attempt
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import count

REFUSED = [
    "http://127.0.0.1/hook", "http://127.9.9.9:8080/", "http://[::1]/", "http://10.1.2.3/",
    "http://172.16.0.1/", "http://172.31.255.254/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "http://[::]/", "http://2130706433/",
    "http://0x7f.1/", "http://127.1/", "http://localhost:8000/", "http://api.localhost/",
    "http://100.64.0.1/", "http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://224.0.0.1/",
    "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/", "http://168.63.129.16/",
    "ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "http:///nohost",
]  # fmt: skip


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def test_private_addresses_are_refused_on_create(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    for url in REFUSED:
        response = await client.post(
            "/api/admin/webhooks", json={"url": url, "event_types": ["*"]}, headers=admin
        )
        assert response.status_code == 422, (url, response.text)
        problem = response.json()
        assert problem["code"] == "URL_NOT_ALLOWED" and list(problem["errors"]) == ["url"], url
        hook = await create_webhook(client, admin, "https://hooks.example.com/in")
        patched = await client.patch(
            f"/api/admin/webhooks/{hook['id']}", json={"url": url}, headers=admin
        )
        assert patched.status_code == 422, (url, patched.text)
    # Names are not resolved when stored; public addresses are fine.
    for url in ("https://hooks.example.com/x", "https://93.184.216.34/x", "http://[2606:4700::1]/"):
        await create_webhook(client, admin, url)


def test_https_only_in_production() -> None:
    with pytest.raises(OutboundUrlRefused, match="only https"):
        check_url("http://hooks.example.com/", allow_private=False, production=True)
    assert check_url(" https://hooks.example.com/ ", allow_private=False, production=True) == (
        "https://hooks.example.com/"
    )
    with pytest.raises(ValidationFailed, match="credentials"):
        check_url("https://user:pw@hooks.example.com/", allow_private=False, production=True)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True), ("2606:4700::1111", True), ("10.0.0.1", False),
        ("::7f00:1", False), ("2002:7f00:1::", False), ("2002:5db8:d822::", True),
        ("64:ff9b::a00:1", False), ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
        ("fec0::1", False), ("100.100.100.200", False), ("192.0.0.192", False),
        ("255.255.255.255", False), ("198.18.0.1", False), ("240.0.0.1", False),
    ],
)  # fmt: skip
def test_public_address_rules(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


async def test_a_name_resolving_privately_is_refused_when_sending(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34", "10.0.0.5"] if host == "mixed.example.com" else ["10.0.0.5"]

    admin = await signed_in(client, app, "admin")
    sender = WebhookSender(app.platform, resolver=resolver)
    try:
        for host in ("hooks.example.com", "mixed.example.com"):
            hook = await create_webhook(client, admin, f"https://{host}/in")
            ping = await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
            assert ping.status_code == 202
            assert await sender.run_once() == 1
            delivery = (await client.get(
                f"/api/admin/webhooks/deliveries/{ping.json()['id']}", headers=admin)).json()  # fmt: skip
            [attempt] = delivery["attempts"]
            assert attempt["status_code"] is None
            assert "resolves to 10.0.0.5" in attempt["error"], attempt
            assert attempt["error"].startswith("refused:")
            assert delivery["status"] == "pending"  # retried later: DNS answers change
    finally:
        await sender.stop()
    assert asked == ["hooks.example.com", "mixed.example.com"]


async def test_the_checked_address_is_the_one_connected_to(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """The name is resolved once, to the loopback receiver; TLS-free here, but ``Host``
    still names the host of the URL."""
    resolutions = 0

    async def resolver(host: str, port: int) -> list[str]:
        nonlocal resolutions
        resolutions += 1
        return ["127.0.0.1"]

    admin = await signed_in(client, app, "admin")
    sender = WebhookSender(app.platform, resolver=resolver)
    sender.allow_private = True  # the receiver is on loopback
    try:
        async with receiving() as receiver:
            hook = await create_webhook(
                client, admin, f"http://hooks.example.com:{receiver.port}/in"
            )
            await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
            assert await sender.run_once() == 1
    finally:
        await sender.stop()
    [got] = receiver.received
    assert got.headers["host"] == f"hooks.example.com:{receiver.port}"
    assert json.loads(got.body)["event_type"] == "webhook.ping"
    assert resolutions == 1


async def test_redirects_are_not_followed(client: httpx.AsyncClient, app: RustokApp) -> None:
    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    admin = await signed_in(client, app, "admin")
    sender = WebhookSender(app.platform, resolver=loopback)
    sender.allow_private = True
    try:
        async with receiving(
            status=302, extra_headers={"location": "http://10.0.0.1/internal"}
        ) as receiver:
            hook = await create_webhook(client, admin, f"http://hooks.test:{receiver.port}/")
            await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
            assert await sender.run_once() == 1
    finally:
        await sender.stop()
    assert len(receiver.received) == 1
    attempt = await only_attempt(app.platform)
    assert attempt.status_code == 302
    assert attempt.error == "redirect to 'http://10.0.0.1/internal' not followed"
    assert await count(app.platform, WebhookAttempt) == 1
    [delivery] = await deliveries(app.platform)
    assert delivery.status == "pending" and delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > dt.datetime.now(dt.UTC)
