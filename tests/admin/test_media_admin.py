"""The media library screen: the list, uploading a file as a browser form does (with the
REST upload's rules: the type sniffed from the bytes, 415 for a type not allowed, one
``file`` part) and deleting one, through ``MediaService`` with the REST routes' ``media:*``
permissions."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import signed_in
from tests.modules.content.media_samples import EXE, png

PATH = "/admin/content/media"
API = "/api/content/media"
DELETE_RE = re.compile(r'action="/admin/content/media/([0-9a-f-]{36})/delete"')
# The session check, the count, the page and the translations in one batch: measured 4 on
# SQLite and PostgreSQL.
BUDGET = 4


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _upload(
    client: httpx.AsyncClient, name: str, data: bytes, mime: str = "application/octet-stream",
    **fields: str,
) -> httpx.Response:  # fmt: skip
    token = csrf_of((await client.get(PATH)).text)
    return await client.post(
        PATH, data={"_csrf": token, **fields}, files={"file": (name, data, mime)}
    )


async def test_upload_list_and_delete_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    empty = await client.get(PATH)
    assert empty.status_code == 200 and "No files yet." in empty.text
    assert 'enctype="multipart/form-data"' in empty.text
    uploaded = await _upload(client, "logo.png", png(4, 3), alt_text="Our logo")
    assert uploaded.status_code == 303 and uploaded.headers["location"] == PATH
    listed = await client.get(PATH)
    assert "The file is uploaded." in listed.text and "logo.png" in listed.text
    assert "image/png" in listed.text and "Our logo" in listed.text
    api = await signed_in(client, app, "admin")
    [media] = (await client.get(API, headers=api)).json()["items"]
    assert media["mime_type"] == "image/png" and media["width"] == 4
    assert media["alt_text"] == "Our logo"
    file = await client.get(media["url"])
    assert file.status_code == 200 and file.content == png(4, 3)
    [media_id] = DELETE_RE.findall(listed.text)
    deleted = await client.post(f"{PATH}/{media_id}/delete", data={"_csrf": csrf_of(listed.text)})
    assert deleted.status_code == 303 and "The file is deleted." in (await client.get(PATH)).text
    assert (await client.get(API, headers=api)).json()["items"] == []


async def test_refused_uploads_are_said_next_to_the_file_input(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    program = await _upload(client, "setup.png", EXE, "image/png")
    assert program.status_code == 415 and 'id="file-error"' in program.text
    token = csrf_of((await client.get(PATH)).text)
    no_file = await client.post(PATH, data={"_csrf": token, "alt_text": "x"}, files={})
    assert no_file.status_code == 400 and 'id="file-error"' in no_file.text
    stray = await _upload(client, "a.png", png(1, 1), title="unknown field")
    assert stray.status_code == 400 and 'id="title-error"' not in stray.text
    assert "unknown field" in stray.text
    assert "No files yet." in stray.text


async def test_customers_are_refused_and_a_post_without_csrf_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    no_token = await client.post(PATH, files={"file": ("a.png", png(1, 1), "image/png")})
    assert no_token.status_code == 403
    await staff(client, app, "customer")
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(PATH)).status_code == 403
    refused = await client.post(
        PATH, data={"_csrf": token}, files={"file": ("a.png", png(1, 1), "image/png")}
    )
    assert refused.status_code == 403
    api = await signed_in(client, app, "admin")
    assert (await client.get(API, headers=api)).json()["items"] == []


async def test_a_list_of_50_files_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    for n in range(51):
        sent = await client.post(
            API, files={"file": (f"f{n}.png", png(n + 1, 1), "image/png")}, headers=api
        )
        assert sent.status_code == 201, sent.text
    await staff(client, app, "manager")
    assert (await client.get(PATH)).status_code == 200
    with count_queries(app.platform.db) as counter:
        listed = await client.get(PATH)
    assert len(DELETE_RE.findall(listed.text)) == 50 and "f50.png" in listed.text
    assert counter.count <= BUDGET, counter.statements
    assert len(DELETE_RE.findall((await client.get(PATH, params={"page": "2"})).text)) == 1
    assert (await client.get(PATH, params={"sort": "created"})).status_code == 400
