"""O-1 and O-3 for ``/mcp``: the MCP endpoint answers outside Litestar's router, and its
requests are still named by their route (``POST /mcp``) in the server span and in the HTTP
metrics, not ``<unmatched>``; a tool's statements are spans of the request's trace."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from rustok.api.app import RustokApp
from tests.api.mcp_support import DRAFT_PRODUCT, mcp_client, result
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key
from tests.modules.commerce.helpers import create_product
from tests.ops.smoke import Exposition, scrape

URL = "http://testserver/mcp"
HTTP = "rustok_http_requests_total"


def _server_spans(memory: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in memory.get_finished_spans() if s.kind is SpanKind.SERVER]


def _moved(after: Exposition, before: Exposition, **labels: str) -> float:
    return after.total(HTTP, **labels) - before.total(HTTP, **labels)


async def test_mcp_requests_are_named_by_their_route(
    client: httpx.AsyncClient, app: RustokApp, exporter: InMemorySpanExporter
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    key = (await create_key(client, admin, ["products:manage"]))["key"]
    await create_product(client, bearer(admin), title="Linen Tee", variants=1)
    before = await scrape(client)
    exporter.clear()

    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        found = result(await mcp.call_tool("search_products", {"q": "Linen"}))
        result(await mcp.call_tool("create_draft_product", DRAFT_PRODUCT))
    assert [p["translations"][0]["title"] for p in found["items"]] == ["Linen Tee"]
    other = await client.post("/mcp/elsewhere", json={}, headers={"X-Api-Key": key})
    assert other.status_code == 404

    names = [s.name for s in _server_spans(exporter)]
    assert names[-1] == "POST <unmatched>"  # a path the endpoint does not serve
    assert set(names[:-1]) == {"POST /mcp"} and len(names) >= 3  # initialize, the two calls
    spans = exporter.get_finished_spans()
    by_id = {s.context.span_id: s for s in spans}
    for tool in ("search_products", "create_draft_product"):
        (call,) = [s for s in spans if s.name == f"tools/call {tool}"]
        server = by_id[call.parent.span_id] if call.parent else None
        assert server is not None and server.name == "POST /mcp"
        assert dict(call.attributes or {}) == {
            "mcp.method.name": "tools/call", "gen_ai.tool.name": tool,
        }  # fmt: skip
        statements = [
            s for s in spans
            if "db.system.name" in (s.attributes or {}) and s.parent is not None
            and s.parent.span_id == call.context.span_id
        ]  # fmt: skip
        assert any(s.name == "SELECT" for s in statements), tool
    (write,) = [s for s in spans if s.name == "outbox.write"]
    assert write.parent is not None and by_id[write.parent.span_id].name == (
        "tools/call create_draft_product"
    )
    assert any(
        s.name == "INSERT"
        and s.parent is not None
        and by_id[s.parent.span_id].name == "tools/call create_draft_product"
        for s in spans
    )  # the product's own rows, not only the outbox's

    after = await scrape(client)
    assert _moved(after, before, route="/mcp", method="POST", status="200") == len(names) - 1
    assert _moved(after, before, route="<unmatched>", method="POST", status="404") == 1
