"""What a module adds to the admin dashboard: a panel, declared as a contribution.

``ModuleSpec(contributions=(DashboardPanel(...),))``; the dashboard shows the panels of the
tenant's enabled modules whose permission the caller holds, each loaded with a bounded
number of statements (the module's ``load`` says how many).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rustok.core.platform import Platform

PanelLoader = Callable[["Platform"], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class DashboardPanel:
    module: str
    # A template of the module's admin templates, rendered with ``panel`` = the loaded data.
    template: str
    permission: str
    load: PanelLoader
