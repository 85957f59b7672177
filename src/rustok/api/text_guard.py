"""Text input never holds NUL (U+0000): PostgreSQL cannot store it in text columns, so it
would fail (500) there and pass on SQLite. Refused up front, the same on both: 400
``VALIDATION_ERROR`` naming where it was (path, query parameter or JSON body field).

Called by the app's ``before_request`` hook (``api/request_guard.py``), before parameters
and bodies are parsed; raw uploads (not JSON) may of course contain zero bytes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request

from rustok.core.errors import ValidationFailed

NUL = "\x00"
_MESSAGE = "must not contain NUL (U+0000) characters"


def _nul_path(value: Any, path: str) -> str | None:
    """The JSON path of the first string (or key) holding NUL, if any."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here.replace(NUL, "")
            if (found := _nul_path(item, here)) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_path(item, f"{path}[{index}]")) is not None:
                return found
    return None


def reject_nul_in_url(request: Request[Any, Any, Any]) -> None:
    if NUL in request.scope["path"]:
        raise ValidationFailed(errors={"path": [_MESSAGE]})
    query = request.scope.get("query_string", b"")
    if b"%00" in query.lower():
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if NUL in name or NUL in value:
                raise ValidationFailed(errors={name.replace(NUL, "") or "query": [_MESSAGE]})


def reject_nul_in_json(body: bytes) -> None:
    """Only for a body whose nesting was checked: the search below recurses."""
    if b"\\u0000" not in body:  # the only way JSON text can carry NUL
        return
    try:
        found = _nul_path(msgspec.json.decode(body), "")
    except msgspec.DecodeError:
        return  # malformed: body parsing answers that
    if found is not None:
        raise ValidationFailed(errors={found or "body": [_MESSAGE]})
