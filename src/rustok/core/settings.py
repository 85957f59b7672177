"""Settings from ``RUSTOK_*`` environment variables and an optional TOML/YAML file (ID-2).

Precedence: environment > settings file (``RUSTOK_SETTINGS_FILE``) > defaults. Every value is
checked here, once, at start-up: an invalid one raises :class:`SettingsError` whose message
names the variable and the allowed values, and the CLI turns it into exit code 2. A
``RUSTOK_*`` variable this version does not know only produces a warning.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import sys
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import msgspec
import yaml

ENV_PREFIX = "RUSTOK_"
# Variables read elsewhere (the settings file pointer, the test harness), never warned about.
_EXTRA_KNOWN = ("RUSTOK_SETTINGS_FILE",)
_IGNORED_PREFIXES = ("RUSTOK_TEST_",)
MIN_SECRET_LENGTH = 32

Environment = Literal["development", "production"]
EventTransport = Literal["memory", "nats"]
LogFormat = Literal["console", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]
TenantResolution = Literal["header", "host", "subdomain", "path", "disabled"]
MediaStorageKind = Literal["local", "s3"]


class SettingsError(Exception):
    """An invalid setting; the message is one line, meant for the operator."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Validated settings. Field ``foo_bar`` is read from ``RUSTOK_FOO_BAR``."""

    env: Environment = "development"
    database_url: str = "sqlite+aiosqlite:///./var/rustok.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    data_dir: str = "./var"
    secret_key: str | None = None
    event_transport: EventTransport = "memory"
    nats_url: str | None = None
    redis_url: str | None = None
    # Every Redis call gives up after this many seconds (then the breaker counts a failure).
    redis_timeout: float = 0.25
    # After 3 failed Redis calls in a row, skip Redis this long before trying again.
    redis_breaker_open_seconds: float = 5.0
    log_format: LogFormat = "console"
    log_level: LogLevel = "info"
    tenant_resolution: TenantResolution = "header"
    tenant_base_domain: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    modules: tuple[str, ...] | None = None
    default_modules: tuple[str, ...] | None = None
    max_body_size: int = 10 * 1024 * 1024
    # HTTP edge (README "Configuration"): JSON nesting, and Granian's header limits.
    max_json_depth: int = 64
    header_read_timeout: float = 10.0
    max_header_size: int = 64 * 1024
    http2: bool = False
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Seconds a request waits for a connection (from the pool, or a new one) before 503.
    db_pool_timeout: float = 5.0
    # PostgreSQL cancels a statement running longer (503); 0 = no limit. Not used by SQLite.
    db_statement_timeout: float = 15.0
    db_echo: bool = False
    graphiql: bool | None = None
    # GraphQL (API-2): introspection and "Did you mean" suggestions, on in development only.
    graphql_introspection: bool | None = None
    graphql_max_document_size: int = 64 * 1024
    graphql_max_tokens: int = 2_000
    public_url: str | None = None
    # Auth: previous secrets still verify tokens, so rotating the key logs nobody out.
    previous_secret_keys: tuple[str, ...] = ()
    jwt_issuer: str = "rustok"
    jwt_audience: str = "rustok-api"
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    # Rate limits, in the `limits` notation; "0" switches the general limit off.
    rate_limit: str = "600/minute;100/second"
    login_rate_limit: str = "5/minute"
    login_ip_rate_limit: str = "30/minute"
    # Registration answers 409 EMAIL_TAKEN, so attempts are limited per client address.
    register_ip_rate_limit: str = "20/hour"
    cors_origins: tuple[str, ...] = ()
    # Mail: without a host, mails are written to the log (development).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "RusToK <noreply@rustok.local>"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = 10.0
    smtp_breaker_open_seconds: float = 60.0
    # Production refuses the log "mailer" (it writes tokens to the log) unless this is set.
    allow_console_mail: bool = False
    # Seconds before each retry of a mail whose sending failed: 4 delays = 5 attempts.
    mail_retry_delays: tuple[str, ...] = ("10", "60", "300", "600")
    # Event backbone (E-4..E-7, R-1): see README "Configuration".
    serve_events: bool = True
    nats_stream: str = "RUSTOK"
    outbox_batch_size: int = 100
    outbox_poll_interval: float = 1.0
    outbox_lease_seconds: float = 30.0
    outbox_max_attempts: int = 10
    event_queue_size: int = 10_000
    consumer_concurrency: int = 4
    consumer_max_attempts: int = 5
    broker_timeout_seconds: float = 5.0
    broker_breaker_open_seconds: float = 60.0
    relay_lag_degraded_seconds: float = 60.0
    # Periodic jobs (rustok.core.jobs) and commerce expiry (CO-3); a TTL of 0 never expires.
    jobs_interval: float = 60.0
    order_pending_ttl: int = 24 * 3600
    cart_ttl: int = 30 * 24 * 3600
    idempotency_key_ttl: int = 7 * 24 * 3600
    # Content (C-2): uploaded media files live under this directory (created on first use),
    # or in an S3-compatible bucket; public file URLs may be cached this many seconds.
    media_root: str = "./var/media"
    media_storage: MediaStorageKind = "local"
    media_s3_bucket: str | None = None
    media_s3_endpoint: str | None = None
    media_s3_region: str = "us-east-1"
    media_s3_access_key_id: str | None = None
    media_s3_secret_access_key: str | None = None
    media_s3_timeout_seconds: float = 30.0
    media_cache_max_age: int = 86_400
    # Webhooks (W-3, W-4): retry delays (seconds, or with s/m/h/d), per-attempt timeout,
    # sends in flight per endpoint, log retention (0 = keep), auto-disable (0 = never).
    webhooks_allow_private: bool = False
    webhooks_retry_schedule: tuple[str, ...] = ("5s", "1m", "5m", "30m", "2h", "6h", "12h", "24h")
    webhooks_timeout_seconds: float = 15.0
    webhooks_concurrency: int = 4
    webhooks_retention_days: int = 30
    webhooks_disable_after: int = 5 * 24 * 3600

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def graphiql_enabled(self) -> bool:
        return (not self.is_production) if self.graphiql is None else self.graphiql

    @property
    def graphql_introspection_enabled(self) -> bool:
        if self.graphql_introspection is None:
            return not self.is_production
        return self.graphql_introspection

    @property
    def webhooks_retry_delays(self) -> tuple[float, ...]:
        """``webhooks_retry_schedule`` in seconds (validated at load)."""
        return tuple(_duration(item) for item in self.webhooks_retry_schedule)

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def mail_retry_schedule(self) -> tuple[float, ...]:
        """The retry delays in seconds (checked at load time)."""
        return tuple(float(delay) for delay in self.mail_retry_delays)


