"""Property (issue 12, item 3): whatever sequence of catalogue writes the admin API receives —
products created, updated, published and deleted, prices replaced and dropped, variants added,
changed and removed, stock set and adjusted, images, categories, collections, checkouts,
cancellations and shipments — once the consumers settle, ``rustok index check`` (the same
``rebuild.check``) finds the read model equal to the write model.

Hypothesis runs in a worker thread and hands each example to the test's event loop, where the
app (its relay and consumers included) keeps running; the database is shared by the examples,
so later ones also meet what earlier ones left behind. The tenant has two locales (``de``
falls back to ``en``), so listings are written per locale.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rustok.api.app import RustokApp
from rustok.modules.index.rebuild import check, rebuild
from rustok.tenancy.schemas import LocaleSetting, TenantCreate
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import ADDRESS, signed_in

Json = dict[str, Any]
Step = tuple[Any, ...]
SLUG = "prop"
CURRENCIES = ("USD", "EUR")
_serial = itertools.count(1)

index = st.integers(min_value=0, max_value=7)
# Few distinct amounts, so that a write often changes only the compare-at, or nothing.
price = st.tuples(
    st.sampled_from(CURRENCIES), st.sampled_from([0, 900, 2500]), st.sampled_from([None, 0, 500])
)
prices = st.lists(price, max_size=2, unique_by=lambda p: p[0])
stock = st.integers(min_value=0, max_value=6)
creates: st.SearchStrategy[Step] = st.tuples(
    st.just("create"), st.sampled_from(["active", "active", "draft"]), st.integers(1, 3), prices,
    stock, st.sampled_from(["deny", "continue"]), st.booleans(),
)  # fmt: skip
steps: st.SearchStrategy[Step] = st.one_of(
    creates,
    st.tuples(st.just("prices"), index, index, prices),
    st.tuples(st.just("prices"), index, index, prices),  # twice: price writes are the point
    st.tuples(st.just("update"), index, st.sampled_from(["en", "de"]), st.booleans(), index),
    st.tuples(st.just("add_variant"), index, prices, stock),
    st.tuples(st.just("update_variant"), index, index, st.sampled_from(["deny", "continue"])),
    st.tuples(st.just("delete_variant"), index, index),
    st.tuples(st.just("stock_set"), index, index, stock),
    st.tuples(st.just("stock_adjust"), index, index, st.integers(-3, 3)),
    st.tuples(st.just("transition"), index, st.sampled_from(["publish", "unpublish", "archive"])),
    st.tuples(st.just("image"), index, st.booleans()),
    st.tuples(st.just("category"), st.sampled_from(["create", "rename", "move", "delete"]), index,
              index),
    st.tuples(st.just("collection"), st.sampled_from(["create", "delete"]), index),
    st.tuples(st.just("checkout"), index, index, st.integers(1, 4), st.sampled_from(CURRENCIES)),
    st.tuples(st.just("order"), index, st.sampled_from(["cancel", "ship"])),
    st.tuples(st.just("delete_product"), index),
)  # fmt: skip


def _pick(items: list[Any], i: int) -> Any:
    return items[i % len(items)] if items else None


def _prices(chosen: list[tuple[str, int, int | None]]) -> list[Json]:
    return [
        {"currency_code": c, "amount": a, **({"compare_at_amount": a + d} if d is not None else {})}
        for c, a, d in chosen
    ]


@dataclass
class Shop:
    """One example's view of the tenant: the ids it made, and the admin's requests."""

    client: httpx.AsyncClient
    admin: dict[str, str]
    products: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)

    async def send(self, method: str, path: str, body: Any = None, *refused: int) -> Json | None:
        """The answer's body; None when the API refused with one of ``refused``."""
        kwargs: Json = {} if body is None else {"json": body}
        response = await self.client.request(method, path, headers=self.admin, **kwargs)
        if response.status_code in refused:
            return None
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else {}

    async def variant(self, p: int, v: int) -> str | None:
        product = _pick(self.products, p)
        if product is None:
            return None
        body = await self.send("GET", f"/api/commerce/products/{product}", None, 404)
        return _pick([x["id"] for x in body["variants"]], v) if body else None

    async def create(self, status: str, count: int, chosen: Any, units: int, policy: str,
                     grouped: bool) -> None:  # fmt: skip
        n = next(_serial)
        sizes = [f"S{i}" for i in range(count)]
        body = {
            "translations": [{"locale": "en", "title": f"Item {n}"}], "status": status,
            "options": [{"name": "Size", "values": sizes}],
            "variants": [
                {"sku": f"P{n}-{s}", "options": {"Size": s}, "prices": _prices(chosen),
                 "inventory_quantity": units, "inventory_policy": policy} for s in sizes
            ],
            "images": [{"url": f"https://cdn.example.com/{n}.jpg"}],
            "category_ids": self.categories[:1] if grouped else [],
            "collection_ids": self.collections[:1] if grouped else [],
        }  # fmt: skip
        made = await self.send("POST", "/api/commerce/products", body)
        assert made is not None
        self.products.append(made["id"])

    async def update(self, p: int, locale: str, vendor: bool, c: int) -> None:
        product = _pick(self.products, p)
        if product is None:
            return
        body = {
            "translations": [{"locale": locale, "title": f"Renamed {next(_serial)}",
                              "description": "Text", "meta_title": "Meta"}],
            "vendor": "Acme" if vendor else None,
            "category_ids": [x for x in [_pick(self.categories, c)] if x],
            "collection_ids": [x for x in [_pick(self.collections, c)] if x],
        }  # fmt: skip
        await self.send("PATCH", f"/api/commerce/products/{product}", body, 404)

    async def category(self, action: str, c: int, other: int) -> None:
        target, parent = _pick(self.categories, c), _pick(self.categories, other)
        if action == "create" or target is None:
            made = await self.send("POST", "/api/commerce/categories", {
                "name": f"Cat {next(_serial)}", "parent_id": parent,
            })  # fmt: skip
            assert made is not None
            self.categories.append(made["id"])
        elif action == "rename":
            n = next(_serial)
            await self.send("PATCH", f"/api/commerce/categories/{target}",
                            {"name": f"Named {n}", "handle": f"named-{n}"})  # fmt: skip
        elif action == "move":
            body = {"parent_id": parent if parent != target else None}
            await self.send("PATCH", f"/api/commerce/categories/{target}", body, 400, 422)
        else:
            await self.send("DELETE", f"/api/commerce/categories/{target}")
            self.categories.remove(target)

    async def collection(self, action: str, c: int) -> None:
        target = _pick(self.collections, c)
        if action == "create" or target is None:
            made = await self.send("POST", "/api/commerce/collections",
                                   {"title": f"Col {next(_serial)}"})  # fmt: skip
            assert made is not None
            self.collections.append(made["id"])
        else:
            await self.send("DELETE", f"/api/commerce/collections/{target}")
            self.collections.remove(target)

    async def checkout(self, p: int, v: int, quantity: int, currency: str) -> None:
        variant = await self.variant(p, v)
        if variant is None:
            return
        cart = await self.send("POST", "/api/store/carts", {"currency_code": currency})
        assert cart is not None
        token = {"X-Cart-Token": cart["token"]}
        added = await self.client.post(
            f"/api/store/carts/{cart['id']}/items",
            headers=token,
            json={"variant_id": variant, "quantity": quantity},
        )
        if added.status_code != 201:  # unpriced in the currency, not active, out of stock
            assert added.status_code in (400, 404, 409, 422), added.text
            return
        placed = await self.client.post(
            f"/api/store/carts/{cart['id']}/checkout",
            headers=token,
            json={"email": "a@example.com", "shipping_address": ADDRESS},
        )
        assert placed.status_code in (201, 409, 422), placed.text
        if placed.status_code == 201:
            self.orders.append(placed.json()["id"])

    async def order(self, o: int, action: str) -> None:
        order = _pick(self.orders, o)
        if order is None:
            return
        base = f"/api/commerce/orders/{order}"
        if action == "cancel":
            await self.send("POST", f"{base}/cancel", {}, 409)
            return
        for path, body in (("confirm", None), ("pay", {}), ("ship", {"tracking_number": "T1"})):
            if await self.send("POST", f"{base}/{path}", body, 409) is None:
                return

    async def apply(self, step: Step) -> None:
        kind, *args = step
        if kind == "create":
            await self.create(*args)
        elif kind == "update":
            await self.update(*args)
        elif kind == "category":
            await self.category(*args)
        elif kind == "collection":
            await self.collection(*args)
        elif kind == "checkout":
            await self.checkout(*args)
        elif kind == "order":
            await self.order(*args)
        elif kind in ("transition", "image", "delete_product", "add_variant"):
            await self.product_step(kind, *args)
        else:
            await self.variant_step(kind, *args)

    async def product_step(self, kind: str, p: int, *args: Any) -> None:
        product = _pick(self.products, p)
        if product is None:
            return
        base = f"/api/commerce/products/{product}"
        if kind == "transition":
            await self.send("POST", f"{base}/{args[0]}", None, 409)
        elif kind == "image":
            shown = await self.send("GET", base)
            assert shown is not None
            if args[0] or not shown["images"]:
                await self.send("POST", f"{base}/images", {
                    "url": f"https://cdn.example.com/x{next(_serial)}.jpg", "alt_text": "Alt",
                })  # fmt: skip
            else:
                await self.send("DELETE", f"{base}/images/{shown['images'][0]['id']}")
        elif kind == "add_variant":
            n = next(_serial)
            await self.send("POST", f"{base}/variants", {
                "sku": f"V{n}", "options": {"Size": f"A{n}"}, "prices": _prices(args[0]),
                "inventory_quantity": args[1],
            })  # fmt: skip
        elif await self.send("DELETE", base, None, 409) is not None:
            self.products.remove(product)

    async def variant_step(self, kind: str, p: int, v: int, arg: Any = None) -> None:
        variant = await self.variant(p, v)
        if variant is None:
            return
        base = f"/api/commerce/variants/{variant}"
        if kind == "prices":
            await self.send("PUT", f"{base}/prices", _prices(arg))
        elif kind == "update_variant":
            await self.send("PATCH", base, {"inventory_policy": arg, "title": f"T{next(_serial)}"})
        elif kind == "delete_variant":
            await self.send("DELETE", base, None, 409)
        elif kind == "stock_set":
            await self.send("POST", f"{base}/inventory/set", {"quantity": arg}, 409)
        else:
            await self.send("POST", f"{base}/inventory/adjust", {"delta": arg}, 400, 409, 422)


