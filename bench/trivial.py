"""The floor of the storefront benchmark: a bare Litestar endpoint answering a fixed JSON body.

``granian --factory bench.trivial:trivial_app`` serves ``GET /`` with the document in the file
named by ``BENCH_TRIVIAL_JSON`` (a storefront answer saved by the benchmark), decoded once and
encoded by Litestar on every request, as a storefront handler's result is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, get

TRIVIAL_JSON_ENV = "BENCH_TRIVIAL_JSON"


def trivial_app() -> Litestar:
    document: Any = msgspec.json.decode(Path(os.environ[TRIVIAL_JSON_ENV]).read_bytes())

    @get("/", sync_to_thread=False)
    def answer() -> Any:
        return document

    @get("/health/live", sync_to_thread=False)
    def live() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(route_handlers=[answer, live], logging_config=None, debug=False)
