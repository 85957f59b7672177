"""A product's images in the admin: attach one from the media library (with its public URL)
or by URL, remove one, through ``CatalogService.add_image``/``remove_image`` with the REST
routes' permissions; a media id the library does not offer — forged, or another tenant's —
is refused under its field as the REST route refuses it."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import create_product, signed_in
from tests.modules.content.media_samples import png

LIST = "/admin/commerce/products"
MEDIA_API = "/api/content/media"
REMOVE_RE = re.compile(
    r'action="/admin/commerce/products/[0-9a-f-]{36}/images/([0-9a-f-]{36})/delete"'
)
# The session check, get_product's batched loads and the library's images: measured on both.
BUDGET = 12


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _upload(client: httpx.AsyncClient, api: dict[str, str], name: str) -> Any:
    response = await client.post(
        MEDIA_API, headers=api, files={"file": (name, png(6, 4), "image/png")}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _images(client: httpx.AsyncClient, api: dict[str, str], pid: str) -> list[Any]:
    product = (await client.get(f"/api/commerce/products/{pid}", headers=api)).json()
    return sorted(product["images"], key=lambda i: i["position"])


async def _token(client: httpx.AsyncClient, pid: str) -> str:
    page = await client.get(f"{LIST}/{pid}/images")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def test_attach_from_the_library_and_by_url_then_remove(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    media = await _upload(client, api, "front.png")
    product = await create_product(client, api, title="Linen tee", variants=1)
    pid = product["id"]
    await staff(client, app, "manager")
    edit = await client.get(f"{LIST}/{pid}")
    assert f'href="{LIST}/{pid}/images"' in edit.text
    with count_queries(app.platform.db) as counter:
        empty = await client.get(f"{LIST}/{pid}/images")
    assert counter.count <= BUDGET, counter.statements
    assert "This product has no image yet." in empty.text
    assert f'<option value="{media["id"]}">front.png (6×4)</option>' in empty.text
    token = csrf_of(empty.text)
    attached = await client.post(
        f"{LIST}/{pid}/images",
        data={"_csrf": token, "media_id": media["id"], "url": "", "alt_text": "Front",
              "position": "1"},
    )  # fmt: skip
    assert attached.status_code == 303, attached.text
    assert "Image attached." in (await client.get(attached.headers["location"])).text
    by_url = await client.post(
        f"{LIST}/{pid}/images",
        data={"_csrf": token, "media_id": "", "url": "https://cdn.example.com/back.jpg",
              "alt_text": "", "position": "2"},
    )  # fmt: skip
    assert by_url.status_code == 303, by_url.text
    images = await _images(client, api, pid)
    assert [(i["media_id"], i["alt_text"], i["position"]) for i in images] == [
        (media["id"], "Front", 1), (None, None, 2)
    ]  # fmt: skip
    # The library image's URL is its public one, absolute, and it serves the file.
    assert media["url"].startswith("/media/") and media["url"].endswith(f"/{media['id']}/front.png")
    assert images[0]["url"].endswith(media["url"])
    assert images[0]["url"].startswith("http://")
    served = await client.get(images[0]["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert images[1]["url"] == "https://cdn.example.com/back.jpg"
    page = await client.get(f"{LIST}/{pid}/images")
    assert f'<img src="{images[0]["url"]}" alt="Front"' in page.text
    assert 'href="https://cdn.example.com/back.jpg"' in page.text  # not loaded: the CSP
    first = REMOVE_RE.findall(page.text)[0]
    removed = await client.post(
        f"{LIST}/{pid}/images/{first}/delete", data={"_csrf": csrf_of(page.text)}
    )
    assert removed.status_code == 303
    assert [i["position"] for i in await _images(client, api, pid)] == [2]
    # The file stays in the library.
    assert (await client.get(f"{MEDIA_API}/{media['id']}", headers=api)).status_code == 200


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"media_id": "", "url": ""}, "media_id", "choose an image of the library or give a URL"),
        ({"media_id": "x", "url": "https://e.com/a.png"}, "media_id", "one of them"),
        ({"media_id": "", "url": "ftp://e.com/a.png"}, "url", ""),
        ({"media_id": "not-an-id", "url": ""}, "media_id", ""),
        ({"media_id": str(uuid.uuid4()), "url": ""}, "media_id", "no such media in the library"),
        ({"media_id": "", "url": "https://e.com/a.png", "position": "-1"}, "position", ""),
    ],
)
async def test_bad_input_is_said_under_its_field_and_attaches_nothing(
    client: httpx.AsyncClient, app: RustokApp, fields: dict[str, str], field: str, message: str
) -> None:
    api = await signed_in(client, app, "admin")
    pid = (await create_product(client, api, title="Tee", variants=1))["id"]
    await staff(client, app, "manager")
    token = await _token(client, pid)
    answer = await client.post(
        f"{LIST}/{pid}/images", data={"_csrf": token, "alt_text": "", "position": "0", **fields}
    )
    assert answer.status_code in (400, 422), answer.text
    assert f'id="{field}-error"' in answer.text
    assert message in answer.text
    assert await _images(client, api, pid) == []


async def test_another_tenants_media_is_as_unknown_as_a_made_up_one(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    other_api = await signed_in(client, app, "admin", tenant="acme")
    theirs = await _upload(client, other_api, "theirs.png")
    api = await signed_in(client, app, "admin")
    pid = (await create_product(client, api, title="Tee", variants=1))["id"]
    await staff(client, app, "manager")
    page = await client.get(f"{LIST}/{pid}/images")
    assert theirs["id"] not in page.text  # never offered
    answer = await client.post(
        f"{LIST}/{pid}/images",
        data={"_csrf": csrf_of(page.text), "media_id": theirs["id"], "url": "", "position": "0"},
    )
    assert answer.status_code == 422 and "no such media in the library" in answer.text
    assert await _images(client, api, pid) == []


async def test_customers_and_csrf_less_posts_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    pid = (await create_product(client, api, title="Tee", variants=1))["id"]
    await staff(client, app, "customer")
    assert (await client.get(f"{LIST}/{pid}/images")).status_code == 403
    await staff(client, app, "manager")
    forged = await client.post(
        f"{LIST}/{pid}/images", data={"media_id": "", "url": "https://e.com/a.png", "position": "0"}
    )
    assert forged.status_code == 403
    assert await _images(client, api, pid) == []


async def test_an_image_beyond_the_offered_ones_is_attached_with_its_own_url(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    # The select offers the latest 200 images; an older one (a bookmarked form, another
    # browser tab) is still the tenant's and gets its own public URL.
    api = await signed_in(client, app, "admin")
    oldest = await _upload(client, api, "oldest.png")
    for n in range(200):
        await _upload(client, api, f"newer-{n}.png")
    pid = (await create_product(client, api, title="Tee", variants=1))["id"]
    await staff(client, app, "manager")
    page = await client.get(f"{LIST}/{pid}/images")
    assert oldest["id"] not in page.text and "newer-199.png" in page.text
    attached = await client.post(
        f"{LIST}/{pid}/images",
        data={"_csrf": csrf_of(page.text), "media_id": oldest["id"], "url": "", "position": "0"},
    )
    assert attached.status_code == 303, attached.text
    [image] = await _images(client, api, pid)
    assert image["media_id"] == oldest["id"] and image["url"].endswith(oldest["url"])