_BOUNDS: dict[str, tuple[float, float]] = {
    "port": (1, 65535),
    "workers": (1, 64),
    "max_body_size": (1024, 1024**3),
    "max_json_depth": (8, 256),
    "header_read_timeout": (0.1, 60),
    "max_header_size": (8192, 16 * 1024 * 1024),
    "db_pool_size": (1, 500),
    "db_max_overflow": (0, 500),
    "db_pool_timeout": (0.1, 600),
    "graphql_max_document_size": (1024, 10 * 1024**2),
    "graphql_max_tokens": (100, 1_000_000),
    "db_statement_timeout": (0, 3600),
    "redis_timeout": (0.01, 60),
    "redis_breaker_open_seconds": (0.1, 3600),
    "access_token_ttl": (60, 24 * 3600),
    "refresh_token_ttl": (3600, 365 * 24 * 3600),
    "smtp_port": (1, 65535),
    "smtp_timeout_seconds": (0.05, 300),
    "smtp_breaker_open_seconds": (0.1, 3600),
    "outbox_batch_size": (1, 1000),
    "outbox_poll_interval": (0.01, 60),
    "outbox_lease_seconds": (0.5, 3600),
    "outbox_max_attempts": (1, 100),
    "event_queue_size": (10, 1_000_000),
    "consumer_concurrency": (1, 64),
    "consumer_max_attempts": (1, 100),
    "broker_timeout_seconds": (0.05, 120),
    "broker_breaker_open_seconds": (0.1, 3600),
    "relay_lag_degraded_seconds": (1, 86_400),
    "jobs_interval": (0.1, 86_400),
    "order_pending_ttl": (0, 365 * 24 * 3600),
    "cart_ttl": (0, 365 * 24 * 3600),
    "idempotency_key_ttl": (0, 365 * 24 * 3600),
    "media_s3_timeout_seconds": (0.1, 600),
    "media_cache_max_age": (0, 365 * 24 * 3600),
    "webhooks_timeout_seconds": (0.1, 120),
    "webhooks_concurrency": (1, 64),
    "webhooks_retention_days": (0, 3650),
    "webhooks_disable_after": (0, 365 * 24 * 3600),
}
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")


