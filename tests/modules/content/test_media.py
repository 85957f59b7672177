"""Media: raw and multipart uploads, types sniffed from the bytes and checked, image sizes,
the public file URL (no headers, ETag/304, caching), alternative texts per locale,
deletion, scopes, and hostile inputs on every path."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp, create_app
from rustok.core.platform import Platform
from rustok.modules.content.media.storage import LocalMediaStorage, MemoryMediaStorage
from rustok.modules.content.settings import ContentSettings
from rustok.tenancy.models import DEFAULT_TENANT_ID
from rustok.tenancy.schemas import TenantCreate, TenantUpdate
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import count_queries, make_settings, serve_app
from tests.modules.content.media_samples import (
    ALLOWED_SAMPLES,
    CSV,
    check_storage_contract,
    jpeg,
    png,
)
from tests.modules.helpers import add_role, event_types, gql, login_as

MEDIA = "/api/content/media"
PNG = png(4, 3)
Json = dict[str, Any]


def files(root: str | Path, pattern: str = "*") -> list[Path]:
    """Files under a directory (a plain function: blocking I/O is fine in test set-up)."""
    return [p for p in Path(root).rglob(pattern) if p.is_file()]


@pytest.mark.parametrize("kind", ["local", "memory"])
async def test_storage_contract(kind: str, tmp_path: Path) -> None:
    storage = LocalMediaStorage(tmp_path) if kind == "local" else MemoryMediaStorage()
    await check_storage_contract(storage)
    if kind == "local":
        assert not any(p.name.endswith(".part") for p in files(tmp_path))


async def upload_raw(
    client: httpx.AsyncClient, headers: dict[str, str], name: str = "logo.png",
    data: bytes = PNG, mime: str = "image/png",
) -> httpx.Response:  # fmt: skip
    return await client.post(
        MEDIA, params={"file_name": name}, content=data, headers={**headers, "content-type": mime}
    )


def multipart(boundary: str, *parts: tuple[dict[str, str], bytes]) -> bytes:
    """A form by hand: parts with exactly the headers given (none added)."""
    body = b""
    for headers, content in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        body += f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


async def test_raw_upload_and_its_public_url(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    uploaded = await upload_raw(client, admin)
    assert uploaded.status_code == 201, uploaded.text
    media = uploaded.json()
    assert (media["file_name"], media["mime_type"], media["size"]) == ("logo.png", "image/png",
                                                                       len(PNG))  # fmt: skip
    assert (media["width"], media["height"]) == (4, 3)
    assert media["checksum"] == hashlib.sha256(PNG).hexdigest() and media["alt_text"] is None
    assert media["url"] == f"/media/{DEFAULT_TENANT_ID}/{media['id']}/logo.png"
    stored = files(platform.settings.of(ContentSettings).media_root, media["id"])
    assert len(stored) == 1 and stored[0].read_bytes() == PNG

    public = await client.get(media["url"])  # no tenant header, no token
    assert public.status_code == 200 and public.content == PNG
    etag = f'"{media["checksum"]}"'
    assert public.headers["content-type"] == "image/png"
    assert public.headers["etag"] == etag
    assert public.headers["cache-control"] == "public, max-age=86400"
    assert public.headers["x-content-type-options"] == "nosniff"
    assert public.headers["content-length"] == str(len(PNG))
    assert public.headers["content-disposition"].startswith('inline; filename="logo.png"')
    assert public.headers["cross-origin-resource-policy"] == "cross-origin"
    assert "sandbox" in public.headers["content-security-policy"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = await client.get(media["url"], headers={"if-none-match": if_none_match})
        assert cached.status_code == 304 and cached.content == b"", if_none_match
        assert cached.headers["etag"] == etag
    assert (await client.get(media["url"], headers={"if-none-match": '"x"'})).status_code == 200

    by_header = await client.get(f"{MEDIA}/{media['id']}/file")
    assert by_header.status_code == 200 and by_header.content == PNG
    assert by_header.headers["cache-control"] == "private, no-cache"
    assert "cross-origin-resource-policy" not in by_header.headers
    again = await client.get(f"{MEDIA}/{media['id']}/file", headers={"if-none-match": etag})
    assert again.status_code == 304


async def test_describe_rename_delete(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    media = (await upload_raw(client, admin)).json()
    described = await client.patch(
        f"{MEDIA}/{media['id']}",
        json={"file_name": "brand mark ü.png", "translations": [
            {"locale": "en", "alt_text": "Our logo"}, {"locale": "ru", "alt_text": "Наш логотип"}]},
        headers=admin,
    )  # fmt: skip
    assert described.status_code == 200, described.text
    renamed = described.json()
    assert renamed["url"] == f"/media/{DEFAULT_TENANT_ID}/{media['id']}/brand%20mark%20%C3%BC.png"
    assert (await client.get(f"{MEDIA}/{media['id']}?locale=ru")).json()[
        "alt_text"
    ] == "Наш логотип"
    served = await client.get(renamed["url"])
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-disposition"] == (
        "inline; filename=\"brand mark _.png\"; filename*=UTF-8''brand%20mark%20%C3%BC.png"
    )
    assert (await client.get(media["url"])).status_code == 404  # the old name
    listed = (await client.get(MEDIA, headers=admin)).json()
    assert [m["id"] for m in listed["items"]] == [media["id"]]
    assert (await client.delete(f"{MEDIA}/{media['id']}", headers=admin)).status_code == 204
    assert files(platform.settings.of(ContentSettings).media_root) == []
    gone = await client.get(renamed["url"])
    assert gone.status_code == 404 and gone.json()["code"] == "MEDIA_NOT_FOUND"
    assert [k for k in await event_types(platform) if k.startswith("media.")] == [
        "media.uploaded", "media.updated", "media.deleted"
    ]  # fmt: skip


async def test_every_allowed_type_sniffed_with_its_size(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    for kind, (data, mime, width, height) in sorted(ALLOWED_SAMPLES.items()):
        # Declared as unknown: the bytes decide.
        response = await upload_raw(client, admin, f"f.{kind}", data, "application/octet-stream")
        assert response.status_code == 201, (kind, response.text)
        media = response.json()
        assert (media["mime_type"], media["width"], media["height"]) == (mime, width, height)
        served = await client.get(media["url"])
        assert served.content == data and served.headers["content-type"].startswith(mime)
        inline = not mime.startswith("text/")
        disposition = served.headers["content-disposition"]
        assert disposition.startswith("inline" if inline else "attachment"), kind


async def test_multipart_upload(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    photo = jpeg(640, 480)
    response = await client.post(
        MEDIA, files={"file": ("holiday photo.jpg", photo, "image/jpeg")},
        data={"alt_text": "Beach at noon", "caption": "Crete"}, headers=admin,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    media = response.json()
    assert (media["file_name"], media["mime_type"]) == ("holiday photo.jpg", "image/jpeg")
    assert (media["width"], media["height"], media["size"]) == (640, 480, len(photo))
    assert (media["locale"], media["alt_text"], media["caption"]) == ("en", "Beach at noon",
                                                                      "Crete")  # fmt: skip
    assert (await client.get(media["url"])).content == photo
    # A part without Content-Type is sniffed; file_name and locale as fields.
    body = multipart(
        "b0undary",
        ({"Content-Disposition": 'form-data; name="file"; filename="x"'}, CSV),
        ({"Content-Disposition": 'form-data; name="file_name"'}, b"prices.csv"),
        ({"Content-Disposition": 'form-data; name="alt_text"'}, "Цены".encode()),
        ({"Content-Disposition": 'form-data; name="locale"'}, b"ru"),
    )
    headers = {**admin, "content-type": "multipart/form-data; boundary=b0undary"}
    response = await client.post(MEDIA, content=body, headers=headers)
    assert response.status_code == 201, response.text
    media = response.json()
    assert (media["file_name"], media["mime_type"]) == ("prices.csv", "text/plain")
    assert [(t["locale"], t["alt_text"]) for t in media["translations"]] == [("ru", "Цены")]
    served = await client.get(media["url"])
    assert served.content == CSV
    assert served.headers["content-disposition"].startswith('attachment; filename="prices.csv"')
    # The query names it too.
    named = await client.post(
        MEDIA, params={"file_name": "renamed.png"}, files={"file": ("a.png", PNG)}, headers=admin
    )
    assert named.status_code == 201 and named.json()["file_name"] == "renamed.png"


async def test_spoofed_and_dangerous_types_are_refused(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    cases = [
        (await upload_raw(client, admin, data=PNG, mime="image/jpeg"), "MEDIA_TYPE_MISMATCH",
         "image/png, not image/jpeg"),
        (await upload_raw(client, admin, data=html, mime="text/plain"), "MEDIA_TYPE_NOT_ALLOWED",
         "markup"),
        (await upload_raw(client, admin, data=html, mime="text/html"), "MEDIA_TYPE_NOT_ALLOWED",
         "HTML"),
        (await upload_raw(client, admin, data=b"<svg onload=alert(1)>", mime="image/svg+xml"),
         "MEDIA_TYPE_NOT_ALLOWED", "SVG"),
        (await upload_raw(client, admin, data=b"\x7fELF\x02\x01\x01" + b"\0" * 60,
                          mime="application/octet-stream"), "MEDIA_TYPE_NOT_ALLOWED",
         "application/x-executable"),
        (await upload_raw(client, admin, data=b"MZ" + b"\0" * 62, mime="image/png"),
         "MEDIA_TYPE_NOT_ALLOWED", "x-msdownload"),
        (await upload_raw(client, admin, data=bytes(range(256)), mime="application/octet-stream"),
         "MEDIA_TYPE_NOT_ALLOWED", "not recognised"),
        (await upload_raw(client, admin, mime="not a type"), "MEDIA_TYPE_NOT_ALLOWED",
         "not allowed"),
        (await client.post(MEDIA, files={"file": ("a.gif", PNG, "image/gif")}, headers=admin),
         "MEDIA_TYPE_MISMATCH", "not image/gif"),
    ]  # fmt: skip
    for response, code, reason in cases:
        assert response.status_code == 415, response.text
        problem = response.json()
        assert problem["code"] == code and reason in problem["detail"], problem
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(MEDIA, headers=admin)).json()["total"] == 0
    assert files(platform.settings.of(ContentSettings).media_root) == []


async def test_malformed_uploads_are_400(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    form = {**admin, "content-type": "multipart/form-data; boundary=zz"}
    disposition = {"Content-Disposition": 'form-data; name="file"; filename="a.png"'}
    cases = [
        (await client.post(MEDIA, content=PNG, headers={**admin, "content-type": "image/png"}),
         "file_name"),
        (await upload_raw(client, admin, name="../../etc/passwd"), "file_name"),
        (await upload_raw(client, admin, name=".."), "file_name"),
        (await upload_raw(client, admin, data=b""), "file"),
        (await client.post(MEDIA, files={"file": ("../../etc/passwd", PNG)}, headers=admin),
         "file_name"),
        (await client.post(MEDIA, files={"file": ("empty.png", b"")}, headers=admin), "file"),
        (await client.post(MEDIA, content=b"--zz\r\n", headers={
            **admin, "content-type": "multipart/form-data"}), "content-type"),
        (await client.post(MEDIA, content=b"--zz\r\nContent-Disposition: form-data; name=\"file\""
                           b"; filename=\"a.png\"\r\n\r\n" + PNG, headers=form), "body"),
        (await client.post(MEDIA, content=b"garbage without any boundary", headers=form), "body"),
        (await client.post(MEDIA, content=b"", headers=form), "file"),
        (await client.post(MEDIA, content=multipart(
            "zz", ({"Content-Disposition": 'form-data; name="alt_text"'}, b"only text")),
            headers=form), "file"),
        (await client.post(MEDIA, content=multipart("zz", (disposition, PNG), (disposition, PNG)),
                           headers=form), "file"),
        (await client.post(MEDIA, content=multipart(
            "zz", (disposition, PNG), ({"Content-Disposition": 'form-data; name="owner"'}, b"x")),
            headers=form), "owner"),
        (await client.post(MEDIA, files={"file": ("a.png", PNG)}, data={"caption": "c"},
                           headers=admin), "alt_text"),
        (await client.post(MEDIA, files={"file": ("a.png", PNG)},
                           data={"alt_text": "x", "locale": "not a locale"}, headers=admin),
         "alt_text"),
    ]  # fmt: skip
    for index, (response, field) in enumerate(cases):
        assert response.status_code == 400, (index, response.text)
        assert field in response.json()["errors"], (index, response.json())
    assert (await client.get(MEDIA, headers=admin)).json()["total"] == 0
    assert files(platform.settings.of(ContentSettings).media_root) == []


async def test_uploaders_with_own_scope(client: httpx.AsyncClient, platform: Platform) -> None:
    grants = [("media", action, "own") for action in ("create", "read", "update", "delete", "list")]
    headers = []
    for email in ("ann@example.com", "ben@example.com"):
        await make_user(platform, email, "customer")
        await add_role(platform, email, "uploader", grants)
        headers.append(bearer(await sign_in(client, email)))
    ann, ben = headers
    mine = (await upload_raw(client, ann)).json()
    theirs = (await upload_raw(client, ben)).json()
    assert [m["id"] for m in (await client.get(MEDIA, headers=ann)).json()["items"]] == [mine["id"]]
    patch = {"translations": [{"locale": "en", "alt_text": "x"}]}
    assert (
        await client.patch(f"{MEDIA}/{theirs['id']}", json=patch, headers=ann)
    ).status_code == 403
    assert (await client.delete(f"{MEDIA}/{theirs['id']}", headers=ann)).status_code == 403
    assert (await client.patch(f"{MEDIA}/{mine['id']}", json=patch, headers=ann)).status_code == 200
    customer = await login_as(client, platform, "customer")
    assert (await upload_raw(client, customer)).status_code == 403
    form = await client.post(MEDIA, files={"file": ("a.png", PNG)}, headers=customer)
    assert form.status_code == 403
    anonymous = await client.post(MEDIA, files={"file": ("a.png", PNG)})
    assert anonymous.status_code == 401


async def test_a_missing_file_is_not_found(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    media = (await upload_raw(client, admin)).json()
    for path in files(platform.settings.of(ContentSettings).media_root):
        path.unlink()
    for url in (media["url"], f"{MEDIA}/{media['id']}/file"):
        response = await client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "MEDIA_NOT_FOUND"
    assert (await client.get(f"{MEDIA}/{media['id']}")).status_code == 200  # metadata stays


async def test_graphql_reads_carry_the_public_url(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    media = (await upload_raw(client, admin)).json()
    body = await gql(
        client, "query($id: ID!) { contentMedia(id: $id) { url width height mimeType } }",
        id=media["id"],
    )  # fmt: skip
    assert body["data"]["contentMedia"] == {
        "url": media["url"], "width": 4, "height": 3, "mimeType": "image/png"
    }  # fmt: skip


def test_openapi_documents_both_upload_bodies_and_the_public_path(app: RustokApp) -> None:
    schema = app.litestar.openapi_schema.to_schema()
    upload = schema["paths"][MEDIA]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/octet-stream", "multipart/form-data"}
    assert upload["multipart/form-data"]["schema"]["required"] == ["file"]
    public = schema["paths"]["/media/{tenant_id}/{media_id}/{file_name}"]["get"]
    assert "304" in public["responses"] and public.get("security") in (None, [])


async def _disable_content(client: httpx.AsyncClient, app: RustokApp, headers: Json) -> None:
    """Content and the modules built on it, off for the caller's tenant."""
    dependents = [m.slug for m in app.platform.modules if "content" in m.dependencies]
    for slug in [*dependents, "content"]:
        response = await client.put(
            f"/api/modules/{slug}", json={"enabled": False}, headers=headers
        )
        assert response.status_code == 200, response.text


