"""Media in an S3-compatible bucket: the storage contract, an upload → public GET through the
app, failures as 503 behind the circuit breaker, timeouts, credentials, settings.

The server is moto's (``python -m moto.server``) on a loopback port, started once for this
module with authentication on: requests whose SigV4 signature is wrong are refused, as S3
refuses them, so the signing is checked too.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from typer.testing import CliRunner

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.main import app as cli
from rustok.core.resilience import CircuitOpenError
from rustok.core.settings import Settings, SettingsError
from rustok.modules.content.errors import MediaStorageUnavailable
from rustok.modules.content.media.media_runtime import media_storage
from rustok.modules.content.media.s3 import S3Config, S3MediaStorage
from rustok.modules.content.media.storage import LocalMediaStorage, media_key
from rustok.modules.content.settings import ContentSettings
from tests.conftest import make_settings, serve_app
from tests.modules.content.media_samples import check_storage_contract, jpeg, png
from tests.modules.helpers import login_as
from tests.services import _port_open, _wait, free_port

REGION = "us-east-1"
# IAM calls moto answers before it starts checking signatures: user, key, policy.
UNAUTHENTICATED_SETUP_CALLS = 3
S3_ALL = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}  # fmt: skip


class MotoS3:
    def __init__(self, endpoint: str, key_id: str, secret: str) -> None:
        self.endpoint, self.key_id, self.secret = endpoint, key_id, secret
        self.client: Any = boto3.client(
            "s3", endpoint_url=endpoint, region_name=REGION,
            aws_access_key_id=key_id, aws_secret_access_key=secret,
        )  # fmt: skip

    def new_bucket(self) -> str:
        name = f"media-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        return name

    def config(self, bucket: str, **changes: Any) -> S3Config:
        values: dict[str, Any] = {
            "bucket": bucket, "region": REGION, "endpoint": self.endpoint,
            "access_key_id": self.key_id, "secret_access_key": self.secret, "timeout": 10.0,
        }  # fmt: skip
        return S3Config(**(values | changes))

    def keys(self, bucket: str) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in listed.get("Contents", [])]


@pytest.fixture(scope="module")
def moto_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(UNAUTHENTICATED_SETUP_CALLS)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:
        _wait(_port_open(port), "moto server", proc, log)
        endpoint = f"http://127.0.0.1:{port}"
        iam: Any = boto3.client(
            "iam", endpoint_url=endpoint, region_name=REGION,
            aws_access_key_id="setup", aws_secret_access_key="setup",
        )  # fmt: skip
        iam.create_user(UserName="rustok")
        key = iam.create_access_key(UserName="rustok")["AccessKey"]
        iam.put_user_policy(UserName="rustok", PolicyName="s3", PolicyDocument=json.dumps(S3_ALL))
        yield MotoS3(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
async def storage(moto_s3: MotoS3) -> AsyncIterator[S3MediaStorage]:
    s3 = S3MediaStorage(moto_s3.config(moto_s3.new_bucket()))
    yield s3
    await s3.aclose()


async def test_storage_contract(storage: S3MediaStorage, moto_s3: MotoS3) -> None:
    await check_storage_contract(storage)
    key = media_key(uuid.uuid4(), uuid.uuid4(), 2026, 12)
    await storage.save(key, png(2, 2), "image/png")
    head = moto_s3.client.head_object(Bucket=storage.config.bucket, Key=key)
    assert head["ContentType"] == "image/png" and head["ContentLength"] == len(png(2, 2))


def exists(path: str) -> bool:
    """A plain function: blocking I/O is fine in a test's checks."""
    return Path(path).exists()


def s3_settings(db_url: str, tmp_path: Path, moto_s3: MotoS3, bucket: str) -> Settings:
    return make_settings(
        db_url, tmp_path, media_storage="s3", media_s3_bucket=bucket,
        media_s3_endpoint=moto_s3.endpoint, media_s3_access_key_id=moto_s3.key_id,
        media_s3_secret_access_key=moto_s3.secret, media_cache_max_age=600,
    )  # fmt: skip


