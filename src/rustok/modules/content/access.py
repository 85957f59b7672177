"""Who may see and change which content (A-5 with scopes).

A node's ``kind`` decides the catalogue resource its permissions live on (``post`` →
``posts``, ``page`` → ``pages``, comments and forum replies → ``comments``, forum topics →
``posts``, forum categories → ``categories``, anything else → ``nodes``). Generic content
routes are authorised for ``nodes:<action>`` first; the service then also needs the kind's
resource, and the narrower scope of the two applies.

- ``own`` scope: only nodes the caller authored.
- Reading: everybody sees published nodes; unpublished ones are shown to their author and to
  callers who may update that kind for every author. Anyone else gets 404, as for a node
  that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from rustok.core.errors import PermissionDenied
from rustok.rbac.catalogue import Scope
from rustok.rbac.principal import Principal

KIND_RESOURCES: dict[str, str] = {
    "post": "posts",
    "page": "pages",
    "comment": "comments",
    "forum_reply": "comments",
    "forum_topic": "posts",
    "forum_category": "categories",
}
DEFAULT_RESOURCE = "nodes"


def resource_for(kind: str) -> str:
    return KIND_RESOURCES.get(kind, DEFAULT_RESOURCE)


def narrowest(*scopes: Scope | None) -> Scope | None:
    if None in scopes:
        return None
    return "own" if "own" in scopes else "all"


@dataclass(frozen=True, slots=True)
class ContentAccess:
    """The caller (or nobody) and the resource a generic route was authorised on."""

    principal: Principal | None = None
    via: str | None = None

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.principal.user_id if self.principal else None

    def scope(self, kind: str, action: str) -> Scope | None:
        if self.principal is None:
            return None
        resource = resource_for(kind)
        scopes = [self.principal.scope(f"{resource}:{action}")]
        if self.via is not None and self.via != resource:
            scopes.append(self.principal.scope(f"{self.via}:{action}"))
        return narrowest(*scopes)

    def require(self, kind: str, action: str, author_id: uuid.UUID | None = None) -> None:
        """Allow ``action`` on a node of ``kind`` by ``author_id`` or raise 403."""
        scope = self.scope(kind, action)
        if scope is None:
            raise PermissionDenied(f"missing permission {resource_for(kind)}:{action}")
        if scope == "own" and (author_id is None or author_id != self.user_id):
            raise PermissionDenied(f"you may {action} only your own {kind} content")

    def sees_unpublished(self, kind: str, author_id: uuid.UUID | None) -> bool:
        if self.principal is None:
            return False
        return author_id == self.user_id or self.editor_of(resource_for(kind))

    def editor_of(self, resource: str) -> bool:
        """May update every author's content on ``resource`` (so also read its drafts)."""
        return self.principal is not None and self.principal.scope(f"{resource}:update") == "all"


ANONYMOUS = ContentAccess()
