"""Fixtures of the webhook tests: commerce (for real order events), the index and webhooks;
private targets allowed (the receivers listen on loopback), short timeouts, no rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rustok.core import ssrf
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


async def _no_dns(host: str, port: int) -> list[str]:
    """Addresses resolve to themselves; names do not resolve (no DNS traffic from tests:
    a test that needs a name gives the sender its own resolver)."""
    if ssrf.parse_address(host) is not None:
        return [host.strip("[]")]
    raise OSError(f"{host}: name resolution is off in the webhook tests")


@pytest.fixture(autouse=True)
def no_dns() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setattr(ssrf, "system_resolver", _no_dns)
    yield
    patch.undo()
