"""W-7 across crashes: the real ``rustok worker`` (relay, consumers, mail sender) is killed
with SIGKILL in the middle of sending a mail, twice, while orders are placed, paid, shipped
and cancelled; every order mail still reaches the SMTP sink exactly once, in the customer's
language. SQLite and PostgreSQL.

The kills hit the sender between its claim and the server's answer (the sink holds the
mail's DATA), and leave the orders' later events waiting in the outbox for the next worker.
A kill *after* the server accepted a mail but before the sender recorded it would send that
mail again (delivery is at least once, with a stable Message-ID): that window is not
aimed at here.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rustok.modules.commerce.module import MODULE as COMMERCE
from rustok.outbox.models import InboxRecord, OutboxEvent
from tests.conftest import TEST_SECRET, outbox_settled
from tests.mail.orders import address, move, place_order, shop_admin, shop_tenant
from tests.mail.orders import stocked_variant as variant_of
from tests.mail.smtp import HoldingSink, body_of, smtp_sink, subject_of
from tests.mail.support import mail_app, mails
from tests.outbox.support import wait_until

ROOT = Path(__file__).resolve().parents[2]
LEASE = "13"  # the mail claim lease of the worker (> 4 × its SMTP timeout)


class Worker:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "rustok", "worker"], env=self.env, cwd=ROOT,
                stdout=log, stderr=log,
            )  # fmt: skip

    def kill9(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def restart(self) -> None:
        self.proc = self._spawn()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def _worker_env(db_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")},
        "RUSTOK_DATABASE_URL": db_url, "RUSTOK_SECRET_KEY": TEST_SECRET,
        "RUSTOK_DATA_DIR": str(tmp_path / "worker"), "RUSTOK_LOG_LEVEL": "warning",
        "RUSTOK_SMTP_HOST": "127.0.0.1", "RUSTOK_SMTP_PORT": str(port),
        "RUSTOK_SMTP_TIMEOUT_SECONDS": "3", "RUSTOK_MAIL_LEASE_SECONDS": LEASE,
        "RUSTOK_MAIL_RETRY_DELAYS": "0.2,0.2,0.2,0.2", "RUSTOK_OUTBOX_LEASE_SECONDS": "2",
        "RUSTOK_OUTBOX_POLL_INTERVAL": "0.05",
        # One mail in flight at a time: when the held one is killed, every mail sent before
        # it is recorded (a mail accepted but not yet recorded would be sent again).
        "RUSTOK_MAIL_CONCURRENCY": "1",
    }  # fmt: skip


async def _held(sink: HoldingSink, worker: Worker) -> None:
    async def holding() -> bool:
        assert worker.proc.poll() is None, worker.tail()
        return sink.holding.is_set()

    await wait_until(holding, within=60.0, what="the worker sending a mail")


@pytest.mark.slow
async def test_order_mails_arrive_once_across_kill9_of_the_worker(
    db_url: str, tmp_path: Path
) -> None:
    sink = HoldingSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port, [COMMERCE], serve_events=False) as (
            client,
            app,
        ):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            variant = await variant_of(client, admin)
            sink.hold_next.set()
            worker = Worker(_worker_env(db_url, tmp_path, port), tmp_path / "worker.log")
            try:
                ivan = await place_order(
                    client, variant, email="ivan@example.com", language="ru",
                    shipping_address=address("Иван", "Петров"),
                )  # fmt: skip
                await _held(sink, worker)  # the placed mail is being sent: kill
                worker.kill9()
                sink.release.set()
                for action in ("confirm", "pay"):
                    await move(client, admin, ivan, action)
                await move(client, admin, ivan, "ship", tracking_number="TRACK-9", carrier="DHL")
                eve = await place_order(
                    client, variant, email="eve@example.com", shipping_address=address("E", "V")
                )
                await move(client, admin, eve, "cancel", reason="duplicate order")

                async def let_go() -> bool:
                    return not sink.holding.is_set()

                await wait_until(let_go, what="the sink to drop the held mail")
                sink.hold_next.set()
                worker.restart()
                await _held(sink, worker)  # another one in flight: kill again
                worker.kill9()
                sink.release.set()
                worker.restart()

                async def all_sent() -> bool:
                    assert worker.proc.poll() is None, worker.tail()
                    await asyncio.sleep(0.2)  # a loaded machine: poll gently
                    rows = await mails(app.platform)
                    return len(rows) == 5 and all(r.status == "sent" for r in rows)

                await wait_until(all_sent, within=120.0, what="the five order mails")
                await outbox_settled(app.platform, limit=30.0)
                async with app.platform.db.read_session(all_tenants=True) as session:
                    order_events = await session.scalar(
                        select(func.count())
                        .select_from(OutboxEvent)
                        .where(OutboxEvent.event_type.startswith("order."))
                    )
                    inbox = await session.scalar(
                        select(func.count())
                        .select_from(InboxRecord)
                        .where(InboxRecord.consumer == "commerce.order_mails")
                    )
                    queued = await session.scalar(
                        select(func.count())
                        .select_from(OutboxEvent)
                        .where(OutboxEvent.event_type == "mail.queued")
                    )
            finally:
                if worker.proc.poll() is None:
                    worker.kill9()
            rows = await mails(app.platform)
    number, other = ivan["display_number"], eve["display_number"]
    assert inbox == order_events  # every order event handled once by the mail consumer
    assert queued == 5
    received = Counter((m["To"], subject_of(m)) for m in sink.messages)
    assert received == {
        ("ivan@example.com", f"Заказ № {number} принят"): 1,
        ("ivan@example.com", f"Оплата заказа № {number} получена"): 1,
        ("ivan@example.com", f"Заказ № {number} отправлен"): 1,
        ("eve@example.com", f"Order #{other} received"): 1,
        ("eve@example.com", f"Order #{other} was cancelled"): 1,
    }
    shipped = next(m for m in sink.messages if "отправлен" in subject_of(m))
    assert "Трек-номер: TRACK-9 (DHL)" in body_of(shipped)
    # A held mail spent no attempt: its sender died, the server did not fail.
    assert [r.attempts for r in rows] == [1] * 5, [(r.template, r.last_error) for r in rows]
    assert sorted(m["Message-ID"] for m in sink.messages) == sorted(
        f"<{r.id}@rustok.local>" for r in rows
    )
