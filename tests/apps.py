"""The test app: routed once per module set and settings, bound to each test's own platform.

``create_app`` spends most of its time in Litestar's route registration (0.3–1 s); the
``app`` fixture pays it once per shape and binds a fresh platform to the built app per test.
"""

from __future__ import annotations

import msgspec
from litestar import Litestar

from rustok.api.app import RustokApp, bind_platform, build_litestar
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.settings import Settings


class BuiltApps:
    """Litestar apps built once per module set and settings: ``create_app``'s costly half."""

    def __init__(self) -> None:
        self._built: dict[bytes, tuple[tuple[ModuleSpec, ...], Litestar]] = {}
        self.builds = 0

    def bind(self, settings: Settings, platform: Platform) -> RustokApp:
        modules = tuple(platform.modules)
        # Everything the build may read, bar the per-test paths; the specs stay referenced,
        # so their ids are not reused.
        shared = msgspec.structs.replace(settings, database_url="", data_dir="", media_root="")
        key = msgspec.json.encode([[id(m) for m in modules], shared])
        if key not in self._built:
            self._built[key] = (modules, build_litestar(settings, platform))
            self.builds += 1
        return bind_platform(self._built[key][1], platform)
