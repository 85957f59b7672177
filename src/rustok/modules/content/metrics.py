"""Content business counter (O-1): nodes published, counted once their transaction commits.

Node kinds are free text (up to 64 characters), so only the kinds the platform knows become
a label; every other kind counts as ``other``.
"""

from __future__ import annotations

from prometheus_client import Counter

from rustok.core.uow import UnitOfWork
from rustok.modules.content.access import KIND_RESOURCES

CONTENT_PUBLISHED = Counter(
    "rustok_content_published_total",
    "Content nodes published (created published, or moved to published), by kind.",
    ["kind"],
)
for _kind in (*KIND_RESOURCES, "other"):
    CONTENT_PUBLISHED.labels(_kind)


def count_published_on_commit(uow: UnitOfWork, kind: str) -> None:
    counter = CONTENT_PUBLISHED.labels(kind if kind in KIND_RESOURCES else "other")

    async def count() -> None:
        counter.inc()

    uow.on_commit(count)