async def test_upload_then_public_get_through_the_app(
    db_url: str, tmp_path: Path, moto_s3: MotoS3
) -> None:
    bucket = moto_s3.new_bucket()
    settings = s3_settings(db_url, tmp_path, moto_s3, bucket)
    app = create_app(settings)
    photo = jpeg(1200, 800)
    async with serve_app(app) as client:
        admin = await login_as(client, app.platform, "admin")
        raw = await client.post(
            "/api/content/media", params={"file_name": "hero.jpg"}, content=photo,
            headers={**admin, "content-type": "image/jpeg"},
        )  # fmt: skip
        assert raw.status_code == 201, raw.text
        form = await client.post(
            "/api/content/media", files={"file": ("logo.png", png(8, 8))}, headers=admin
        )
        assert form.status_code == 201, form.text
        media = raw.json()
        assert (media["width"], media["height"]) == (1200, 800)
        served = await client.get(media["url"])
        assert served.status_code == 200 and served.content == photo
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["cache-control"] == "public, max-age=600"
        cached = await client.get(media["url"], headers={"if-none-match": served.headers["etag"]})
        assert cached.status_code == 304
        assert (await client.get(form.json()["url"])).content == png(8, 8)
        keys = moto_s3.keys(bucket)
        assert len(keys) == 2 and any(k.endswith(media["id"]) for k in keys)
        tenant_id = media["url"].split("/")[2]  # /media/<tenant>/<id>/<name>
        assert all(k.startswith(f"{tenant_id}/") for k in keys)
        assert not exists(settings.of(ContentSettings).media_root)  # nothing on the local disk
        # A file lost from the bucket is a 404 (logged), the metadata stays.
        moto_s3.client.delete_object(Bucket=bucket, Key=next(k for k in keys if media["id"] in k))
        lost = await client.get(media["url"])
        assert lost.status_code == 404 and lost.json()["code"] == "MEDIA_NOT_FOUND"
        deleted = await client.delete(f"/api/content/media/{form.json()['id']}", headers=admin)
        assert deleted.status_code == 204
        assert moto_s3.keys(bucket) == []
        storage = media_storage(app.platform)
        assert isinstance(storage, S3MediaStorage)
    assert storage._client.is_closed  # the app's shutdown closed the connection pool


async def test_an_unavailable_bucket_is_a_503(db_url: str, tmp_path: Path, moto_s3: MotoS3) -> None:
    settings = s3_settings(db_url, tmp_path, moto_s3, "no-such-bucket")
    app = create_app(settings)
    async with serve_app(app) as client:
        admin = await login_as(client, app.platform, "admin")
        response = await client.post(
            "/api/content/media", files={"file": ("a.png", png(1, 1))}, headers=admin
        )
        assert response.status_code == 503, response.text
        problem = response.json()
        assert problem["code"] == "MEDIA_STORAGE_UNAVAILABLE"
        assert "404 NoSuchBucket" in problem["detail"]
        assert (await client.get("/api/content/media", headers=admin)).json()["total"] == 0


async def test_wrong_keys_and_missing_buckets_fail_clearly(moto_s3: MotoS3) -> None:
    bucket = moto_s3.new_bucket()
    key = media_key(uuid.uuid4(), uuid.uuid4(), 2026, 12)
    wrong = S3MediaStorage(moto_s3.config(bucket, secret_access_key="not-the-secret"))
    missing = S3MediaStorage(moto_s3.config("no-such-bucket"))
    try:
        with pytest.raises(MediaStorageUnavailable, match="403 SignatureDoesNotMatch"):
            await wrong.save(key, b"x")
        with pytest.raises(MediaStorageUnavailable, match="HEAD answered 403"):
            await wrong.check()
        with pytest.raises(MediaStorageUnavailable, match="HEAD answered 404"):
            await missing.check()
        with pytest.raises(MediaStorageUnavailable, match="NoSuchBucket"):
            await missing.read(key)  # not a missing file: the bucket is gone
    finally:
        await wrong.aclose()
        await missing.aclose()


class CountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await super().handle_async_request(request)


