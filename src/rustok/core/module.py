"""The module contract (SYSTEM.md §1): what a module declares so the platform can plug it in.

A module is one package exposing ``MODULE = ModuleSpec(...)`` in its ``module.py``; the spec
is the only place it is declared. Built-in ones are listed in ``rustok.modules``, installed
ones are found through the ``rustok.modules`` entry-point group (``rustok.core.registry``).
The platform reads from the spec: its migrations, settings, RBAC resources and default
grants, REST handlers, GraphQL root types and scalars, MCP tools, command-line commands,
consumers, periodic jobs, hooks, health probe and demo data. Modules never import each other's
models; dependencies are declared here. ``docs/modules.md`` shows a whole module.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from rustok.core.consumer import ConsumerSpec
    from rustok.core.jobs import PeriodicJob
    from rustok.core.module_settings import ModuleSettings
    from rustok.core.platform import BackgroundService, Platform

HealthState = Literal["healthy", "degraded", "unhealthy"]
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
RESOURCE_RE = re.compile(r"^[a-z][a-z_]{0,63}$")
# A default grant: "resource:action", or "resource:action:own" (own rows only).
GRANT_RE = re.compile(r"^[a-z][a-z_]{0,63}:[a-z_]+(:own)?$")


@dataclass(frozen=True, slots=True)
class ModuleHealth:
    status: HealthState = "healthy"
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ModuleHookContext:
    """What ``on_enable``/``on_disable`` get: the toggle's own transaction and tenant."""

    session: AsyncSession
    tenant_id: uuid.UUID
    settings: dict[str, Any]


ModuleHook = Callable[[ModuleHookContext], Awaitable[None]]
HealthProbe = Callable[[], Awaitable[ModuleHealth]]
# Adds the module's sample data to the demo tenant (the request context names the tenant);
# must be idempotent: ``rustok demo`` runs it every time. Returns lines to print.
DemoSeeder = Callable[["Platform"], Awaitable[list[str]]]
# Builds long-running work (a sender, a poller) for one platform; started and stopped with
# the event runtime, wherever it runs (``rustok serve``, ``rustok worker``).
BackgroundFactory = Callable[["Platform"], "BackgroundService"]


@dataclass(frozen=True, slots=True)
class AdminScreen:
    """A sidebar entry of the admin UI (issue 18): shown to callers holding ``permission``
    (the one its REST twin requires) when the module is enabled. ``label`` is an English
    msgid, translated when the page renders (the module's ``ModuleAdmin.locale`` catalogue or
    the platform's, ``rustok/web/admin/locale``)."""

    label: str
    path: str
    permission: str


@dataclass(frozen=True, kw_only=True)
class ModuleAdmin:
    """A module's part of the admin UI (docs/admin-kit.md): Litestar handlers or controllers
    under ``/admin`` (each declaring the permission of the REST route it mirrors), its
    sidebar entries, the folder of its Jinja templates (names start with the slug) and the
    folder of its translations (``<locale>/<lang>/LC_MESSAGES/messages.po``, by convention
    ``admin/locale``: the messages marked in the module's folder that the platform's
    catalogue does not already translate)."""

    # The handlers, or where their list is ("package.module:ATTRIBUTE"): imported when the
    # admin is first asked for, so a worker that serves no admin page never imports its
    # pages (issue 13).
    handlers: Sequence[Any] | str = ()
    screens: tuple[AdminScreen, ...] = ()
    templates: Path | None = None
    locale: Path | None = None

    def handler_list(self) -> list[Any]:
        """The handlers, imported if they are given by where they are."""
        if isinstance(self.handlers, str):
            return list(imported(self.handlers))
        return list(self.handlers)


