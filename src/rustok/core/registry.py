"""Which modules exist, which are installed, in dependency order, and what they contribute.

Modules are found in two places (:func:`discover_modules`): the built-in list the
composition root passes (``rustok.modules.BUILTIN_MODULES``) and the ``rustok.modules``
entry-point group of the installed distributions, whose entry point is named after the
module's slug::

    [project.entry-points."rustok.modules"]
    loyalty = "rustok_loyalty.module:MODULE"

``RUSTOK_MODULES`` selects among all of them; the selection must hold every dependency.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import TypeVar

from rustok.core.module import ModuleSpec
from rustok.core.settings import SettingsError

ENTRY_POINT_GROUP = "rustok.modules"
BUILT_IN = "built-in"
T = TypeVar("T")


def load_spec(path: str) -> ModuleSpec:
    module_name, _, attribute = path.partition(":")
    spec = getattr(importlib.import_module(module_name), attribute or "MODULE")
    if not isinstance(spec, ModuleSpec):
        raise TypeError(f"{path} is not a ModuleSpec")
    return spec


@dataclass(frozen=True, slots=True)
class FoundModule:
    """A module this deployment can run: where its spec is, and who provides it."""

    path: str  # "package.module:ATTRIBUTE"
    spec: ModuleSpec
    source: str  # BUILT_IN, or the distribution that installed it ("rustok-loyalty 0.1.0")

    @property
    def package(self) -> str:
        return package_of(self.path)


@functools.cache
def installed_entry_points() -> tuple[EntryPoint, ...]:
    """The ``rustok.modules`` entry points of this environment (read once per process)."""
    return tuple(sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name))


def package_of(path: str) -> str:
    """The package holding a spec: ``rustok_loyalty`` for ``rustok_loyalty.module:MODULE``."""
    return path.partition(":")[0].rpartition(".")[0]


def import_parts(package: str, parts: Sequence[str] = ("models", "events")) -> None:
    """Import a module's models and events, so metadata and event catalogue hold them."""
    for part in parts:
        try:
            importlib.import_module(f"{package}.{part}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{part}":
                raise


def _from_entry_point(entry: EntryPoint) -> FoundModule:
    dist = f"{entry.dist.name} {entry.dist.version}" if entry.dist else "an unknown distribution"
    try:
        spec = load_spec(entry.value)
    except Exception as exc:  # a broken third-party package: say which, not a traceback
        raise SettingsError(
            f"{ENTRY_POINT_GROUP} entry point {entry.name!r} of {dist}: cannot load "
            f"{entry.value}: {type(exc).__name__}: {exc}"
        ) from exc
    if spec.slug != entry.name:
        raise SettingsError(
            f"{ENTRY_POINT_GROUP} entry point {entry.name!r} of {dist} names module "
            f"{spec.slug!r}: the entry point must be named after the module's slug"
        )
    return FoundModule(entry.value, spec, dist)


def discover_modules(
    builtin: Sequence[str], installed: Iterable[EntryPoint] | None = None
) -> list[FoundModule]:
    """The built-in modules, then the installed ones (entry points), each slug once."""
    found = [FoundModule(path, load_spec(path), BUILT_IN) for path in builtin]
    entries = installed_entry_points() if installed is None else installed
    found += [_from_entry_point(entry) for entry in entries]
    by_slug: dict[str, FoundModule] = {}
    for module in found:
        other = by_slug.setdefault(module.spec.slug, module)
        if other is not module:
            raise SettingsError(
                f"module {module.spec.slug!r} is provided twice: by {other.source} "
                f"({other.path}) and by {module.source} ({module.path})"
            )
        import_parts(module.package)
    return found


def _dependency_order(specs: Sequence[ModuleSpec]) -> list[ModuleSpec]:
    by_slug = {s.slug: s for s in specs}
    ordered: list[ModuleSpec] = []
    state: dict[str, str] = {}

    def visit(spec: ModuleSpec, chain: tuple[str, ...]) -> None:
        if state.get(spec.slug) == "done":
            return
        if state.get(spec.slug) == "visiting":
            raise SettingsError(f"RUSTOK_MODULES: dependency cycle {' -> '.join(chain)}")
        state[spec.slug] = "visiting"
        for dep in spec.dependencies:
            if dep not in by_slug:
                raise SettingsError(
                    f"RUSTOK_MODULES: module {spec.slug!r} needs {dep!r}, which is not installed"
                )
            visit(by_slug[dep], (*chain, dep))
        state[spec.slug] = "done"
        ordered.append(spec)

    for spec in specs:
        visit(spec, (spec.slug,))
    return ordered


class ModuleRegistry:
    """The installed modules of this deployment, dependencies first.

    ``available`` holds every module found, selected or not: their tables and permissions
    exist in every database, so that selecting one later needs no migration.
    """

    def __init__(
        self, specs: Iterable[ModuleSpec], available: Sequence[ModuleSpec] | None = None
    ) -> None:
        specs = list(specs)
        slugs = [s.slug for s in specs]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"duplicate module slugs in {slugs}")
        self._specs = _dependency_order(specs)
        self._by_slug = {s.slug: s for s in self._specs}
        self.available: tuple[ModuleSpec, ...] = tuple(specs if available is None else available)

    @classmethod
    def from_settings(
        cls, selected: Sequence[str] | None, available: Sequence[ModuleSpec]
    ) -> ModuleRegistry:
        specs = list(available)
        if selected is None:
            return cls(specs, specs)
        known = {s.slug for s in specs}
        unknown = [slug for slug in selected if slug not in known]
        if unknown:
            raise SettingsError(
                f"RUSTOK_MODULES: unknown module {unknown[0]!r}; allowed values: "
                + (", ".join(sorted(known)) or "(none installed)")
            )
        return cls((s for s in specs if s.slug in set(selected)), specs)

    def __iter__(self) -> Iterator[ModuleSpec]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def get(self, slug: str) -> ModuleSpec | None:
        return self._by_slug.get(slug)

    def slugs(self) -> list[str]:
        return [s.slug for s in self._specs]

    def dependents_of(self, slug: str) -> list[str]:
        return [s.slug for s in self._specs if slug in s.dependencies]

    def contributions(self, kind: type[T]) -> list[T]:
        """What the installed modules declare for an extension point, dependencies first."""
        return [c for s in self._specs for c in s.contributions if isinstance(c, kind)]
