"""O-3 for the admin UI: its pages are server spans named by route template like the API's
(an id in the path never names a span or a metric series), and their SQL spans are children
of the page's server span."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from rustok.api.app import RustokApp
from tests.admin.helpers import admin_sign_in
from tests.auth.helpers import make_user
from tests.modules.commerce.helpers import create_product, signed_in
from tests.ops.smoke import scrape

PRODUCT_PAGE = "/admin/commerce/products/{product_id}"


def _server_spans(memory: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in memory.get_finished_spans() if s.kind is SpanKind.SERVER]


async def test_admin_pages_are_spans_named_by_route_template(
    client: httpx.AsyncClient, app: RustokApp, exporter: InMemorySpanExporter
) -> None:
    api = await signed_in(client, app, "admin")
    product_id = (await create_product(client, api, title="Tee"))["id"]
    await make_user(app.platform, "manager@example.com", "manager")
    assert (await admin_sign_in(client, "manager@example.com")).status_code == 303
    before = await scrape(client)
    exporter.clear()

    page = await client.get(f"/admin/commerce/products/{product_id}")
    assert page.status_code == 200 and "Tee" in page.text
    assert (await client.get("/admin/static/admin.css")).status_code == 200
    assert (await client.get("/admin/no/such/page")).status_code == 404

    spans = _server_spans(exporter)
    assert [s.name for s in spans] == [
        f"GET {PRODUCT_PAGE}",
        "GET /admin/static/{file_path}",
        "GET <unmatched>",
    ]
    product_page = spans[0]
    assert dict(product_page.attributes or {}) == {
        "http.request.method": "GET", "http.route": PRODUCT_PAGE,
        "http.response.status_code": 200,
    }  # fmt: skip
    statements = [
        s for s in exporter.get_finished_spans()
        if "db.system.name" in (s.attributes or {})
        and s.context.trace_id == product_page.context.trace_id
    ]  # fmt: skip
    assert statements, "the product page ran no traced SQL"
    assert all(s.parent is not None for s in statements)
    ids = {s.context.span_id for s in exporter.get_finished_spans()}
    assert all(s.parent is not None and s.parent.span_id in ids for s in statements)
    assert not any(product_id in s.name for s in exporter.get_finished_spans())

    exposition = await scrape(client)
    pages = exposition.total("rustok_http_requests_total", route=PRODUCT_PAGE, status="200")
    assert pages - before.total("rustok_http_requests_total", route=PRODUCT_PAGE, status="200") == 1
    assert not any(product_id in v for (_, labels) in exposition.values for _, v in labels)
