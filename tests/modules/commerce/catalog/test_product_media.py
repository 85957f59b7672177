"""A product image's ``media_id`` must name media of the tenant's library (issue 12, item 12):
a made-up id or another tenant's is refused with 422 ``UNKNOWN_MEDIA`` on every write that
adds images (REST create and add, GraphQL create); without the content module installed
there is no library, and only URLs are accepted."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.bootstrap import builtin_modules
from rustok.core.module import ModuleSpec
from rustok.modules.commerce.module import MODULE as COMMERCE
from rustok.modules.index.module import MODULE as INDEX
from rustok.tenancy.schemas import TenantCreate
from tests.modules.commerce.helpers import create_product, product_body, signed_in
from tests.modules.commerce.test_graphql import CREATE, code, gql, gql_input

Json = dict[str, Any]
PRODUCTS = "/api/commerce/products"


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return builtin_modules()  # content (and its media library) installed


async def _upload(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post(
        "/api/content/media?file_name=shirt.png", content=b"\x89PNG\r\n\x1a\n....",
        headers={**headers, "content-type": "image/png"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    media_id: str = response.json()["id"]
    return media_id


def _image(media_id: str) -> Json:
    return {"url": "https://cdn.example.com/shirt.png", "media_id": media_id}


async def test_images_name_only_the_tenants_media(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="other", name="Other"))
    admin = await signed_in(client, app, "admin")
    theirs = await _upload(client, await signed_in(client, app, "admin", tenant="other"))
    ours = await _upload(client, admin)
    made = uuid.uuid4().hex

    created = await create_product(client, admin, title="Shirt", images=[_image(ours)])
    assert [i["media_id"] for i in created["images"]] == [ours]
    for unknown in (theirs, str(uuid.UUID(made))):
        body = product_body(title="Bad", images=[_image(ours), _image(unknown)])
        refused = await client.post(PRODUCTS, json=body, headers=admin)
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["code"] == "UNKNOWN_MEDIA"
        assert problem["errors"] == {"images[1].media_id": ["no such media in the library"]}
        added = await client.post(
            f"{PRODUCTS}/{created['id']}/images", json=_image(unknown), headers=admin
        )
        assert added.status_code == 422 and added.json()["errors"] == {
            "media_id": ["no such media in the library"]
        }
    listed = await client.get(PRODUCTS, headers=admin, params={"q": "bad"})
    assert listed.json()["total"] == 0  # nothing of a refused create was kept
    shown = await client.get(f"{PRODUCTS}/{created['id']}", headers=admin)
    assert [i["media_id"] for i in shown.json()["images"]] == [ours]
    added = await client.post(
        f"{PRODUCTS}/{created['id']}/images", json=_image(ours), headers=admin
    )
    assert added.status_code == 201 and len(added.json()["images"]) == 2

    body = gql_input(product_body(title="Gql", images=[_image(theirs)]))
    answer = await gql(client, CREATE % "id", admin, i=body)
    assert code(answer) == "UNKNOWN_MEDIA"


@pytest.mark.parametrize("test_modules", [[COMMERCE, INDEX]], ids=["no-content"])
async def test_without_the_content_module_only_urls_are_accepted(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    assert "content" not in {m.slug for m in app.platform.modules}
    admin = await signed_in(client, app, "admin")
    body = product_body(title="Cap", images=[_image(str(uuid.uuid4()))])
    refused = await client.post(PRODUCTS, json=body, headers=admin)
    assert refused.status_code == 422 and refused.json()["code"] == "UNKNOWN_MEDIA"
    plain = await create_product(client, admin, title="Cap", images=[{"url": "https://x.io/c.png"}])
    assert [(i["url"], i["media_id"]) for i in plain["images"]] == [("https://x.io/c.png", None)]
