"""Ids written as ULIDs where a UUID is expected (ID-1): every id is a ULID stored as a UUID
(``core/ids.py``), so clients may send either text; answers always carry the UUID form.

:func:`with_uuid_ids` rewrites the ULID strings of a decoded JSON value that sit where its
type expects a UUID (struct fields, list items, dict keys and values, optional or union
members), and nothing else: a title that happens to look like a ULID stays a title.
:data:`ULID_IN_JSON` finds bodies that may hold one, so the others skip the walk.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import msgspec.inspect as mi

from rustok.core.ids import parse_id

# Crockford base32, 26 characters, at most 7ZZZ… (128 bits); either case.
ULID_RE = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$")
ULID_IN_JSON = re.compile(rb'"[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}"')


def ulid_as_uuid_text(text: str) -> str | None:
    """``text`` as canonical UUID text if it is a ULID, else None."""
    if len(text) != 26 or not ULID_RE.match(text):
        return None
    return str(parse_id(text))


@lru_cache(maxsize=512)
def _info(annotation: Any) -> mi.Type:
    return mi.type_info(annotation)


def with_uuid_ids(value: Any, annotation: Any) -> Any:
    """``value`` (decoded JSON) with ULIDs turned to UUID text where ``annotation`` has a UUID."""
    try:
        kind = _info(annotation)
    except TypeError:  # an unhashable annotation: not cached
        kind = mi.type_info(annotation)
    return _walk(value, kind)


def _walk(value: Any, kind: mi.Type) -> Any:
    if isinstance(kind, mi.Metadata):
        return _walk(value, kind.type)
    if isinstance(kind, mi.UUIDType):
        return (ulid_as_uuid_text(value) or value) if isinstance(value, str) else value
    if isinstance(kind, mi.UnionType):
        for member in kind.types:
            value = _walk(value, member)
        return value
    if isinstance(kind, mi.StructType | mi.DataclassType | mi.TypedDictType):
        if not isinstance(value, dict):
            return value
        fields = {f.encode_name if hasattr(f, "encode_name") else f.name: f for f in kind.fields}
        return {k: _walk(v, fields[k].type) if k in fields else v for k, v in value.items()}
    if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        return [_walk(v, kind.item_type) for v in value] if isinstance(value, list) else value
    if isinstance(kind, mi.TupleType):
        if not isinstance(value, list) or len(value) != len(kind.item_types):
            return value
        return [_walk(v, t) for v, t in zip(value, kind.item_types, strict=True)]
    if isinstance(kind, mi.DictType):
        if not isinstance(value, dict):
            return value
        return {_walk(k, kind.key_type): _walk(v, kind.value_type) for k, v in value.items()}
    return value
