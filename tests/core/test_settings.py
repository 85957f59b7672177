"""Settings validation (ID-2): bad values stop start-up with a one-line message."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.bootstrap import builtin_modules, load_all_settings, settings_types
from rustok.core.settings import (
    Settings,
    SettingsError,
    load_settings,
    unknown_variables,
    variable_index,
)
from rustok.modules.commerce.settings import CommerceSettings
from rustok.modules.content.settings import ContentSettings
from rustok.modules.index.settings import IndexSettings
from rustok.modules.webhooks.settings import WebhooksSettings

BASE = {"RUSTOK_SECRET_KEY": "s" * 40}


def load(tmp_path: Path, **env: str) -> object:
    """With the modules' settings: their variables fail with the same messages."""
    return load_all_settings({**BASE, "RUSTOK_DATA_DIR": str(tmp_path), **env}, warn=False)


def test_defaults(tmp_path: Path) -> None:
    settings = load_all_settings({"RUSTOK_DATA_DIR": str(tmp_path)}, warn=False)
    assert settings.database_url == "sqlite+aiosqlite:///./var/rustok.db"
    assert settings.port == 8000
    assert settings.env == "development"
    assert settings.event_transport == "memory"
    assert settings.tenant_resolution == "header"
    assert settings.of(ContentSettings).media_root == "./var/media"
    assert (settings.db_pool_timeout, settings.db_statement_timeout) == (5.0, 15.0)
    assert settings.redis_timeout == 0.25


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RUSTOK_EVENT_TRANSPORT": "kafka"},
         "RUSTOK_EVENT_TRANSPORT: invalid value 'kafka'; allowed values: memory, nats"),
        ({"RUSTOK_PORT": "99999"}, "RUSTOK_PORT: 99999 is out of range; allowed values: 1..65535"),
        ({"RUSTOK_PORT": "eighty"}, "RUSTOK_PORT: invalid value 'eighty'; expected an integer"),
        ({"RUSTOK_ORDER_PENDING_TTL": "-1"},
         "RUSTOK_ORDER_PENDING_TTL: -1 is out of range; allowed values: 0..31536000"),
        ({"RUSTOK_CART_TTL": "soon"}, "RUSTOK_CART_TTL: invalid value 'soon'; expected an integer"),
        ({"RUSTOK_JOBS_INTERVAL": "0"},
         "RUSTOK_JOBS_INTERVAL: 0.0 is out of range; allowed values: 0.1..86400"),
        ({"RUSTOK_ENV": "staging"},
         "RUSTOK_ENV: invalid value 'staging'; allowed values: development, production"),
        ({"RUSTOK_LOG_FORMAT": "xml"},
         "RUSTOK_LOG_FORMAT: invalid value 'xml'; allowed values: console, json"),
        ({"RUSTOK_TENANT_RESOLUTION": "cookie"},
         "RUSTOK_TENANT_RESOLUTION: invalid value 'cookie'; allowed values: header, host, "
         "subdomain, path, disabled"),
        ({"RUSTOK_DB_ECHO": "maybe"}, "RUSTOK_DB_ECHO: invalid value 'maybe'; allowed values: true, false"),
        ({"RUSTOK_EVENT_TRANSPORT": "nats"}, "RUSTOK_NATS_URL: required when RUSTOK_EVENT_TRANSPORT=nats"),
        ({"RUSTOK_DATABASE_URL": "mysql://x/y"}, "RUSTOK_DATABASE_URL: unsupported URL 'mysql'"),
        ({"RUSTOK_TRUSTED_PROXIES": "10.0.0.0/8,not-an-ip"},
         "RUSTOK_TRUSTED_PROXIES: 'not-an-ip' is not an IP address or CIDR network"),
        ({"RUSTOK_SECRET_KEY": "short"}, "RUSTOK_SECRET_KEY: too short (5 characters)"),
        ({"RUSTOK_MEDIA_ROOT": "/dev/null"},
         "RUSTOK_MEDIA_ROOT: /dev/null exists and is not a directory"),
        ({"RUSTOK_MEDIA_ROOT": " "}, "RUSTOK_MEDIA_ROOT: must be a directory path"),
        ({"RUSTOK_DB_STATEMENT_TIMEOUT": "-1"},
         "RUSTOK_DB_STATEMENT_TIMEOUT: -1.0 is out of range; allowed values: 0..3600"),
        ({"RUSTOK_REDIS_TIMEOUT": "0"},
         "RUSTOK_REDIS_TIMEOUT: 0.0 is out of range; allowed values: 0.01..60"),
    ],
)  # fmt: skip
def test_invalid_values_name_the_variable(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as info:
        load(tmp_path, **env)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_secret_required_in_production(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"^RUSTOK_SECRET_KEY: required when RUSTOK_ENV=production$"
    ):
        load_settings({"RUSTOK_ENV": "production", "RUSTOK_DATA_DIR": str(tmp_path)}, warn=False)


def test_development_secret_is_generated_once(tmp_path: Path) -> None:
    env = {"RUSTOK_DATA_DIR": str(tmp_path)}
    first = load_settings(env, warn=False).secret_key
    second = load_settings(env, warn=False).secret_key
    assert first == second
    assert first is not None and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unknown_variables_warn_but_do_not_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {
        **BASE,
        "RUSTOK_DATA_DIR": str(tmp_path),
        "RUSTOK_FUTURE_FEATURE": "1",
        "RUSTOK_TEST_X": "1",
    }
    assert unknown_variables(env) == ["RUSTOK_FUTURE_FEATURE"]
    load_settings(env)
    assert "warning: unknown setting RUSTOK_FUTURE_FEATURE is ignored" in capsys.readouterr().err


def test_settings_file_and_env_precedence(tmp_path: Path) -> None:
    toml = tmp_path / "rustok.toml"
    toml.write_text('port = 9001\nlog_format = "json"\nmodules = ["content", "blog"]\n')
    settings = load_settings(
        {
            **BASE,
            "RUSTOK_SETTINGS_FILE": str(toml),
            "RUSTOK_PORT": "9002",
            "RUSTOK_DATA_DIR": str(tmp_path),
        },
        warn=False,
    )
    assert settings.port == 9002  # environment wins
    assert settings.log_format == "json"
    assert settings.modules == ("content", "blog")
    yaml_file = tmp_path / "rustok.yaml"
    yaml_file.write_text("event_transport: kafka\n")
    with pytest.raises(SettingsError, match="RUSTOK_EVENT_TRANSPORT: invalid value 'kafka'"):
        load_settings({**BASE, "RUSTOK_SETTINGS_FILE": str(yaml_file)}, warn=False)


def test_unreadable_settings_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="RUSTOK_SETTINGS_FILE: cannot read"):
        load_settings({"RUSTOK_SETTINGS_FILE": str(tmp_path / "missing.toml")}, warn=False)
    bad = tmp_path / "bad.toml"
    bad.write_text("port = = 1")
    with pytest.raises(SettingsError, match="is not valid"):
        load_settings({"RUSTOK_SETTINGS_FILE": str(bad)}, warn=False)


