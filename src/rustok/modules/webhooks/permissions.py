"""The permissions the webhooks routes and GraphQL fields declare (catalogue: ``rustok.rbac``;
administrators hold ``webhooks:manage``). Ping, redeliver and rotation change an endpoint's
traffic or secret: ``update``."""

from __future__ import annotations

from typing import Final

CREATE: Final = "webhooks:create"
READ: Final = "webhooks:read"
UPDATE: Final = "webhooks:update"
DELETE: Final = "webhooks:delete"
LIST: Final = "webhooks:list"

ALL: Final = (CREATE, READ, UPDATE, DELETE, LIST)
