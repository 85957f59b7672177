"""``/admin/webhooks``: endpoints (create with the secret shown once, edit with a stale-form
check, rotate, ping, delete) and each endpoint's delivery log (filters, one delivery,
redeliver), through ``WebhookService``/``DeliveryLog`` with the REST routes' ``webhooks:*``
permissions; bad input is said under its field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core import ssrf
from rustok.core.context import use_context
from rustok.core.settings import Settings
from rustok.modules.webhooks.schemas import DeliveryFilter, WebhookCreate
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import signed_in, tenant_context
from tests.modules.webhooks.helpers import create_webhook
from tests.security.test_route_permissions import http_routes

LIST = "/admin/webhooks"
SECRET_RE = re.compile(r'id="new-secret" readonly size="60" value="([^"]+)"')
HOOK_RE = re.compile(r'href="/admin/webhooks/([0-9a-f-]{36})"')
DELIVERY_RE = re.compile(r'href="/admin/webhooks/deliveries/([0-9a-f-]{36})"')
# The session check, the count and the page: measured 3 on SQLite and PostgreSQL.
LIST_BUDGET = 3
# The session check, the endpoint (twice: the page's title and the log's check), the
# count, the page and the attempts in one batch: measured 6 on both databases.
DELIVERY_BUDGET = 6


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _no_dns(host: str, port: int) -> list[str]:
    raise OSError(f"{host}: name resolution is off in the admin webhook tests")


@pytest.fixture(autouse=True)
def no_dns() -> Iterator[None]:
    # A ping is sent by the background sender: it must not reach the network.
    patch = pytest.MonkeyPatch()
    patch.setattr(ssrf, "system_resolver", _no_dns)
    yield
    patch.undo()


def _form(**fields: str) -> dict[str, str]:
    return {"url": "https://hooks.example.com/in", "description": "", "event_types": "order.*",
            "headers": "", "active": "true", **fields}  # fmt: skip


async def _create(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    listed = await client.get(LIST)
    return await client.post(LIST, data={"_csrf": csrf_of(listed.text), **_form(**fields)})


async def _created_id(client: httpx.AsyncClient, **fields: str) -> str:
    created = await _create(client, **fields)
    assert created.status_code == 200, created.text
    [hook_id] = set(HOOK_RE.findall(created.text))
    return str(hook_id)


async def test_create_shows_the_secret_once_and_lists_the_endpoint(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    empty = await client.get(LIST)
    assert empty.status_code == 200 and "No webhooks yet." in empty.text
    created = await _create(
        client, description="ERP", event_types="order.*\nproduct.created",
        headers="X-Shop: s1", active="false",
    )  # fmt: skip
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    match = SECRET_RE.search(created.text)
    assert match is not None and match.group(1).startswith("whsec_")
    [hook_id] = set(HOOK_RE.findall(created.text))
    api = await signed_in(client, app, "admin")
    read = (await client.get(f"/api/admin/webhooks/{hook_id}", headers=api)).json()
    assert read["event_types"] == ["order.*", "product.created"]
    assert read["headers"] == {"X-Shop": "s1"} and read["active"] is False
    assert read["description"] == "ERP"
    listed = await client.get(LIST)
    assert (
        "https://hooks.example.com/in" in listed.text and "order.*, product.created" in listed.text
    )
    assert match.group(1) not in listed.text  # shown once only
    async with app.platform.db.read_session(all_tenants=True) as session:
        types = set(await session.scalars(select(OutboxEvent.event_type)))
    assert "webhook.created" in types


async def test_the_edit_form_saves_through_the_service_and_refuses_a_stale_form(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    hook_id = await _created_id(client, headers="X-Shop: s1")
    form = await client.get(f"{LIST}/{hook_id}")
    assert form.status_code == 200 and "X-Shop: s1" in form.text
    version = re.search(r'name="version" value="([^"]+)"', form.text)
    assert version is not None
    token = csrf_of(form.text)
    edit = {"_csrf": token, "version": version.group(1),
            **_form(description="Warehouse", event_types="*", headers="")}  # fmt: skip
    saved = await client.post(f"{LIST}/{hook_id}", data=edit)
    assert saved.status_code == 303 and saved.headers["location"] == f"{LIST}/{hook_id}"
    api = await signed_in(client, app, "admin")
    read = (await client.get(f"/api/admin/webhooks/{hook_id}", headers=api)).json()
    assert read["description"] == "Warehouse" and read["event_types"] == ["*"]
    assert read["headers"] == {}
    again = await client.post(f"{LIST}/{hook_id}", data={**edit, "description": "Stale"})
    assert again.status_code == 409 and "someone changed this record" in again.text
    unchanged = (await client.get(f"/api/admin/webhooks/{hook_id}", headers=api)).json()
    assert unchanged["description"] == "Warehouse"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "https://u:p@hooks.example.com/"}, "url"),
        ({"url": ""}, "url"),
        ({"url": "http://127.0.0.1/in"}, "url"),
        ({"event_types": ""}, "event_types"),
        ({"event_types": "order.*\nOrder.*"}, "event_types"),
        ({"headers": "Host: a"}, "headers"),
        ({"headers": "no colon here"}, "headers"),
        ({"headers": "X-A: 1\nX-A: 2"}, "headers"),
        ({"active": "maybe"}, "active"),
    ],
)
async def test_bad_input_is_said_under_its_field(
    client: httpx.AsyncClient, app: RustokApp, fields: dict[str, str], field: str
) -> None:
    await staff(client, app, "admin")
    refused = await _create(client, **fields)
    assert refused.status_code in (400, 422), refused.text
    assert f'id="{field}-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "No webhooks yet." in refused.text  # nothing was written
    hook_id = await _created_id(client)
    form = await client.get(f"{LIST}/{hook_id}")
    version = re.search(r'name="version" value="([^"]+)"', form.text)
    assert version is not None
    edit = {"_csrf": csrf_of(form.text), "version": version.group(1), **_form(**fields)}
    bad_edit = await client.post(f"{LIST}/{hook_id}", data=edit)
    assert bad_edit.status_code in (400, 422) and f'id="{field}-error"' in bad_edit.text


async def test_rotate_ping_the_delivery_log_redeliver_and_delete(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    created = await _create(client)
    first = SECRET_RE.search(created.text)
    [hook_id] = set(HOOK_RE.findall(created.text))
    token = csrf_of(created.text)
    rotated = await client.post(f"{LIST}/{hook_id}/rotate-secret", data={"_csrf": token})
    second = SECRET_RE.search(rotated.text)
    assert rotated.status_code == 200 and first is not None and second is not None
    assert second.group(1) != first.group(1) and "The previous secret keeps signing" in rotated.text
    log = f"{LIST}/{hook_id}/deliveries"
    assert "No deliveries yet." in (await client.get(log)).text
    pinged = await client.post(f"{LIST}/{hook_id}/ping", data={"_csrf": token})
    assert pinged.status_code == 303 and pinged.headers["location"] == log
    listed = await client.get(log)
    assert "A ping is on its way." in listed.text and "webhook.ping" in listed.text
    [delivery_id] = DELIVERY_RE.findall(listed.text)
    assert "Nothing matches" in (await client.get(log, params={"status": "succeeded"})).text
    assert "Nothing matches" in (await client.get(log, params={"q": "order.placed"})).text
    found = await client.get(log, params={"q": "webhook.ping"})
    assert DELIVERY_RE.findall(found.text) == [delivery_id]
    detail = await client.get(f"{LIST}/deliveries/{delivery_id}")
    assert detail.status_code == 200 and '"event_type":"webhook.ping"' in detail.text.replace(
        "&#34;", '"'
    )
    again = await client.post(f"{LIST}/deliveries/{delivery_id}/redeliver", data={"_csrf": token})
    assert again.status_code == 303
    assert "The delivery is queued again." in (await client.get(again.headers["location"])).text
    deleted = await client.post(f"{LIST}/{hook_id}/delete", data={"_csrf": token})
    assert deleted.status_code == 303 and deleted.headers["location"] == LIST
    after = await client.get(LIST)
    assert "The webhook is deleted." in after.text and "No webhooks yet." in after.text
    assert (await client.get(f"{LIST}/{hook_id}")).status_code == 404
    assert (await client.get(f"{LIST}/deliveries/{delivery_id}")).status_code == 404


async def test_bad_list_parameters_are_a_400(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "admin")
    hook_id = await _created_id(client)
    assert (await client.get(LIST, params={"sort": "-created"})).status_code == 400
    assert (await client.get(LIST, params={"page": "0"})).status_code == 400
    log = f"{LIST}/{hook_id}/deliveries"
    assert (await client.get(log, params={"status": "lost"})).status_code == 400
    assert (await client.get(log, params={"sort": "created"})).status_code == 400


async def test_a_manager_is_refused_and_a_post_without_csrf_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    hook_id = await _created_id(client)
    no_csrf = await client.post(f"{LIST}/{hook_id}/delete")
    assert no_csrf.status_code == 403
    assert (await client.get(f"{LIST}/{hook_id}")).status_code == 200  # not deleted
    await staff(client, app, "manager")
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(LIST)).status_code == 403
    assert (await client.get(f"{LIST}/{hook_id}/deliveries")).status_code == 403
    assert (await client.post(LIST, data={"_csrf": token, **_form()})).status_code == 403
    refused = await client.post(f"{LIST}/{hook_id}/delete", data={"_csrf": token})
    assert refused.status_code == 403


async def test_lists_of_50_rows_cost_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    hooks = [await create_webhook(client, api, f"https://h{n}.example.com/") for n in range(50)]
    for _ in range(50):
        pinged = await client.post(f"/api/admin/webhooks/{hooks[0]['id']}/ping", headers=api)
        assert pinged.status_code == 202
    await staff(client, app, "admin")
    assert (await client.get(LIST)).status_code == 200
    with count_queries(app.platform.db) as counter:
        listed = await client.get(LIST)
    assert len(set(HOOK_RE.findall(listed.text))) == 50
    assert counter.count <= LIST_BUDGET, counter.statements
    log = f"{LIST}/{hooks[0]['id']}/deliveries"
    with count_queries(app.platform.db) as counter:
        deliveries = await client.get(log)
    assert len(DELIVERY_RE.findall(deliveries.text)) == 50
    assert counter.count <= DELIVERY_BUDGET, counter.statements


async def test_another_tenants_endpoint_and_delivery_are_not_found(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """Every admin webhook page with an id answers 404 for another tenant's endpoint or
    delivery (the session's tenant decides), and changes nothing of theirs."""
    await app.tenancy.tenants().create(TenantCreate(slug="other", name="Other"))
    runtime = webhooks_runtime(app.platform)
    with use_context(await tenant_context(app, "other")):
        theirs = await runtime.endpoints.create(
            WebhookCreate(url="https://hooks.example.com/b", event_types=["order.*"])
        )
        ping = await runtime.deliveries.ping(theirs.id)
    await staff(client, app, "admin")
    token = csrf_of((await client.get(LIST)).text)
    pages = [
        ("GET", f"{LIST}/{theirs.id}"), ("POST", f"{LIST}/{theirs.id}"),
        ("POST", f"{LIST}/{theirs.id}/rotate-secret"), ("POST", f"{LIST}/{theirs.id}/ping"),
        ("GET", f"{LIST}/{theirs.id}/deliveries"), ("GET", f"{LIST}/deliveries/{ping.id}"),
        ("POST", f"{LIST}/deliveries/{ping.id}/redeliver"),
        ("POST", f"{LIST}/{theirs.id}/delete"),
    ]  # fmt: skip
    for method, path in pages:
        data = {"_csrf": token, **_form(url="https://evil.example.com/")}
        response = await client.request(method, path, data=data if method == "POST" else None)
        assert response.status_code == 404, (method, path, response.status_code)
    routes = {
        (m, p) for m, p, _ in http_routes(app) if p.startswith(LIST) and "{" in p
    }  # every admin webhook page with an id is in the list above
    assert len(routes) == len(pages)
    with use_context(await tenant_context(app, "other")):
        after = await runtime.endpoints.get(theirs.id)
        log = await runtime.deliveries.list_page(theirs.id, DeliveryFilter(), 1, 20)
    assert after.url == "https://hooks.example.com/b" and after.updated_at == theirs.updated_at
    assert after.previous_secret_expires_at is None and log.total == 1