async def test_the_breaker_opens_after_five_failures(moto_s3: MotoS3) -> None:
    transport = CountingTransport()
    closed_port = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config = moto_s3.config("media", endpoint=closed_port)
    storage = S3MediaStorage(config, transport=transport)
    key = media_key(uuid.uuid4(), uuid.uuid4(), 2026, 12)
    try:
        for _ in range(5):
            with pytest.raises(MediaStorageUnavailable, match="ConnectError"):
                await storage.read(key)
        with pytest.raises(MediaStorageUnavailable, match="circuit open") as rejected:
            await storage.read(key)
        assert isinstance(rejected.value.__cause__, CircuitOpenError)
        assert transport.requests == 5  # the sixth call never left
    finally:
        await storage.aclose()


async def test_a_silent_server_times_out(moto_s3: MotoS3) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def never_answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    storage = S3MediaStorage(moto_s3.config("media", endpoint=f"http://127.0.0.1:{port}",
                                            timeout=0.2))  # fmt: skip
    try:
        with pytest.raises(MediaStorageUnavailable, match="Timeout"):
            await storage.save(media_key(uuid.uuid4(), uuid.uuid4(), 2026, 12), b"x")
        assert len(accepted) == 1
    finally:
        await storage.aclose()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_default_credentials_from_the_environment(
    moto_s3: MotoS3, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", moto_s3.key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", moto_s3.secret)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    config = moto_s3.config(moto_s3.new_bucket(), access_key_id=None, secret_access_key=None)
    storage = S3MediaStorage(config)
    try:
        await check_storage_contract(storage)
    finally:
        await storage.aclose()


def test_settings_choose_and_check_the_storage(tmp_path: Path) -> None:
    env = {"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_MEDIA_STORAGE": "s3"}
    result = CliRunner(env=env).invoke(cli, ["migrate"])
    assert result.exit_code == 2
    assert "RUSTOK_MEDIA_S3_BUCKET: required when RUSTOK_MEDIA_STORAGE=s3" in result.stderr
    refused = {
        "RUSTOK_MEDIA_STORAGE": ("ftp", "allowed values: local, s3"),
        "RUSTOK_MEDIA_S3_BUCKET": ("Not_A_Bucket", "invalid bucket name"),
        "RUSTOK_MEDIA_S3_ENDPOINT": ("s3.example.com", "expected http(s)://host[:port]"),
        "RUSTOK_MEDIA_S3_REGION": ("EU West", "invalid value"),
        "RUSTOK_MEDIA_S3_ACCESS_KEY_ID": ("AKIA", "give both, or neither"),
        "RUSTOK_MEDIA_S3_TIMEOUT_SECONDS": ("0", "out of range"),
        "RUSTOK_MEDIA_CACHE_MAX_AGE": ("-1", "out of range"),
    }
    for name, (value, message) in refused.items():
        with pytest.raises(SettingsError, match=re.escape(message)) as error:
            load_all_settings({name: value, "RUSTOK_DATA_DIR": str(tmp_path)}, warn=False)
        assert str(error.value).startswith(name)
    s3 = load_all_settings(
        {"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_MEDIA_STORAGE": "s3",
         "RUSTOK_MEDIA_S3_BUCKET": "shop-media", "RUSTOK_MEDIA_S3_ENDPOINT": "http://[::1]:9000"},
        warn=False,
    )  # fmt: skip
    content = s3.of(ContentSettings)
    assert (content.media_storage, content.media_s3_region) == ("s3", REGION)
    assert content.media_s3_timeout_seconds == 30.0
    config = S3Config.from_settings(content)
    assert config.url("a/b") == "http://[::1]:9000/shop-media/a/b"
    assert S3Config(bucket="b1", region="eu-west-1").url("k") == (
        "https://b1.s3.eu-west-1.amazonaws.com/k"
    )
    assert S3Config(bucket="my.bucket", region="eu-west-1").url("k") == (
        "https://s3.eu-west-1.amazonaws.com/my.bucket/k"
    )


async def test_local_storage_stays_the_default(tmp_path: Path) -> None:
    settings = load_all_settings({"RUSTOK_DATA_DIR": str(tmp_path)}, warn=False)
    assert settings.of(ContentSettings).media_storage == "local"
    platform = bootstrap(settings)
    try:
        storage = media_storage(platform)
        assert isinstance(storage, LocalMediaStorage)
        assert storage.root == Path(settings.of(ContentSettings).media_root)
        assert media_storage(platform) is storage  # built once
    finally:
        await platform.aclose()
