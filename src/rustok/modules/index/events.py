"""Index (read model) event types."""

from __future__ import annotations

import uuid

from rustok.core.events import EventPayload, Text64


class IndexReindexRequested(EventPayload, frozen=True, kw_only=True):
    """Rebuild a read model, for one entity or (without ``target_id``) all of a type."""

    event_type = "index.reindex_requested"
    target_type: Text64
    target_id: uuid.UUID | None = None


class IndexUpdated(EventPayload, frozen=True, kw_only=True):
    event_type = "index.updated"
    index_name: Text64
    target_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.target_id
