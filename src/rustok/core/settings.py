"""Settings from ``RUSTOK_*`` environment variables and an optional TOML/YAML file (ID-2).

Precedence: environment > settings file (``RUSTOK_SETTINGS_FILE``) > defaults. Every value is
checked here, once, at start-up: an invalid one raises :class:`SettingsError` whose message
names the variable and the allowed values, and the CLI turns it into exit code 2. A
``RUSTOK_*`` variable this version does not know only produces a warning.

The modules' settings (``rustok.core.module_settings``) are loaded by the same rules, from
the settings types the composition root passes in (``rustok.bootstrap.load_all_settings``):
this file knows no module. ``settings.of(ShopSettings)`` returns one module's.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import sys
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import msgspec

from rustok.core.module_settings import (
    ENV_PREFIX,
    ModuleSettings,
    SettingVariable,
    VariableIndex,
    build_module_settings,
    module_variables,
)
from rustok.core.setting_values import UNBOUNDED, SettingsError, parse_value

__all__ = ["ModuleSettings", "Settings", "SettingsError", "load_settings"]

# Variables read elsewhere (the settings file pointer, the test harness), never warned about.
_EXTRA_KNOWN = ("RUSTOK_SETTINGS_FILE", "RUSTOK_MCP_API_KEY")
_IGNORED_PREFIXES = ("RUSTOK_TEST_",)
MIN_SECRET_LENGTH = 32

Environment = Literal["development", "production"]
EventTransport = Literal["memory", "nats"]
LogFormat = Literal["console", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]
TenantResolution = Literal["header", "host", "subdomain", "path", "disabled"]
M = TypeVar("M", bound=ModuleSettings)


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
    # One info line per request (api/access_log.py): method, route, status, ms, ids, tenant.
    access_log: bool = True
    tenant_resolution: TenantResolution = "header"
    tenant_base_domain: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    modules: tuple[str, ...] | None = None
    default_modules: tuple[str, ...] | None = None
    # Modules no tenant may switch off (tenant admins and platform admins alike).
    required_modules: tuple[str, ...] = ()
    max_body_size: int = 10 * 1024 * 1024
    # HTTP edge (README "Configuration"): JSON nesting, and Granian's header limits.
    max_json_depth: int = 64
    header_read_timeout: float = 10.0
    max_header_size: int = 64 * 1024
    http2: bool = False
    # Seconds `rustok serve` gives a worker to finish after SIGTERM before it kills it.
    shutdown_timeout: float = 30.0
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
    # Admin UI sessions (UI-2): signed out after this many idle seconds, and at the latest
    # this many seconds after sign-in.
    admin_idle_timeout: int = 1800
    admin_session_lifetime: int = 12 * 3600
    # Rate limits, in the `limits` notation; "0" switches the general limit off.
    rate_limit: str = "600/minute;100/second"
    login_rate_limit: str = "5/minute"
    login_ip_rate_limit: str = "30/minute"
    # Registration answers 409 EMAIL_TAKEN, so attempts are limited per client address.
    register_ip_rate_limit: str = "20/hour"
    # Requests per API key (K-2); unset: the general limit; "0": none.
    api_key_rate_limit: str | None = None
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
    # A folder of mail templates that replace the built-in files of the same name (W-7).
    mail_templates_dir: str | None = None
    # How long a sender's claim on a mail lasts (a dead sender's mails are retaken after
    # it); unset: four times RUSTOK_SMTP_TIMEOUT_SECONDS plus 30 s.
    mail_lease_seconds: float | None = None
    # Mails one process sends at the same time.
    mail_concurrency: int = 4
    # Event backbone (E-4..E-7, R-1): see README "Configuration".
    serve_events: bool = True
    nats_stream: str = "RUSTOK"
    outbox_batch_size: int = 100
    outbox_poll_interval: float = 1.0
    outbox_lease_seconds: float = 30.0
    outbox_max_attempts: int = 10
    event_queue_size: int = 10_000
    consumer_concurrency: int = 4
    consumer_batch_lanes: int = 1
    consumer_max_attempts: int = 5
    broker_timeout_seconds: float = 5.0
    broker_breaker_open_seconds: float = 60.0
    relay_lag_degraded_seconds: float = 60.0
    # OpenTelemetry traces (O-3): off by default; OTLP/HTTP traces endpoint, parent-based
    # sampling ratio, service name.
    otel_enabled: bool = False
    otel_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    otel_sample_ratio: float = 1.0
    otel_service_name: str = "rustok"
    # `rustok worker` serves /metrics on this port of RUSTOK_HOST; 0 (default) = none: several
    # workers on one host each need their own port.
    worker_metrics_port: int = 0
    # Periodic jobs (rustok.core.jobs) of every module.
    jobs_interval: float = 60.0
    # The installed modules' settings (not a variable): read them with ``of``.
    module_settings: tuple[ModuleSettings, ...] = ()

    def of(self, kind: type[M]) -> M:
        """The settings of the module that declared ``kind`` (``ModuleSpec.settings``)."""
        for value in self.module_settings:
            if type(value) is kind:
                return value
        raise LookupError(
            f"{kind.__name__} were not loaded: load settings with the installed modules' "
            "types (rustok.bootstrap.load_all_settings)"
        )

    def with_module(self, value: ModuleSettings) -> Settings:
        """A copy with one module's settings replaced (or added)."""
        others = tuple(v for v in self.module_settings if type(v) is not type(value))
        return msgspec.structs.replace(self, module_settings=(*others, value))

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
    "shutdown_timeout": (1, 3600),
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
    "admin_idle_timeout": (60, 7 * 24 * 3600),
    "admin_session_lifetime": (300, 30 * 24 * 3600),
    "smtp_port": (1, 65535),
    "smtp_timeout_seconds": (0.05, 300),
    "smtp_breaker_open_seconds": (0.1, 3600),
    "mail_lease_seconds": (1, 86_400),
    "mail_concurrency": (1, 64),
    "outbox_batch_size": (1, 1000),
    "outbox_poll_interval": (0.01, 60),
    "outbox_lease_seconds": (0.5, 3600),
    "outbox_max_attempts": (1, 100),
    "event_queue_size": (10, 1_000_000),
    "consumer_concurrency": (1, 64),
    "consumer_batch_lanes": (1, 64),
    "consumer_max_attempts": (1, 100),
    "broker_timeout_seconds": (0.05, 120),
    "broker_breaker_open_seconds": (0.1, 3600),
    "relay_lag_degraded_seconds": (1, 86_400),
    "worker_metrics_port": (0, 65535),
    "otel_sample_ratio": (0, 1),
    "jobs_interval": (0.1, 86_400),
}
# Settings fields that are not variables.
_NOT_VARIABLES = ("module_settings",)