def imported(path: str) -> Any:
    """The attribute ``path`` ("package.module:ATTRIBUTE") names, its module imported."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


class McpToolDeclaration(Protocol):
    """What the core reads of a module's MCP tool: ``rustok.web.mcp.McpTool`` (the core
    imports no web framework; the MCP server accepts only that class)."""

    @property
    def name(self) -> str: ...

    @property
    def module(self) -> str | None: ...


@dataclass(frozen=True, kw_only=True)
class ModuleSpec:
    slug: str
    name: str
    description: str
    version: str
    dependencies: tuple[str, ...] = ()
    # A folder of Alembic revisions for the module's tables. A built-in module's continue
    # the platform's one linear history (``down_revision``); an installed module's form their
    # own branch (``branch_labels=(slug,)``, ``depends_on`` a platform revision).
    migrations: Path | None = None
    # Read from ``RUSTOK_<SLUG>_*`` and validated at start-up: ``settings.of(<the type>)``.
    settings: type[ModuleSettings] | None = None
    # RBAC resources the module adds to the catalogue (each with the platform's actions) and
    # the default grants of the system roles (``admin``, ``manager``, ``customer``) on them;
    # ``super_admin`` manages every resource. Existing tenants get them from `rustok migrate`.
    resources: tuple[str, ...] = ()
    grants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Litestar route handlers/controllers/routers; typed loosely so core stays framework-free.
    route_handlers: Sequence[Any] = ()
    # The module's admin UI pages, sidebar entries and templates (issue 18).
    admin: ModuleAdmin | None = None
    # The module's root GraphQL types, or where they are ("package.module:Attribute"):
    # imported when the schema is first built, so a worker serving REST only never imports
    # the GraphQL libraries (issue 13).
    graphql_query: type | str | None = None
    graphql_mutation: type | str | None = None
    # The module's GraphQL scalars: a ``NewType`` → its ``strawberry.scalar(...)``.
    graphql_scalars: Mapping[object, object] = field(default_factory=dict)
    # Tools for AI agents on ``/mcp`` and ``rustok mcp`` (``rustok.web.mcp.McpTool``): each
    # answers 404 to a tenant that disabled the module.
    mcp_tools: Sequence[McpToolDeclaration] = ()
    # A typer app whose commands join ``rustok``'s (``rustok reindex``), or where it is
    # ("package.module:ATTRIBUTE", imported by the command line only: a server never needs
    # typer); they reach the settings and the platform through
    # ``rustok.core.commands.command_kit``.
    cli: object | str | None = None
    consumers: Sequence[ConsumerSpec] = ()
    # Housekeeping on a timer (rustok.core.jobs), run where the event runtime runs.
    jobs: Sequence[PeriodicJob] = ()
    # Long-running services (a sender, a poller) started and stopped with the event runtime.
    background: Sequence[BackgroundFactory] = ()
    on_enable: ModuleHook | None = None
    on_disable: ModuleHook | None = None
    health: HealthProbe | None = None
    demo: DemoSeeder | None = None
    # Typed declarations that another module reads (an extension point it defines, e.g.
    # content's ``ManagedContentKinds``): ``ModuleRegistry.contributions(<type>)``.
    contributions: tuple[object, ...] = ()

    def __post_init__(self) -> None:
        if not SLUG_RE.match(self.slug):
            raise ValueError(f"module slug {self.slug!r} must match {SLUG_RE.pattern}")
        for resource in self.resources:
            if not RESOURCE_RE.match(resource):
                raise ValueError(f"{self.slug}: bad resource name {resource!r}")
        for role, grants in self.grants.items():
            for grant in grants:
                if not GRANT_RE.match(grant):
                    raise ValueError(
                        f"{self.slug}: bad grant {grant!r} for {role} "
                        "(resource:action or resource:action:own)"
                    )
        if self.migrations is not None and not self.migrations.is_dir():
            raise ValueError(f"{self.slug}: migrations folder {self.migrations} does not exist")
        for screen in self.admin.screens if self.admin else ():
            if not screen.path.startswith("/admin/"):
                raise ValueError(f"{self.slug}: admin screen {screen.path!r} is not under /admin/")
        if self.slug in self.dependencies:
            raise ValueError(f"module {self.slug!r} depends on itself")
        self._check_mcp_tools()

    def _check_mcp_tools(self) -> None:
        names = [tool.name for tool in self.mcp_tools]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"{self.slug}: two MCP tools are named {twice[0]!r}")
        for tool in self.mcp_tools:
            if tool.module not in (None, self.slug):
                raise ValueError(
                    f"{self.slug}: MCP tool {tool.name!r} names module {tool.module!r}; "
                    "a module declares its own tools only"
                )

    async def check_health(self) -> ModuleHealth:
        if self.health is None:
            return ModuleHealth()
        try:
            return await self.health()
        except Exception as exc:  # noqa: BLE001 - a probe failure is a health answer, not a crash
            return ModuleHealth("unhealthy", f"{type(exc).__name__}: {exc}")
