"""Fixtures of the webhook tests: commerce (for real order events), the index and webhooks;
private targets allowed (the receivers listen on loopback), short timeouts, no rate limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings
from rustok.modules.commerce.module import MODULE as COMMERCE
from rustok.modules.index.module import MODULE as INDEX
from rustok.modules.webhooks.module import MODULE as WEBHOOKS
from tests.conftest import make_settings


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [COMMERCE, INDEX, WEBHOOKS]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True,
        webhooks_timeout_seconds=2.0, outbox_poll_interval=0.2,
    )  # fmt: skip
