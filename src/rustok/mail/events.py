"""Mail event types: internal, for the in-process ``mail`` consumer only."""

from __future__ import annotations

import uuid

from rustok.core.events import EventPayload


class MailQueued(EventPayload, frozen=True, kw_only=True):
    """A mail row is waiting to be sent; the consumer loads everything else by its id."""

    event_type = "mail.queued"
    internal = True
    mail_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.mail_id
