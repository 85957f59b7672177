"""Content settings (README "Configuration"): where uploaded media files live — a local
directory (created on first upload) or an S3-compatible bucket — and how long public file
URLs may be cached."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from rustok.core.module_settings import ModuleSettings
from rustok.core.setting_values import SettingsError

if TYPE_CHECKING:
    from rustok.core.settings import Settings

MediaStorageKind = Literal["local", "s3"]
_S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_S3_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?")
_S3_REGION = re.compile(r"[a-z0-9-]{1,32}")


def _about(text: str, **extra: str) -> msgspec.Meta:
    return msgspec.Meta(description=text, extra=extra or None)


class ContentSettings(ModuleSettings, frozen=True, kw_only=True):
    # Named before modules declared their settings: RUSTOK_MEDIA_*, not RUSTOK_CONTENT_….
    unprefixed = frozenset(
        {
            "media_root", "media_storage", "media_s3_bucket", "media_s3_endpoint",
            "media_s3_region", "media_s3_access_key_id", "media_s3_secret_access_key",
            "media_s3_timeout_seconds", "media_cache_max_age",
        }
    )  # fmt: skip

    media_root: Annotated[
        str,
        _about("directory of uploaded media files (created on first upload; must not be a file)"),
    ] = "./var/media"
    media_storage: Annotated[
        MediaStorageKind,
        _about("`local` (files under `RUSTOK_MEDIA_ROOT`) or `s3` (an S3-compatible bucket)"),
    ] = "local"
    media_s3_bucket: Annotated[str | None, _about("the bucket; required with `s3`")] = None
    media_s3_endpoint: Annotated[
        str | None,
        _about(
            "`http(s)://host[:port]` of MinIO, Ceph, R2, …: path-style URLs; without it AWS's "
            "virtual-hosted ones",
            default="— (AWS)",
        ),
    ] = None
    media_s3_region: Annotated[str, _about("the signing region")] = "us-east-1"
    media_s3_access_key_id: Annotated[
        str | None,
        _about(
            "with `RUSTOK_MEDIA_S3_SECRET_ACCESS_KEY`, or neither for AWS's default credentials "
            "(`AWS_*` variables, shared config, instance role)"
        ),
    ] = None
    media_s3_secret_access_key: Annotated[
        str | None, _about("the secret of `RUSTOK_MEDIA_S3_ACCESS_KEY_ID`")
    ] = None
    media_s3_timeout_seconds: Annotated[
        float,
        msgspec.Meta(
            ge=0.1, le=600,
            description="bound of each S3 call, a whole upload included; after 5 failures in a "
            "row the `media_s3` circuit breaker opens for 60 s: 503 `MEDIA_STORAGE_UNAVAILABLE`",
        ),
    ] = 30.0  # fmt: skip
    media_cache_max_age: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=365 * 24 * 3600,
            description="`Cache-Control: public, max-age=…` of the public media URLs, in seconds",
        ),
    ] = 86_400  # fmt: skip

    def check(self, variable: Callable[[str], str], platform: Settings) -> None:
        self._check_root(variable("media_root"))
        self._check_s3(variable)

    def _check_root(self, name: str) -> None:
        if not self.media_root or "\x00" in self.media_root:
            raise SettingsError(f"{name}: must be a directory path")
        path = Path(self.media_root)
        if path.exists() and not path.is_dir():
            raise SettingsError(f"{name}: {self.media_root} exists and is not a directory")

    def _check_s3(self, variable: Callable[[str], str]) -> None:
        bucket = self.media_s3_bucket
        if self.media_storage == "s3" and not bucket:
            raise SettingsError(
                f"{variable('media_s3_bucket')}: required when {variable('media_storage')}=s3"
            )
        if bucket and not _S3_BUCKET.fullmatch(bucket):
            raise SettingsError(
                f"{variable('media_s3_bucket')}: invalid bucket name {bucket!r}; use 3-63 "
                "lower-case letters, digits, dots or hyphens"
            )
        endpoint = self.media_s3_endpoint
        if endpoint and not _S3_ENDPOINT.fullmatch(endpoint):
            raise SettingsError(
                f"{variable('media_s3_endpoint')}: invalid value {endpoint!r}; expected "
                "http(s)://host[:port], e.g. http://127.0.0.1:9000"
            )
        if not _S3_REGION.fullmatch(self.media_s3_region):
            raise SettingsError(
                f"{variable('media_s3_region')}: invalid value {self.media_s3_region!r}; "
                "e.g. us-east-1"
            )
        if bool(self.media_s3_access_key_id) != bool(self.media_s3_secret_access_key):
            raise SettingsError(
                f"{variable('media_s3_access_key_id')}, {variable('media_s3_secret_access_key')}"
                ": give both, or neither to use the AWS default credentials (AWS_* variables, "
                "instance role)"
            )