async def test_the_public_path_takes_its_tenant_from_the_path(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    platform = app.platform
    other = await app.tenancy.tenants().create(TenantCreate(slug="other", name="Other"))
    admin = await login_as(client, platform, "admin")
    other_admin = await login_as(client, platform, "super_admin", tenant="other")
    mine = (await upload_raw(client, admin)).json()
    theirs = (await upload_raw(client, other_admin, name="theirs.png")).json()
    assert theirs["url"] == f"/media/{other.id}/{theirs['id']}/theirs.png"
    assert (await client.get(theirs["url"])).content == PNG
    # The tenant header plays no part: the path's tenant is served.
    served = await client.get(theirs["url"], headers={"x-tenant-id": "default"})
    assert served.status_code == 200 and served.content == PNG
    not_found = {
        f"/media/{other.id}/{mine['id']}/logo.png": "MEDIA_NOT_FOUND",  # another tenant's id
        f"/media/{DEFAULT_TENANT_ID}/{theirs['id']}/theirs.png": "MEDIA_NOT_FOUND",
        f"/media/{DEFAULT_TENANT_ID}/{uuid.uuid4()}/logo.png": "MEDIA_NOT_FOUND",
        f"/media/{DEFAULT_TENANT_ID}/{mine['id']}/other.png": "MEDIA_NOT_FOUND",
        f"/media/{DEFAULT_TENANT_ID}/{mine['id']}/..%2F..%2Fetc%2Fpasswd": "NOT_FOUND",
        f"/media/{DEFAULT_TENANT_ID}/{mine['id']}/logo.png%00": "MEDIA_NOT_FOUND",
        f"/media/{DEFAULT_TENANT_ID}/{mine['id']}": "NOT_FOUND",
        f"/media/{uuid.uuid4()}/{mine['id']}/logo.png": "TENANT_NOT_FOUND",
        f"/media/{str(other.id).upper()}/{theirs['id']}/theirs.png": "TENANT_NOT_FOUND",
        f"/media/default/{mine['id']}/logo.png": "TENANT_NOT_FOUND",
    }
    for url, code in not_found.items():
        response = await client.send(client.build_request("GET", httpx.URL(url)))
        assert response.status_code in (400, 404), (url, response.text)
        assert response.json()["code"] in (code, "VALIDATION_ERROR"), (url, response.text)
    # A tenant that switched content off serves none of its files; a disabled tenant neither.
    await _disable_content(client, app, other_admin)
    assert (await client.get(theirs["url"])).status_code == 404
    assert (await client.get(mine["url"])).status_code == 200
    await app.tenancy.tenants().update(other.id, TenantUpdate(is_active=False))
    disabled = await client.get(theirs["url"])
    assert disabled.status_code == 403 and disabled.json()["code"] == "TENANT_DISABLED"


async def test_body_limit_and_path_mode(db_url: str, tmp_path: Path) -> None:
    """Uploads obey RUSTOK_MAX_BODY_SIZE; in path mode /t/<slug>/media/<other tenant>/… is
    still another tenant's path (404), and /media/… works as in every mode."""
    settings = make_settings(db_url, tmp_path, max_body_size=4096, tenant_resolution="path")
    app = create_app(settings)
    async with serve_app(app) as client:
        admin = await login_as(client, app.platform, "admin")
        big = png(4, 3) + b"\0" * 5000
        raw = await upload_raw(client, admin, data=big)
        assert raw.status_code == 413 and raw.json()["code"] == "PAYLOAD_TOO_LARGE", raw.text
        form = await client.post(MEDIA, files={"file": ("big.png", big)}, headers=admin)
        assert form.status_code == 413, form.text
        assert files(settings.of(ContentSettings).media_root) == []
        media = (await upload_raw(client, admin)).json()
        assert (await client.get(media["url"])).content == PNG
        await app.tenancy.tenants().create(TenantCreate(slug="other", name="Other"))
        through_other = await client.get(f"/t/other{media['url']}")
        assert through_other.status_code == 404
        assert through_other.json()["code"] == "MEDIA_NOT_FOUND"
        assert (await client.get(f"/t/default{media['url']}")).content == PNG


async def test_serving_a_file_costs_one_query(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    media = (await upload_raw(client, admin)).json()
    assert (await client.get(media["url"])).status_code == 200  # the tenant is cached now
    with count_queries(platform.db) as served:
        assert (await client.get(media["url"])).content == PNG
    with count_queries(platform.db) as revalidated:
        response = await client.get(
            media["url"], headers={"if-none-match": f'"{media["checksum"]}"'}
        )
        assert response.status_code == 304
    assert (served.count, revalidated.count) == (1, 1), served.statements