def default(field: str) -> Any:
    """The declared default of a settings field."""
    fields = Settings.__struct_fields__
    defaults = Settings.__struct_defaults__
    return defaults[fields.index(field) - (len(fields) - len(defaults))]


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def platform_variables() -> list[SettingVariable]:
    """The platform's own variables, one per field of :class:`Settings`."""
    hints = typing.get_type_hints(Settings, include_extras=False)
    fields = [f for f in Settings.__struct_fields__ if f not in _NOT_VARIABLES]
    return [
        SettingVariable(
            name=env_name(f),
            field=f,
            type=hints[f],
            bounds=_BOUNDS.get(f, UNBOUNDED),
            default=default(f),
        )
        for f in fields
    ]


def variable_index(modules: Mapping[str, type[ModuleSettings]]) -> VariableIndex:
    """Every variable of the platform and of the given modules' settings."""
    return VariableIndex(
        [
            *platform_variables(),
            *(v for slug, kind in modules.items() for v in module_variables(slug, kind)),
        ]
    )


def _read_file(path: str) -> dict[str, Any]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"RUSTOK_SETTINGS_FILE: cannot read {path}: {exc.strerror}") from None
    # The parsers are imported here, for a settings file only: ``rustok serve``'s main
    # process reads its settings before anything else and mostly has no file.
    import tomllib

    import yaml

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
        "api_key_rate_limit",
    ):
        if values.get(field) is not None:
            _check_rate_limit(field, values[field])
    if "mail_retry_delays" in values:
        _check_retry_delays(values["mail_retry_delays"])
    endpoint = str(values.get("otel_endpoint", default("otel_endpoint")))
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", endpoint):
        raise SettingsError(
            f"RUSTOK_OTEL_ENDPOINT: invalid value {endpoint!r}; expected an http(s) URL, "
            "e.g. http://127.0.0.1:4318/v1/traces"
        )
    for proxy in values.get("trusted_proxies", ()):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError(
                f"RUSTOK_TRUSTED_PROXIES: {proxy!r} is not an IP address or CIDR network"
            ) from None


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
    folder = values.get("mail_templates_dir")
    if folder is not None and not Path(folder).is_dir():
        raise SettingsError(f"RUSTOK_MAIL_TEMPLATES_DIR: {folder} is not a directory")
    lease = values.get("mail_lease_seconds")
    send = 4 * values.get("smtp_timeout_seconds", default("smtp_timeout_seconds"))
    if lease is not None and lease <= send:
        # A claim must outlast the longest send, or a live sender's mail is sent twice.
        raise SettingsError(
            f"RUSTOK_MAIL_LEASE_SECONDS: {lease:g} is too short; it must exceed four times "
            f"RUSTOK_SMTP_TIMEOUT_SECONDS ({send:g})"
        )
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
    may_be_off = field in ("rate_limit", "api_key_rate_limit")
    if may_be_off and value.strip() == "0":
        return  # before importing `limits`: ``rustok serve``'s main process never needs it
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise SettingsError(
            f"{env_name(field)}: invalid value {value!r}; expected the `limits` notation, "
            "e.g. 600/minute;100/second" + (" or 0 (off)" if may_be_off else "")
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


def unknown_variables(
    environ: Mapping[str, str], modules: Mapping[str, type[ModuleSettings]] | None = None
) -> list[str]:
    index = variable_index(modules or {})
    return sorted(
        key
        for key in environ
        if key.startswith(ENV_PREFIX)
        and not index.known(key)
        and key not in _EXTRA_KNOWN
        and not key.startswith(_IGNORED_PREFIXES)
    )


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    warn: bool = True,
    modules: Mapping[str, type[ModuleSettings]] | None = None,
    **overrides: Any,
) -> Settings:
    """Build :class:`Settings` from the environment (and the settings file it names), with
    the settings of ``modules`` (slug → its ``ModuleSettings`` type).

    An override is given by its variable's name without the prefix, in lower case
    (``database_url=…``, ``cart_ttl=…``).
    """
    env = os.environ if environ is None else environ
    modules = modules or {}
    index = variable_index(modules)
    if warn:
        for key in unknown_variables(env, modules):
            print(f"warning: unknown setting {key} is ignored", file=sys.stderr)
    raw: dict[str, tuple[str, Any]] = {}
    if file := env.get("RUSTOK_SETTINGS_FILE"):
        for key, value in _read_file(file).items():
            name = ENV_PREFIX + key.upper().removeprefix(ENV_PREFIX)
            variable = index.get(name)
            if variable is None:
                if warn:
                    print(f"warning: unknown setting {key!r} in {file} is ignored", file=sys.stderr)
                continue
            raw[variable.name] = (name, value)
    raw.update(index.from_environment(env))
    for key, value in overrides.items():
        variable = index.get(ENV_PREFIX + key.upper())
        if variable is None:
            raise TypeError(f"unknown setting {key!r}")
        raw[variable.name] = (variable.name, value)
    by_module: dict[str | None, dict[str, Any]] = {}
    for name, (given, value) in raw.items():
        variable = index.get(name)
        assert variable is not None
        parsed = parse_value(given, value, variable.type, variable.bounds)
        by_module.setdefault(variable.module, {})[variable.field] = parsed
    values = by_module.get(None, {})
    _check_consistency(values)
    # The modules' checks come with the platform's own consistency checks, before the secret
    # and the mail checks; they read the platform's values (``is_production``), not the secret.
    checked = Settings(**values)
    loaded = tuple(
        build_module_settings(kind, by_module.get(slug, {}), module_variables(slug, kind), checked)
        for slug, kind in modules.items()
    )
    values["secret_key"] = _resolve_secret(values)
    _check_mail(values)
    return Settings(**values, module_settings=loaded)
