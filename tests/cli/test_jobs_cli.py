"""``rustok jobs list`` and ``rustok jobs run``: the commerce jobs run once from the shell,
change what is due, report the counts, and refuse unknown job names (exit 2)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.core.db import utcnow
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.carts.schemas import CartCreate
from rustok.modules.commerce.carts.service import CartAccess
from rustok.modules.commerce.commerce_runtime import commerce_runtime
from rustok.tenancy.service import TenantService, tenant_ref
from tests.cli.test_cli import cli, invoke
from tests.conftest import make_settings, run_in_thread

__all__ = ["cli"]


def old_open_cart(db_url: str, data_dir: Path) -> uuid.UUID:
    """An open cart of the default tenant, last changed 40 days ago."""

    async def work() -> uuid.UUID:
        platform = bootstrap(make_settings(db_url, data_dir))
        try:
            tenant = tenant_ref(await TenantService(platform).get_by_slug("default"))
            with use_context(RequestContext(tenant=tenant)):
                cart = await commerce_runtime(platform).carts.create(CartCreate(), CartAccess())
            async with platform.db.write_session(all_tenants=True) as session:
                await session.execute(
                    update(Cart)
                    .where(Cart.id == cart.id)
                    .values(updated_at=utcnow() - dt.timedelta(days=40))
                )
                await session.commit()
            return cart.id
        finally:
            await platform.aclose()

    return run_in_thread(work)


def cart_status(db_url: str, data_dir: Path, cart_id: uuid.UUID) -> str:
    async def work() -> str:
        platform = bootstrap(make_settings(db_url, data_dir))
        try:
            async with platform.db.read_session(all_tenants=True) as session:
                return str(await session.scalar(select(Cart.status).where(Cart.id == cart_id)))
        finally:
            await platform.aclose()

    return run_in_thread(work)


@pytest.mark.sql_free
def test_list_names_every_commerce_job(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "jobs", "list")
    assert code == 0, err
    for name in (
        "commerce.expire_pending_orders",
        "commerce.abandon_idle_carts",
        "commerce.forget_idempotency_keys",
    ):
        assert name in out
    assert "every 60 s" in out


def test_run_changes_what_is_due_and_reports_counts(
    cli: CliRunner, db_url: str, tmp_path: Path
) -> None:
    cart_id = old_open_cart(db_url, tmp_path)
    code, out, err = invoke(cli, "jobs", "run", "commerce.abandon_idle_carts")
    assert code == 0, err
    assert out.strip() == "commerce.abandon_idle_carts: 1 changed"
    assert cart_status(db_url, tmp_path, cart_id) == "abandoned"
    code, out, err = invoke(cli, "jobs", "run")
    assert code == 0, err
    assert out.splitlines() == [
        "commerce.expire_pending_orders: 0 changed",
        "commerce.abandon_idle_carts: 0 changed",
        "commerce.forget_idempotency_keys: 0 changed",
        "webhooks.purge_deliveries: 0 changed",
    ]


def test_unknown_job_and_bad_ttl_exit_2(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "jobs", "run", "commerce.nope")
    assert code == 2
    assert "unknown job commerce.nope; known jobs: commerce.expire_pending_orders" in err
    code, _, err = invoke(cli, "jobs", "run", RUSTOK_CART_TTL="-5")
    assert code == 2 and "RUSTOK_CART_TTL: -5 is out of range" in err