def _duration(text: str) -> float:
    match = _DURATION_RE.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * _DURATION_UNITS[match.group(2) or "s"]


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def default(field: str) -> Any:
    """The declared default of a settings field."""
    fields = Settings.__struct_fields__
    defaults = Settings.__struct_defaults__
    return defaults[fields.index(field) - (len(fields) - len(defaults))]


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _field_types() -> dict[str, Any]:
    hints = typing.get_type_hints(Settings, include_extras=False)
    return {name: hints[name] for name in Settings.__struct_fields__}


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _parse(field: str, raw: Any, tp: Any) -> Any:
    """Turn one raw value (a string from the environment, or a file value) into ``tp``."""
    name = env_name(field)
    inner, optional = _strip_optional(tp)
    if optional and (raw is None or (isinstance(raw, str) and raw.strip() == "")):
        return None
    if get_origin(inner) is Literal:
        allowed = get_args(inner)
        value = str(raw).strip().lower()
        if value not in allowed:
            raise SettingsError(
                f"{name}: invalid value {str(raw)!r}; allowed values: {', '.join(allowed)}"
            )
        return value
    if inner is bool:
        if isinstance(raw, bool):
            return raw
        value = str(raw).strip().lower()
        if value in _TRUE | _FALSE:
            return value in _TRUE
        raise SettingsError(f"{name}: invalid value {raw!r}; allowed values: true, false")
    if inner in (int, float):
        try:
            number = inner(str(raw).strip())
        except ValueError:
            kind = "an integer" if inner is int else "a number"
            raise SettingsError(f"{name}: invalid value {raw!r}; expected {kind}") from None
        low, high = _BOUNDS.get(field, (float("-inf"), float("inf")))
        if not low <= number <= high:
            raise SettingsError(
                f"{name}: {number} is out of range; allowed values: {_plain(low)}..{_plain(high)}"
            )
        return number
    if get_origin(inner) is tuple:
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        return tuple(str(i).strip() for i in items if str(i).strip())
    return str(raw).strip()