# Every variable of the platform's one settings struct before the modules declared their own
# (issue 14: commit 1f01350, plus the storefront's four from the branch that added them).
_VARIABLES_BEFORE = """
ACCESS_TOKEN_TTL ALLOW_CONSOLE_MAIL BROKER_BREAKER_OPEN_SECONDS BROKER_TIMEOUT_SECONDS
CART_TTL CONSUMER_CONCURRENCY CONSUMER_MAX_ATTEMPTS CORS_ORIGINS DATABASE_URL DATA_DIR
DB_ECHO DB_MAX_OVERFLOW DB_POOL_SIZE DB_POOL_TIMEOUT DB_STATEMENT_TIMEOUT DEFAULT_MODULES
ENV EVENT_QUEUE_SIZE EVENT_TRANSPORT GRAPHIQL GRAPHQL_INTROSPECTION
GRAPHQL_MAX_DOCUMENT_SIZE GRAPHQL_MAX_TOKENS HEADER_READ_TIMEOUT HOST HTTP2
IDEMPOTENCY_KEY_TTL JOBS_INTERVAL JWT_AUDIENCE JWT_ISSUER LOGIN_IP_RATE_LIMIT
LOGIN_RATE_LIMIT LOG_FORMAT LOG_LEVEL MAIL_RETRY_DELAYS MAX_BODY_SIZE MAX_HEADER_SIZE
MAX_JSON_DEPTH MEDIA_CACHE_MAX_AGE MEDIA_ROOT MEDIA_S3_ACCESS_KEY_ID MEDIA_S3_BUCKET
MEDIA_S3_ENDPOINT MEDIA_S3_REGION MEDIA_S3_SECRET_ACCESS_KEY MEDIA_S3_TIMEOUT_SECONDS
MEDIA_STORAGE MODULES NATS_STREAM NATS_URL ORDER_PENDING_TTL OUTBOX_BATCH_SIZE
OUTBOX_LEASE_SECONDS OUTBOX_MAX_ATTEMPTS OUTBOX_POLL_INTERVAL PORT PREVIOUS_SECRET_KEYS
PUBLIC_URL RATE_LIMIT REDIS_BREAKER_OPEN_SECONDS REDIS_TIMEOUT REDIS_URL REFRESH_TOKEN_TTL
REGISTER_IP_RATE_LIMIT RELAY_LAG_DEGRADED_SECONDS SECRET_KEY SERVE_EVENTS
SMTP_BREAKER_OPEN_SECONDS SMTP_FROM SMTP_HOST SMTP_PASSWORD SMTP_PORT SMTP_SSL
SMTP_STARTTLS SMTP_TIMEOUT_SECONDS SMTP_USERNAME TENANT_BASE_DOMAIN TENANT_RESOLUTION
TRUSTED_PROXIES WEBHOOKS_ALLOW_PRIVATE WEBHOOKS_CONCURRENCY WEBHOOKS_DISABLE_AFTER
WEBHOOKS_RETENTION_DAYS WEBHOOKS_RETRY_SCHEDULE WEBHOOKS_TIMEOUT_SECONDS WORKERS
STOREFRONT_CACHE_SIZE STOREFRONT_CACHE_TTL STOREFRONT_MAX_AGE
STOREFRONT_STALE_WHILE_REVALIDATE
"""
VARIABLES_BEFORE_MODULE_SETTINGS = _VARIABLES_BEFORE.split()


