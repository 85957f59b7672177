"""The product screens' translation pages (each locale next to the default one) and the
edit form of an existing variant (SKU, options, prices per currency), through
``CatalogService.update_product`` and ``VariantService`` with ``products:*``; stale forms
are refused, bad input is said under its field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.grant_helpers import revoke
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import create_product, signed_in

LIST = "/admin/commerce/products"
VERSION_RE = re.compile(r'name="version" value="([^"]+)"')
# A page: the session check and ``get_product``'s batched loads; measured 11 on both databases.
TRANSLATION_BUDGET = 11
VARIANT_BUDGET = 11


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _product(client: httpx.AsyncClient, api: dict[str, str]) -> Any:
    translations = [
        {"locale": "en", "title": "Linen tee", "handle": "linen-tee",
         "description": "Soft linen.", "meta_title": "Linen tee | Shop"},
        {"locale": "ru", "title": "Льняная футболка", "handle": "lnyanaya"},
    ]  # fmt: skip
    return await create_product(client, api, title="x", translations=translations, variants=2)


async def _form(client: httpx.AsyncClient, path: str) -> tuple[str, dict[str, str]]:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    version = VERSION_RE.search(page.text)
    assert version is not None
    return page.text, {"_csrf": csrf_of(page.text), "version": version.group(1)}


async def _read(client: httpx.AsyncClient, api: dict[str, str], pid: str) -> Any:
    return (await client.get(f"/api/commerce/products/{pid}", headers=api)).json()


async def test_a_translation_is_edited_next_to_the_default_locale(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await _product(client, api)
    pid = product["id"]
    await staff(client, app, "manager")
    edit_page = await client.get(f"{LIST}/{pid}")
    assert f'href="{LIST}/{pid}/translations/ru"' in edit_page.text
    with count_queries(app.platform.db) as counter:
        text, state = await _form(client, f"{LIST}/{pid}/translations/ru")
    assert counter.count <= TRANSLATION_BUDGET, counter.statements
    # The default locale's texts are shown beside the form of this one.
    assert "Soft linen." in text and "Linen tee" in text and 'value="Льняная футболка"' in text
    saved = await client.post(
        f"{LIST}/{pid}/translations/ru",
        data={**state, "title": "Футболка из льна", "handle": "", "description": "Мягкий лён."},
    )
    assert saved.status_code == 303, saved.text
    assert "Translation saved." in (await client.get(saved.headers["location"])).text
    by_locale = {t["locale"]: t for t in (await _read(client, api, pid))["translations"]}
    assert by_locale["ru"]["title"] == "Футболка из льна"
    assert (
        by_locale["ru"]["description"] == "Мягкий лён." and by_locale["ru"]["handle"] == "lnyanaya"
    )
    assert by_locale["en"]["description"] == "Soft linen."  # the other locale is untouched
    stale = await client.post(
        f"{LIST}/{pid}/translations/ru", data={**state, "title": "Старое", "description": ""}
    )
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    assert (await _read(client, api, pid))["translations"][1]["title"] == "Футболка из льна"
    _, fresh = await _form(client, f"{LIST}/{pid}/translations/ru")
    empty = await client.post(f"{LIST}/{pid}/translations/ru", data={**fresh, "title": ""})
    assert empty.status_code == 400 and 'id="title-error"' in empty.text
    assert (await client.get(f"{LIST}/{pid}/translations/xx")).status_code == 404


async def test_saving_the_product_form_keeps_the_description_and_seo_texts(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    pid = (await _product(client, api))["id"]
    await staff(client, app, "manager")
    _, state = await _form(client, f"{LIST}/{pid}")
    saved = await client.post(
        f"{LIST}/{pid}",
        data={**state, "locale": "en", "title": "Linen tee 2", "handle": "linen-tee",
              "status": "active"},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    [en] = [t for t in (await _read(client, api, pid))["translations"] if t["locale"] == "en"]
    assert en["title"] == "Linen tee 2" and en["description"] == "Soft linen."
    assert en["meta_title"] == "Linen tee | Shop"


async def test_an_existing_variant_is_edited_sku_options_and_prices(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await _product(client, api)
    pid, variant = product["id"], product["variants"][0]
    path = f"{LIST}/{pid}/variants/{variant['id']}"
    await staff(client, app, "manager")
    assert f'href="{path}"' in (await client.get(f"{LIST}/{pid}")).text
    with count_queries(app.platform.db) as counter:
        text, state = await _form(client, path)
    assert counter.count <= VARIANT_BUDGET, counter.statements
    assert f'value="{variant["sku"]}"' in text and 'value="25.00"' in text
    fields = {"sku": "TEE-SMALL", "variant_title": "Small", "opt_0": "S",
              "currency_0": "USD", "amount_0": "21.50", "compare_at_0": "30",
              "currency_1": "eur", "amount_1": "19", "compare_at_1": ""}  # fmt: skip
    saved = await client.post(path, data={**state, **fields})
    assert saved.status_code == 303, re.findall(r"field-error[^<]*<", saved.text)
    assert "Variant saved." in (await client.get(saved.headers["location"])).text
    [read] = [v for v in (await _read(client, api, pid))["variants"] if v["id"] == variant["id"]]
    assert read["sku"] == "TEE-SMALL" and read["title"] == "Small"
    prices = {p["currency_code"]: (p["amount"], p["compare_at_amount"]) for p in read["prices"]}
    assert prices == {"USD": (2150, 3000), "EUR": (1900, None)}
    stale = await client.post(path, data={**state, **fields, "amount_0": "1"})
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    # Emptying a row removes that currency's price.
    _, fresh = await _form(client, path)
    dropped = await client.post(
        path, data={**fresh, **fields, "currency_1": "", "amount_1": "", "compare_at_1": ""}
    )
    assert dropped.status_code == 303
    [read] = [v for v in (await _read(client, api, pid))["variants"] if v["id"] == variant["id"]]
    assert [p["currency_code"] for p in read["prices"]] == ["USD"]


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [({"sku": ""}, "sku", 400), ({"opt_0": "M"}, "another variant has the same option values", 409),
     ({"amount_0": "abc"}, "amount_0", 400), ({"currency_0": "EURO"}, "currency_0", 400),
     ({"compare_at_0": "1.00"}, "compare_at_0", 400),
     ({"currency_1": "USD", "amount_1": "3"}, "currency_1", 400),
     ({"sku": "TAKEN"}, "sku", 409)],
)  # fmt: skip
async def test_bad_variant_input_is_said_under_its_field_and_nothing_is_saved(
    client: httpx.AsyncClient, app: RustokApp, change: dict[str, str], field: str, status: int
) -> None:
    api = await signed_in(client, app, "admin")
    product = await _product(client, api)
    other = product["variants"][1]
    renamed = await client.patch(
        f"/api/commerce/variants/{other['id']}", json={"sku": "TAKEN"}, headers=api
    )
    assert renamed.status_code == 200, renamed.text
    variant = product["variants"][0]
    path = f"{LIST}/{product['id']}/variants/{variant['id']}"
    await staff(client, app, "admin")
    _, state = await _form(client, path)
    fields = {"sku": "NEW-SKU", "variant_title": "", "opt_0": "S", "currency_0": "USD",
              "amount_0": "9", "compare_at_0": "", **change}  # fmt: skip
    refused = await client.post(path, data={**state, **fields})
    assert refused.status_code == status, refused.text
    # A field's error is under it; one of no field (a conflict) above the form.
    assert f'id="{field}-error"' in refused.text or f'role="alert">{field}' in refused.text
    [read] = [v for v in (await _read(client, api, product["id"]))["variants"]
              if v["id"] == variant["id"]]  # fmt: skip
    assert read["sku"] == variant["sku"] and read["prices"][0]["amount"] == 2500


async def test_refused_without_the_permission_for_a_customer_and_without_csrf(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await _product(client, api)
    pid, vid = product["id"], product["variants"][0]["id"]
    paths = (f"{LIST}/{pid}/translations/ru", f"{LIST}/{pid}/variants/{vid}")
    await staff(client, app, "admin")
    for path in paths:
        no_csrf = await client.post(path, data={"title": "Hacked", "sku": "HACKED"})
        assert no_csrf.status_code == 403, path
    await revoke(app, "manager", "products")
    await staff(client, app, "manager")
    token = csrf_of((await client.get("/admin")).text)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
        assert (await client.post(path, data={"_csrf": token, "title": "x"})).status_code == 403
    await staff(client, app, "customer")
    token = csrf_of((await client.get("/admin")).text)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
        assert (await client.post(path, data={"_csrf": token, "sku": "X"})).status_code == 403
    read = await _read(client, api, pid)
    assert read["variants"][0]["sku"] == product["variants"][0]["sku"]
    assert read["translations"][1]["title"] == "Льняная футболка"
