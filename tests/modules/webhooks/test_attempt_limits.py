"""W-3 limits of one attempt: at most 4 KiB of the answer is read and kept as the attempt's
excerpt; an answer slower than the attempt's timeout is cut and recorded as such (and
retried later)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.conftest import make_settings
from tests.modules.webhooks.helpers import deliveries, only_attempt, ping_once
from tests.modules.webhooks.receiver import receiving


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # The background sender stays off: the test's sender does the work, one attempt each.
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True, serve_events=False,
        webhooks_timeout_seconds=1.0,
    )  # fmt: skip


async def test_at_most_4_kib_of_the_answer_is_read(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    async with receiving(reply=b"0123456789abcdef" * 1024) as receiver:  # 16 KiB
        await ping_once(client, app, receiver.url)
    attempt = await only_attempt(app.platform)
    assert attempt.status_code == 200 and attempt.error is None
    assert attempt.response_excerpt == ("0123456789abcdef" * 256)  # the first 4,096 bytes
    [delivery] = await deliveries(app.platform)
    assert delivery.status == "succeeded"


async def test_an_answer_slower_than_the_timeout_is_cut_and_retried(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    async with receiving(delay=5.0) as receiver:
        await ping_once(client, app, receiver.url)
    assert len(receiver.received) == 1
    attempt = await only_attempt(app.platform)
    assert (attempt.status_code, attempt.error) == (None, "timed out after 1 s")
    [delivery] = await deliveries(app.platform)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "timed out after 1 s"
