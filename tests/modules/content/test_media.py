"""Media: raw uploads stored under RUSTOK_MEDIA_ROOT behind the storage contract, alternative
texts per locale, downloads, deletion, scopes."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import httpx
import pytest

from rustok.core.platform import Platform
from rustok.modules.content.media.storage import (
    LocalMediaStorage,
    MediaStorage,
    MemoryMediaStorage,
    StoredFileMissing,
    media_key,
)
from tests.auth.helpers import bearer, make_user, sign_in
from tests.modules.helpers import add_role, event_types, login_as

MEDIA = "/api/content/media"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def files(root: str | Path, pattern: str = "*") -> list[Path]:
    """Files under a directory (a plain function: blocking I/O is fine in test set-up)."""
    return [p for p in Path(root).rglob(pattern) if p.is_file()]


@pytest.mark.parametrize("kind", ["local", "memory"])
async def test_storage_contract(kind: str, tmp_path: Path) -> None:
    storage: MediaStorage = LocalMediaStorage(tmp_path) if kind == "local" else MemoryMediaStorage()
    key = media_key(uuid.uuid4(), uuid.uuid4(), 2026, 11)
    await storage.check()
    await storage.save(key, b"first")
    await storage.save(key, b"second")  # replaced whole
    assert await storage.read(key) == b"second"
    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    with pytest.raises(StoredFileMissing):
        await storage.read(key)
    for bad in ("../etc/passwd", "a/b", f"{uuid.uuid4()}/2026/11/../../x"):
        with pytest.raises(ValueError, match="not a media storage key"):
            await storage.save(bad, b"x")
    if kind == "local":
        assert not any(p.name.endswith(".part") for p in files(tmp_path))


async def _upload(
    client: httpx.AsyncClient, headers: dict[str, str], name: str = "logo.png",
    data: bytes = PNG, mime: str = "image/png",
) -> httpx.Response:  # fmt: skip
    return await client.post(
        f"{MEDIA}?file_name={name}", content=data, headers={**headers, "content-type": mime}
    )


async def test_upload_describe_download_delete(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    uploaded = await _upload(client, admin)
    assert uploaded.status_code == 201, uploaded.text
    media = uploaded.json()
    assert (media["file_name"], media["mime_type"], media["size"]) == (
        "logo.png",
        "image/png",
        len(PNG),
    )
    assert media["checksum"] == hashlib.sha256(PNG).hexdigest() and media["alt_text"] is None
    stored = files(platform.settings.media_root, media["id"])
    assert len(stored) == 1 and stored[0].read_bytes() == PNG
    download = await client.get(media["url"])
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert "sandbox" in download.headers["content-security-policy"]
    described = await client.patch(
        f"{MEDIA}/{media['id']}",
        json={"file_name": "brand.png", "translations": [
            {"locale": "en", "alt_text": "Our logo"}, {"locale": "ru", "alt_text": "Наш логотип"}]},
        headers=admin,
    )  # fmt: skip
    assert described.status_code == 200, described.text
    assert (await client.get(f"{MEDIA}/{media['id']}?locale=ru")).json()[
        "alt_text"
    ] == "Наш логотип"
    assert described.json()["file_name"] == "brand.png"
    listed = (await client.get(MEDIA, headers=admin)).json()
    assert [m["id"] for m in listed["items"]] == [media["id"]]
    assert (await client.delete(f"{MEDIA}/{media['id']}", headers=admin)).status_code == 204
    assert files(platform.settings.media_root) == []
    assert (await client.get(media["url"])).status_code == 404
    assert [k for k in await event_types(platform) if k.startswith("media.")] == [
        "media.uploaded", "media.updated", "media.deleted"
    ]  # fmt: skip


async def test_risky_types_download_as_attachments(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    html = (
        await _upload(client, admin, "x.html", b"<script>alert(1)</script>", "text/html")
    ).json()
    download = await client.get(html["url"])
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment")


async def test_upload_validation(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    cases = [
        (await client.post(MEDIA, content=PNG, headers={**admin, "content-type": "image/png"}),
         "file_name"),
        (await _upload(client, admin, name="..%2Fsecret"), "file_name"),
        (await _upload(client, admin, mime="not a type"), "content-type"),
        (await _upload(client, admin, data=b""), "body"),
    ]  # fmt: skip
    for response, field in cases:
        assert response.status_code == 400, response.text
        assert field in response.json()["errors"], response.json()
    assert (await client.get(MEDIA, headers=admin)).json()["total"] == 0
    assert files(platform.settings.media_root) == []


async def test_uploaders_with_own_scope(client: httpx.AsyncClient, platform: Platform) -> None:
    grants = [("media", action, "own") for action in ("create", "read", "update", "delete", "list")]
    headers = []
    for email in ("ann@example.com", "ben@example.com"):
        await make_user(platform, email, "customer")
        await add_role(platform, email, "uploader", grants)
        headers.append(bearer(await sign_in(client, email)))
    ann, ben = headers
    mine = (await _upload(client, ann)).json()
    theirs = (await _upload(client, ben)).json()
    assert [m["id"] for m in (await client.get(MEDIA, headers=ann)).json()["items"]] == [mine["id"]]
    patch = {"translations": [{"locale": "en", "alt_text": "x"}]}
    assert (
        await client.patch(f"{MEDIA}/{theirs['id']}", json=patch, headers=ann)
    ).status_code == 403
    assert (await client.delete(f"{MEDIA}/{theirs['id']}", headers=ann)).status_code == 403
    assert (await client.patch(f"{MEDIA}/{mine['id']}", json=patch, headers=ann)).status_code == 200
    customer = await login_as(client, platform, "customer")
    assert (await _upload(client, customer)).status_code == 403


async def test_a_missing_file_is_not_found(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    media = (await _upload(client, admin)).json()
    for path in files(platform.settings.media_root):
        path.unlink()
    response = await client.get(media["url"])
    assert response.status_code == 404 and response.json()["code"] == "MEDIA_NOT_FOUND"
    assert (await client.get(f"{MEDIA}/{media['id']}")).status_code == 200  # metadata stays