async def test_any_catalogue_writes_leave_index_check_clean(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug=SLUG, name="Prop", locales=[
        LocaleSetting(locale="en"), LocaleSetting(locale="de", fallback="en"),
    ]))  # fmt: skip
    tenant = await app.tenancy.directory.by_slug(SLUG)
    assert tenant is not None
    admin = await signed_in(client, app, "admin", tenant=SLUG)
    loop = asyncio.get_running_loop()
    checked: list[int] = []

    async def one_example(sequence: list[Step]) -> None:
        shop = Shop(client, admin)
        # Earlier examples share the database: a drift they left must not fail this one.
        await rebuild(app.platform, tenant, "products")
        # Checked after every write: a gap shows even when a later write would repair it.
        for done, step in enumerate(sequence, 1):
            await shop.apply(step)
            await outbox_settled(app.platform)
            result = await check(app.platform, tenant, "products", recheck_after=0)
            assert result.drift == [], (sequence[:done], result.drift)
            checked.append(result.checked)

    def on_loop(work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, loop).result(timeout=120)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(sequence=st.builds(
        list.__add__, st.lists(creates, min_size=1, max_size=2), st.lists(steps, max_size=8)
    ))  # fmt: skip
    # The two writes of the issue, always tried: a currency dropped, a compare-at changed.
    @example(sequence=[("create", "active", 1, [("USD", 900, None), ("EUR", 900, None)], 3,
                        "deny", False), ("prices", 0, 0, [("USD", 900, None)])])  # fmt: skip
    @example(sequence=[("create", "active", 2, [("USD", 900, None)], 3, "deny", False),
                       ("prices", 0, 1, [("USD", 900, 500)])])  # fmt: skip
    def property_holds(sequence: list[Step]) -> None:
        on_loop(one_example(sequence))

    await asyncio.to_thread(property_holds)
    assert checked and max(checked) > 0  # listings were really compared
