"""``python -m bench [suite ...]``: run benchmark suites and print their figures."""

from __future__ import annotations

import importlib
import sys

SUITES = (
    "serve",
    "tenancy",
    "auth",
    "events",
    "content",
    "commerce",
    "index",
    "webhooks",
    "storefront",
    "overhead",
    "startup",
    "tracing",
    "admin",
)


def main(argv: list[str]) -> None:
    wanted = argv or list(SUITES)
    unknown = [s for s in wanted if s not in SUITES]
    if unknown:
        raise SystemExit(f"unknown suite {unknown[0]!r}; choose from: {', '.join(SUITES)}")
    for suite in wanted:
        importlib.import_module(f"bench.{suite}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
