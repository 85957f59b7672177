"""User event types."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from rustok.core.events import EventPayload

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]


class UserRegistered(EventPayload, frozen=True, kw_only=True):
    event_type = "user.registered"
    user_id: uuid.UUID
    email: Email

    def aggregate_id(self) -> uuid.UUID:
        return self.user_id


class UserLoggedIn(EventPayload, frozen=True, kw_only=True):
    event_type = "user.logged_in"
    user_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.user_id


class UserUpdated(EventPayload, frozen=True, kw_only=True):
    event_type = "user.updated"
    user_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.user_id


class UserDeleted(EventPayload, frozen=True, kw_only=True):
    event_type = "user.deleted"
    user_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.user_id
