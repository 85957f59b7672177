"""Every HTTP operation of a built app with what its handler declares next to its path.

A route declares who may call it (``permission=``/``public=True``, ``rustok.rbac.declare``)
and, as further handler options, its GraphQL twin or why it has none (API-2)::

    @post("/", permission="pages:create", graphql_twin="createPage")
    @get("/{media_id:uuid}/file", public=True, http_only="binary download: GraphQL gives the URL")
    @post("/lookup", public=True, graphql_twin="guestOrder", read_over_post="its keys are secrets")

``graphql_twin`` names the ``Query``/``Mutation`` root field doing the same with the same
permission (a write's twin is a mutation unless ``read_over_post`` says why a read is sent as
POST); ``http_only`` says why the route only makes sense over HTTP. The routers of a module
carry its slug (:data:`MODULE_OPT`), so each operation knows whose it is. ``rustok routes``,
``rustok docs`` and the REST↔GraphQL parity test read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from litestar.handlers import HTTPRouteHandler

from rustok.api.admin_mount import with_admin
from rustok.rbac.declare import PERMISSION_OPT, PUBLIC_OPT

if TYPE_CHECKING:
    from litestar import Litestar

MODULE_OPT = "module"  # set on a module's routers: its slug
GRAPHQL_TWIN_OPT = "graphql_twin"
HTTP_ONLY_OPT = "http_only"
READ_OVER_POST_OPT = "read_over_post"
ADMIN_UI = "/admin"


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    permission: str  # "public", "authenticated" or "resource:action"
    module: str | None  # the slug of the module serving it; None: the platform's own
    graphql_twin: str | None
    http_only: str | None  # why it has no GraphQL twin
    read_over_post: str | None  # why a read is sent as POST (its twin is a Query field)
    handler: HTTPRouteHandler

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def is_admin_page(self) -> bool:
        """An HTML screen of the admin UI: a client of the same services, not an API."""
        return self.path == ADMIN_UI or self.path.startswith(f"{ADMIN_UI}/")


def operations(app: Litestar) -> list[Operation]:
    """Every operation (HEAD and OPTIONS left out), sorted by path, then method."""
    found = []
    for route in with_admin(app).routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            opt = handler.opt
            permission = "public" if opt.get(PUBLIC_OPT) else str(opt.get(PERMISSION_OPT))
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                found.append(
                    Operation(
                        method, route.path, permission, opt.get(MODULE_OPT),
                        opt.get(GRAPHQL_TWIN_OPT), opt.get(HTTP_ONLY_OPT),
                        opt.get(READ_OVER_POST_OPT), handler,
                    )
                )  # fmt: skip
    return sorted(found, key=lambda o: (o.path, o.method))


def markdown_table(rows: list[Operation]) -> str:
    """The routes as a Markdown table: method, path, permission and GraphQL twin."""
    lines = ["| Method | Path | Permission | GraphQL |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.method} | `{row.path}` | `{row.permission}` | {_twin(row)} |")
    return "\n".join(lines) + "\n"


def _twin(row: Operation) -> str:
    if row.graphql_twin:
        return f"`{row.graphql_twin}`"
    if row.http_only:
        return f"HTTP only: {row.http_only}".replace("|", "\\|")
    return ""
