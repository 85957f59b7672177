"""The test apps: routed once per module set and settings, bound to each test's own platform.

``create_app`` spends most of its time in Litestar's route registration (0.3–1 s). The
``make_app`` fixture pays it once per shape: it lends a built app, bound to the test's fresh
platform, and takes it back when the test ends. Apps lent in the same test are distinct, so
a test may serve two platforms side by side.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from litestar import Litestar

from rustok.api.app import RustokApp, bind_platform, build_litestar
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.modules.content.settings import ContentSettings

MakeApp = Callable[[Settings, Platform], RustokApp]


class BuiltApps:
    """Litestar apps by module set and settings (``create_app``'s costly half)."""

    def __init__(self) -> None:
        self._free: dict[bytes, list[Litestar]] = {}
        self._lent: list[tuple[bytes, Litestar]] = []
        self._modules: dict[bytes, tuple[ModuleSpec, ...]] = {}
        self.builds = 0

    def bind(self, settings: Settings, platform: Platform) -> RustokApp:
        """``create_app(settings, platform=platform)``, from a built app not lent yet."""
        modules = tuple(platform.modules)
        # Everything the build may read, bar the per-test paths.
        module_settings = tuple(
            msgspec.structs.replace(m, media_root="") if isinstance(m, ContentSettings) else m
            for m in settings.module_settings
        )
        shared = msgspec.structs.replace(
            settings, database_url="", data_dir="", module_settings=module_settings
        )
        key = msgspec.json.encode([[id(m) for m in modules], shared])
        self._modules[key] = modules  # referenced, so their ids are not reused
        free = self._free.setdefault(key, [])
        if free:
            litestar = free.pop()
        else:
            litestar = build_litestar(settings, platform)
            self.builds += 1
        self._lent.append((key, litestar))
        return bind_platform(litestar, platform)

    def release(self) -> None:
        """The test is over: the apps it was lent serve the next tests."""
        for key, litestar in self._lent:
            self._free[key].append(litestar)
        self._lent.clear()