def _plain(bound: float) -> str:
    """A bound as people write it: 31536000, not 3.1536e+07."""
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def _read_file(path: str) -> dict[str, Any]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"RUSTOK_SETTINGS_FILE: cannot read {path}: {exc.strerror}") from None
    try:
        if file.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text) or {}
        elif file.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            raise SettingsError(
                f"RUSTOK_SETTINGS_FILE: unsupported file type {file.suffix!r}; "
                "allowed values: .toml, .yaml, .yml"
            )
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first_line = str(exc).splitlines()[0]
        raise SettingsError(f"RUSTOK_SETTINGS_FILE: {path} is not valid: {first_line}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"RUSTOK_SETTINGS_FILE: {path} must hold a table of settings")
    return data


def _check_consistency(values: dict[str, Any]) -> None:
    if values.get("event_transport") == "nats" and not values.get("nats_url"):
        raise SettingsError("RUSTOK_NATS_URL: required when RUSTOK_EVENT_TRANSPORT=nats")
    stream = values.get("nats_stream", default("nats_stream"))
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,31}", stream):
        raise SettingsError(
            f"RUSTOK_NATS_STREAM: invalid value {stream!r}; use 1-32 letters, digits, '_' or '-',"
            " starting with a letter"
        )
    if values.get("tenant_resolution") == "subdomain" and not values.get("tenant_base_domain"):
        raise SettingsError(
            "RUSTOK_TENANT_BASE_DOMAIN: required when RUSTOK_TENANT_RESOLUTION=subdomain"
        )
    url = str(values.get("database_url", default("database_url")))
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            f"RUSTOK_DATABASE_URL: unsupported URL {url.split('://')[0]!r}; allowed values: "
            "sqlite+aiosqlite:///<path>, postgresql+asyncpg://<user>@<host>/<db>"
        )
    for field in (
        "rate_limit",
        "login_rate_limit",
        "login_ip_rate_limit",
        "register_ip_rate_limit",
    ):
        if field in values:
            _check_rate_limit(field, values[field])
    if "media_root" in values:
        _check_media_root(values["media_root"])
    _check_media_s3(values)
    if "mail_retry_delays" in values:
        _check_retry_delays(values["mail_retry_delays"])
    _check_webhooks(values)
    for proxy in values.get("trusted_proxies", ()):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError(
                f"RUSTOK_TRUSTED_PROXIES: {proxy!r} is not an IP address or CIDR network"
            ) from None


def _check_webhooks(values: dict[str, Any]) -> None:
    if values.get("webhooks_allow_private") and values.get("env") == "production":
        raise SettingsError(
            "RUSTOK_WEBHOOKS_ALLOW_PRIVATE: private webhook targets are for development and "
            "tests only; not allowed when RUSTOK_ENV=production"
        )
    schedule = values.get("webhooks_retry_schedule")
    if schedule is None:
        return
    try:
        delays = [_duration(item) for item in schedule]
    except ValueError:
        delays = []
    if not 1 <= len(delays) <= 20 or not all(0.1 <= d <= 7 * 86_400 for d in delays):
        raise SettingsError(
            f"RUSTOK_WEBHOOKS_RETRY_SCHEDULE: invalid value {','.join(schedule)!r}; expected "
            "1-20 comma-separated delays of 0.1 s to 7 d, e.g. 5s,1m,5m,30m,2h,6h,12h,24h"
        )


def _check_media_root(value: str) -> None:
    if not value or "\x00" in value:
        raise SettingsError("RUSTOK_MEDIA_ROOT: must be a directory path")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise SettingsError(f"RUSTOK_MEDIA_ROOT: {value} exists and is not a directory")


_S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_S3_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?")
_S3_REGION = re.compile(r"[a-z0-9-]{1,32}")


def _check_media_s3(values: dict[str, Any]) -> None:
    bucket = values.get("media_s3_bucket")
    if values.get("media_storage") == "s3" and not bucket:
        raise SettingsError("RUSTOK_MEDIA_S3_BUCKET: required when RUSTOK_MEDIA_STORAGE=s3")
    if bucket and not _S3_BUCKET.fullmatch(bucket):
        raise SettingsError(
            f"RUSTOK_MEDIA_S3_BUCKET: invalid bucket name {bucket!r}; use 3-63 lower-case "
            "letters, digits, dots or hyphens"
        )
    endpoint = values.get("media_s3_endpoint")
    if endpoint and not _S3_ENDPOINT.fullmatch(endpoint):
        raise SettingsError(
            f"RUSTOK_MEDIA_S3_ENDPOINT: invalid value {endpoint!r}; expected "
            "http(s)://host[:port], e.g. http://127.0.0.1:9000"
        )
    region = values.get("media_s3_region", default("media_s3_region"))
    if not _S3_REGION.fullmatch(region):
        raise SettingsError(f"RUSTOK_MEDIA_S3_REGION: invalid value {region!r}; e.g. us-east-1")
    if bool(values.get("media_s3_access_key_id")) != bool(values.get("media_s3_secret_access_key")):
        raise SettingsError(
            "RUSTOK_MEDIA_S3_ACCESS_KEY_ID, RUSTOK_MEDIA_S3_SECRET_ACCESS_KEY: give both, or "
            "neither to use the AWS default credentials (AWS_* variables, instance role)"
        )


