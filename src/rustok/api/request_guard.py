"""The app's ``before_request`` hook: after routing, before parameters and bodies are parsed.

In order, each refusal a problem+json:

1. NUL in the path or query → 400 ``VALIDATION_ERROR`` (``text_guard``).
2. A route that takes a JSON body (a ``data`` parameter) gets a body of another media type
   → 415 ``UNSUPPORTED_MEDIA_TYPE`` (Litestar would parse any body as JSON).
3. Any JSON body — REST and ``/api/graphql`` alike — nesting arrays and objects deeper than
   ``RUSTOK_MAX_JSON_DEPTH`` → 400 ``NESTING_TOO_DEEP``, found by a byte scan before any
   parser recurses (a deep body used to end in ``RecursionError``, a 500).
4. NUL inside JSON strings → 400 ``VALIDATION_ERROR``.
5. The body of a ``data`` route is decoded once, strictly, into the handler's type:
   ``"5"`` or ``5.0`` is no integer and ``0`` no boolean. Every invalid field is listed
   (400 ``VALIDATION_ERROR``); Litestar then takes the decoded value as it is. Ids may be
   ULID text where the type has a UUID (ID-1, ``core/id_text.py``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException
from litestar.params import BodyKwarg
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.utils.scope.state import ScopeState

from rustok.api.text_guard import reject_nul_in_json, reject_nul_in_url
from rustok.core.errors import ValidationFailed
from rustok.core.id_text import ULID_IN_JSON, with_uuid_ids
from rustok.core.validation import NestingTooDeep, body_errors, json_depth_exceeds

AnyRequest = Request[Any, Any, Any]


def _is_json(media_type: str) -> bool:
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


class _JsonBody(msgspec.Struct, frozen=True):
    """What a route expects in its JSON body."""

    annotation: Any
    decoder: msgspec.json.Decoder[Any]


def _json_body_of(handler: Any) -> _JsonBody | None:
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None or handler.resolve_data_dto() is not None:
        return None
    kwarg = data.kwarg_definition
    if isinstance(kwarg, BodyKwarg) and kwarg.media_type != RequestEncodingType.JSON:
        return None
    return _JsonBody(data.annotation, msgspec.json.Decoder(data.annotation, strict=True))


class RequestGuard:
    def __init__(self, max_json_depth: int) -> None:
        self.max_json_depth = max_json_depth
        self._bodies: dict[int, _JsonBody | None] = {}  # per route handler, built once

    def _expected(self, request: AnyRequest) -> _JsonBody | None:
        handler = request.route_handler
        key = id(handler)
        if key not in self._bodies:
            self._bodies[key] = _json_body_of(handler)
        return self._bodies[key]

    async def __call__(self, request: AnyRequest) -> None:
        reject_nul_in_url(request)
        expected = self._expected(request)
        media_type = request.headers.get("content-type", "")
        # Loose on purpose: whatever a JSON reader downstream (GraphQL) might accept.
        looks_json = "json" in media_type.lower()
        if expected is None and not looks_json:
            return
        body = await request.body()
        if not body:
            return  # nothing to guard; a required body is reported missing by validation
        if expected is not None and not _is_json(media_type):
            raise ClientException(
                f"this route takes application/json, not {media_type or 'an untyped body'}",
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        if json_depth_exceeds(body, self.max_json_depth):
            raise NestingTooDeep(
                f"the JSON body nests arrays and objects deeper than {self.max_json_depth} levels"
            )
        reject_nul_in_json(body)
        if expected is not None:
            ScopeState.from_scope(request.scope).json = _decode(expected, body)


def _decode(expected: _JsonBody, body: bytes) -> Any:
    try:
        if ULID_IN_JSON.search(body):  # rare: ids sent as ULIDs become UUID text first
            body_with_uuids = with_uuid_ids(msgspec.json.decode(body), expected.annotation)
            return expected.decoder.decode(msgspec.json.encode(body_with_uuids))
        return expected.decoder.decode(body)
    except msgspec.ValidationError as exc:
        message = str(exc)
        try:
            errors = body_errors(expected.annotation, msgspec.json.decode(body))
        except msgspec.DecodeError:
            errors = {}
        errors = errors or {"body": [message.split(" - at ")[0]]}
        detail = "; ".join(f"{key}: {', '.join(items)}" for key, items in errors.items())
        raise ValidationFailed(detail, errors=errors) from None
    except msgspec.DecodeError as exc:
        raise ClientException(str(exc)) from exc  # problems.py: 400 MALFORMED_BODY
