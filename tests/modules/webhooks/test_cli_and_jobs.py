"""``rustok webhooks list|deliveries|redeliver`` and the retention job
``webhooks.purge_deliveries``; start-up refuses private targets in production."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.core.db import utcnow
from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery
from rustok.modules.webhooks.schemas import WebhookCreate
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from tests.cli.test_cli import cli, invoke
from tests.conftest import make_settings, run_in_thread
from tests.outbox.support import TENANT

__all__ = ["cli"]


def _prepare(db_url: str, data_dir: Path) -> tuple[str, list[str]]:
    """An endpoint with two pings: one 40 days old with an attempt, one fresh."""

    async def work() -> tuple[str, list[str]]:
        platform = bootstrap(make_settings(db_url, data_dir))
        try:
            runtime = webhooks_runtime(platform)
            with use_context(RequestContext(tenant=TENANT)):
                hook = await runtime.endpoints.create(
                    WebhookCreate(url="https://hooks.example.com/in", event_types=["order.*"])
                )
                old = await runtime.deliveries.ping(hook.id)
                fresh = await runtime.deliveries.ping(hook.id)
            async with platform.db.write_session(all_tenants=True) as session:
                long_ago = utcnow() - dt.timedelta(days=40)
                await session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == old.id)
                    .values(created_at=long_ago, status="failed", attempts=9)
                )
                session.add(
                    WebhookAttempt(
                        tenant_id=TENANT.id, delivery_id=old.id, attempted_at=long_ago,
                        duration_ms=3, status_code=500, error="HTTP 500",
                    )
                )  # fmt: skip
                await session.commit()
            return str(hook.id), [str(old.id), str(fresh.id)]
        finally:
            await platform.aclose()

    return run_in_thread(work)


def _count(db_url: str, data_dir: Path, model: type[object]) -> int:
    async def work() -> int:
        platform = bootstrap(make_settings(db_url, data_dir))
        try:
            async with platform.db.read_session(all_tenants=True) as session:
                return int(await session.scalar(select(func.count()).select_from(model)) or 0)
        finally:
            await platform.aclose()

    return run_in_thread(work)


def test_list_deliveries_and_redeliver(cli: CliRunner, db_url: str, tmp_path: Path) -> None:
    hook_id, (old_id, fresh_id) = _prepare(db_url, tmp_path)
    code, out, err = invoke(cli, "webhooks", "list", "--json")
    assert code == 0, err
    [listed] = json.loads(out)
    assert listed["id"] == hook_id and "secret" not in listed
    code, out, err = invoke(cli, "webhooks", "deliveries", hook_id, "--status", "failed", "--json")
    assert code == 0, err
    [failed] = json.loads(out)
    assert failed["id"] == old_id and failed["attempts"][0]["status_code"] == 500
    code, out, err = invoke(cli, "webhooks", "deliveries", hook_id)
    assert code == 0 and old_id in out and fresh_id in out, err
    code, out, err = invoke(cli, "webhooks", "redeliver", old_id)
    assert code == 0, err
    assert f"delivery {old_id} queued again" in out
    code, out, err = invoke(cli, "webhooks", "deliveries", hook_id, "--status", "pending", "--json")
    assert sorted(d["id"] for d in json.loads(out)) == sorted([old_id, fresh_id])
    # Errors: an unknown tenant or delivery (exit 1), a bad filter (exit 2).
    code, _, err = invoke(cli, "webhooks", "list", "--tenant", "nope")
    assert code == 1 and "nope" in err
    code, _, err = invoke(cli, "webhooks", "redeliver", str(uuid.uuid4()))
    assert code == 1 and "no delivery" in err
    code, _, err = invoke(cli, "webhooks", "deliveries", hook_id, "--status", "lost")
    assert code == 2


def test_purge_job_drops_old_deliveries_with_their_attempts(
    cli: CliRunner, db_url: str, tmp_path: Path
) -> None:
    _prepare(db_url, tmp_path)
    assert _count(db_url, tmp_path, WebhookAttempt) == 1
    code, out, err = invoke(cli, "jobs", "run", "webhooks.purge_deliveries")
    assert code == 0, err
    assert "webhooks.purge_deliveries: 1 changed" in out
    assert _count(db_url, tmp_path, WebhookDelivery) == 1
    assert _count(db_url, tmp_path, WebhookAttempt) == 0
    code, out, _ = invoke(
        cli, "jobs", "run", "webhooks.purge_deliveries", RUSTOK_WEBHOOKS_RETENTION_DAYS="0"
    )
    assert "webhooks.purge_deliveries: 0 changed" in out


def test_private_targets_are_refused_in_production(cli: CliRunner) -> None:
    code, _, err = invoke(
        cli, "webhooks", "list", RUSTOK_ENV="production", RUSTOK_WEBHOOKS_ALLOW_PRIVATE="true"
    )
    assert code == 2
    assert "RUSTOK_WEBHOOKS_ALLOW_PRIVATE" in err and "production" in err
    code, _, err = invoke(cli, "webhooks", "list", RUSTOK_WEBHOOKS_RETRY_SCHEDULE="5s,soon")
    assert code == 2 and "RUSTOK_WEBHOOKS_RETRY_SCHEDULE" in err
