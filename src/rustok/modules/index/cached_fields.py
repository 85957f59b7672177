"""The storefront's GraphQL fields whose whole answers are cached (declared at start-up,
where the schema itself is not built)."""

from __future__ import annotations

# Read-model answers only (public; a function of tenant, locale and arguments): whole
# GraphQL answers made of these are cached (``api/graphql_answers.py``).
STOREFRONT_FIELDS = frozenset({"storeProducts", "storeProduct", "storeContent", "storeSearch"})