MAX_MAIL_RETRIES = 20
MAX_MAIL_RETRY_DELAY = 86_400.0


def _check_retry_delays(delays: tuple[str, ...]) -> None:
    problem = (
        f"RUSTOK_MAIL_RETRY_DELAYS: invalid value {','.join(delays)!r}; expected 1-"
        f"{MAX_MAIL_RETRIES} comma-separated seconds, each 0.01..{int(MAX_MAIL_RETRY_DELAY)}"
    )
    if not 1 <= len(delays) <= MAX_MAIL_RETRIES:
        raise SettingsError(problem)
    for delay in delays:
        try:
            seconds = float(delay)
        except ValueError:
            raise SettingsError(problem) from None
        if not 0.01 <= seconds <= MAX_MAIL_RETRY_DELAY:
            raise SettingsError(problem)


def _check_mail(values: dict[str, Any]) -> None:
    # The log "mailer" would write one-time tokens into production logs and send nothing.
    if (
        values.get("env") == "production"
        and not values.get("smtp_host")
        and not values.get("allow_console_mail")
    ):
        raise SettingsError(
            "RUSTOK_SMTP_HOST: required when RUSTOK_ENV=production (or set "
            "RUSTOK_ALLOW_CONSOLE_MAIL=true to write mails, tokens included, to the log)"
        )


def _check_rate_limit(field: str, value: str) -> None:
    from limits import parse_many

    if field == "rate_limit" and value.strip() == "0":
        return
    try:
        parse_many(value)
    except ValueError:
        raise SettingsError(
            f"{env_name(field)}: invalid value {value!r}; expected the `limits` notation, "
            "e.g. 600/minute;100/second" + (" or 0 (off)" if field == "rate_limit" else "")
        ) from None


def _resolve_secret(values: dict[str, Any]) -> str:
    secret = values.get("secret_key")
    if secret:
        if len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"RUSTOK_SECRET_KEY: too short ({len(secret)} characters); "
                f"use at least {MIN_SECRET_LENGTH}"
            )
        return str(secret)
    if values.get("env") == "production":
        raise SettingsError("RUSTOK_SECRET_KEY: required when RUSTOK_ENV=production")
    # Development: generate once and keep it, so tokens survive restarts.
    path = Path(values.get("data_dir", default("data_dir"))) / "secret_key"
    try:
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secret)
        return secret
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(
            f"RUSTOK_SECRET_KEY: cannot keep a generated key in {path}: {exc}"
        ) from None


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    known = {env_name(f) for f in Settings.__struct_fields__} | set(_EXTRA_KNOWN)
    return sorted(
        key
        for key in environ
        if key.startswith(ENV_PREFIX) and key not in known and not key.startswith(_IGNORED_PREFIXES)
    )


def load_settings(
    environ: Mapping[str, str] | None = None, *, warn: bool = True, **overrides: Any
) -> Settings:
    """Build :class:`Settings` from the environment (and the settings file it names)."""
    env = os.environ if environ is None else environ
    if warn:
        for key in unknown_variables(env):
            print(f"warning: unknown setting {key} is ignored", file=sys.stderr)
    types_ = _field_types()
    raw: dict[str, Any] = {}
    if file := env.get("RUSTOK_SETTINGS_FILE"):
        for key, value in _read_file(file).items():
            field = key.lower().removeprefix("rustok_")
            if field not in types_:
                if warn:
                    print(f"warning: unknown setting {key!r} in {file} is ignored", file=sys.stderr)
                continue
            raw[field] = value
    for field in types_:
        if (value := env.get(env_name(field))) is not None:
            raw[field] = value
    raw.update(overrides)
    values = {field: _parse(field, value, types_[field]) for field, value in raw.items()}
    _check_consistency(values)
    values["secret_key"] = _resolve_secret(values)
    _check_mail(values)
    return Settings(**values)
