"""Argument types the tools share (the REST routes' limits)."""

from __future__ import annotations

from typing import Annotated

import msgspec

Page = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
PerPage = Annotated[int, msgspec.Meta(ge=1, le=100)]
Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")]
# No control characters: PostgreSQL cannot store NUL, and none belongs in a search.
SearchText = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
]
