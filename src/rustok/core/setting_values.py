"""One raw setting value (an environment string, a settings-file value) turned into its type.

Shared by the platform's settings and the modules' (``rustok.core.module_settings``): every
error is a :class:`SettingsError` whose one-line message names the variable and the allowed
values, which the command line turns into exit code 2.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, get_args, get_origin

Bounds = tuple[float, float]
UNBOUNDED: Bounds = (float("-inf"), float("inf"))
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(Exception):
    """An invalid setting; the message is one line, meant for the operator."""


def strip_optional(tp: Any) -> tuple[Any, bool]:
    """``X | None`` → ``(X, True)``; anything else → ``(tp, False)``."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def parse_value(name: str, raw: Any, tp: Any, bounds: Bounds = UNBOUNDED) -> Any:
    """Turn ``raw``, given as variable ``name``, into ``tp`` (numbers within ``bounds``)."""
    inner, optional = strip_optional(tp)
    if optional and (raw is None or (isinstance(raw, str) and raw.strip() == "")):
        return None
    if get_origin(inner) is Literal:
        allowed = get_args(inner)
        value = str(raw).strip().lower()
        if value not in allowed:
            raise SettingsError(
                f"{name}: invalid value {str(raw)!r}; allowed values: {', '.join(allowed)}"
            )
        return value
    if inner is bool:
        if isinstance(raw, bool):
            return raw
        value = str(raw).strip().lower()
        if value in _TRUE | _FALSE:
            return value in _TRUE
        raise SettingsError(f"{name}: invalid value {raw!r}; allowed values: true, false")
    if inner in (int, float):
        try:
            number = inner(str(raw).strip())
        except ValueError:
            kind = "an integer" if inner is int else "a number"
            raise SettingsError(f"{name}: invalid value {raw!r}; expected {kind}") from None
        low, high = bounds
        if not low <= number <= high:
            raise SettingsError(
                f"{name}: {number} is out of range; allowed values: {plain(low)}..{plain(high)}"
            )
        return number
    if get_origin(inner) is tuple:
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        return tuple(str(i).strip() for i in items if str(i).strip())
    return str(raw).strip()


def plain(bound: float) -> str:
    """A bound as people write it: 31536000, not 3.1536e+07."""
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"
