"""What the commerce module offers to the rest of the platform.

Other modules import this file (and ``events.py``), never commerce's models. The index
module projects products into the storefront's read models through these reads, made in
the projector's own transaction:

- :func:`product_snapshots`: whole products (translations, options, variants with base
  prices and available stock, images, category and collection ids) in any status;
- :func:`category_lineage`: categories with all their ancestors (names, handles, paths);
- :func:`product_ids`: every product id (of a status), for rebuilding the read models;
- :func:`available_by_variant`: available units (stocked minus reserved, over every
  location) of some variants, for patching listings after stock changes.
"""

from __future__ import annotations

from rustok.modules.commerce.catalog.queries import available_by_variant
from rustok.modules.commerce.catalog.schemas import (
    ImageRead,
    OptionRead,
    PriceRead,
    ProductRead,
    TranslationRead,
    VariantRead,
)
from rustok.modules.commerce.catalog.snapshots import (
    CategoryNode,
    category_lineage,
    product_ids,
    product_snapshots,
)

__all__ = [
    "CategoryNode",
    "ImageRead",
    "OptionRead",
    "PriceRead",
    "ProductRead",
    "TranslationRead",
    "VariantRead",
    "available_by_variant",
    "category_lineage",
    "product_ids",
    "product_snapshots",
]