def test_variables_from_before_module_settings_keep_their_names() -> None:
    """Moving settings into the modules renamed no variable: each old name is still the
    name (not only an alias) of the field it set, now the platform's or a module's."""
    index = variable_index(settings_types(builtin_modules()))
    kept = {}
    for suffix in VARIABLES_BEFORE_MODULE_SETTINGS:
        variable = index.get(f"RUSTOK_{suffix}")
        kept[suffix] = None if variable is None else (variable.name, variable.field)
    assert kept == {s: (f"RUSTOK_{s}", s.lower().removeprefix("webhooks_")) for s in kept}


def test_old_variable_names_set_the_module_settings(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        RUSTOK_CART_TTL="120", RUSTOK_ORDER_PENDING_TTL="60", RUSTOK_IDEMPOTENCY_KEY_TTL="90",
        RUSTOK_MEDIA_ROOT=str(tmp_path / "media"), RUSTOK_STOREFRONT_MAX_AGE="7",
        RUSTOK_WEBHOOKS_RETENTION_DAYS="3",
    )  # fmt: skip
    assert isinstance(settings, Settings)
    commerce = settings.of(CommerceSettings)
    assert (commerce.cart_ttl, commerce.order_pending_ttl, commerce.idempotency_key_ttl) == (
        120, 60, 90,
    )  # fmt: skip
    assert settings.of(ContentSettings).media_root == str(tmp_path / "media")
    assert settings.of(IndexSettings).storefront_max_age == 7
    assert settings.of(WebhooksSettings).retention_days == 3
