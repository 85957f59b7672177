"""Which modules are installed, in dependency order, and what they contribute.

The composition root passes the built-in specs (``rustok.modules.BUILTIN_MODULES``);
``RUSTOK_MODULES`` can restrict the set, which must still hold every dependency it needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Sequence

from rustok.core.module import ModuleSpec
from rustok.core.settings import SettingsError


def load_spec(path: str) -> ModuleSpec:
    module_name, _, attribute = path.partition(":")
    spec = getattr(importlib.import_module(module_name), attribute or "MODULE")
    if not isinstance(spec, ModuleSpec):
        raise TypeError(f"{path} is not a ModuleSpec")
    return spec


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
    """The installed modules of this deployment, dependencies first."""

    def __init__(self, specs: Iterable[ModuleSpec]) -> None:
        specs = list(specs)
        slugs = [s.slug for s in specs]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"duplicate module slugs in {slugs}")
        self._specs = _dependency_order(specs)
        self._by_slug = {s.slug: s for s in self._specs}

    @classmethod
    def from_settings(
        cls, selected: Sequence[str] | None, available: Sequence[ModuleSpec]
    ) -> ModuleRegistry:
        specs = list(available)
        if selected is None:
            return cls(specs)
        known = {s.slug for s in specs}
        unknown = [slug for slug in selected if slug not in known]
        if unknown:
            raise SettingsError(
                f"RUSTOK_MODULES: unknown module {unknown[0]!r}; allowed values: "
                + (", ".join(sorted(known)) or "(none installed)")
            )
        return cls(s for s in specs if s.slug in set(selected))

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

    def permissions(self) -> list[str]:
        return sorted({p for s in self._specs for p in s.permissions})
