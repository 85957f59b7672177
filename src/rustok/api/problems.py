"""Every error leaves as ``application/problem+json`` (RFC 9457; ER-1, ER-3).

One table maps exceptions to problems: our own :class:`RustokError` tree, the framework's
routing/validation/body errors, and anything unexpected (500, logged with the trace id,
nothing internal in the body).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    SerializationException,
    ValidationException,
)
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE
from litestar.utils.scope.state import ScopeState

from rustok.core.context import current_context
from rustok.core.errors import RustokError
from rustok.core.logging import get_logger
from rustok.core.validation import struct_errors

PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = get_logger("rustok.api")
_FIELD_IN_MESSAGE = re.compile(r"field `([^`]+)`")
_MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '([^']+)'")
_STATUS_CODES = {
    400: ("BAD_REQUEST", "Bad request"),
    401: ("UNAUTHENTICATED", "Authentication required"),
    403: ("FORBIDDEN", "Permission denied"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    413: ("PAYLOAD_TOO_LARGE", "Payload too large"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
    429: ("RATE_LIMITED", "Too many requests"),
    500: ("INTERNAL_ERROR", "Internal server error"),
    503: ("SERVICE_UNAVAILABLE", "Service unavailable"),
}


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    trace_id: str
    request_id: str = ""
    errors: dict[str, list[str]] | None = None


def problem_type(code: str) -> str:
    return "urn:rustok:problem:" + code.lower().replace("_", "-")


def build_problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str,
    errors: dict[str, list[str]] | None = None,
) -> Problem:
    ctx = current_context()
    return Problem(
        type=problem_type(code),
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        trace_id=ctx.trace_id or ctx.request_id,
        request_id=ctx.request_id,
        errors=errors,
    )


def problem_bytes(problem: Problem) -> bytes:
    return msgspec.json.encode(problem)


def _validation_errors(
    request: Request[Any, Any, Any], exc: ValidationException
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    parameters: dict[str, list[str]] = {}
    body_failed = False
    extra: Any = exc.extra
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        key = str(item.get("key") or "body")
        in_body = item.get("source") == "body" or key == "data"
        if key == "data" and (match := _FIELD_IN_MESSAGE.search(message)):
            key = match.group(1)  # "Object missing required field `name`" → name
        key = "body" if key == "data" else key
        errors.setdefault(key, []).append(message)
        if in_body:
            body_failed = True
        else:
            parameters.setdefault(key, []).append(message)
    if body_failed and ScopeState.from_scope(request.scope).body == b"":
        # Litestar names only the missing parameter ("'data'"): say what the client forgot.
        return {**parameters, "body": ["a JSON body is required"]}
    if body_failed and (every := _every_body_error(request)):
        return {**parameters, **every}
    if not errors and (missing := _MISSING_PARAMETER.match(exc.detail)):
        errors[missing.group(1)] = ["required"]
    return errors


def _every_body_error(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """msgspec reported the first broken field of the body; list them all (core.validation)."""
    handler = request.scope.get("route_handler")
    body = ScopeState.from_scope(request.scope).body
    data_field = None if handler is None else handler.parsed_fn_signature.parameters.get("data")
    if data_field is None or not isinstance(body, bytes):
        return {}
    cls = data_field.annotation
    if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
        return {}
    try:
        return struct_errors(cls, msgspec.json.decode(body))
    except msgspec.DecodeError:
        return {}


def _caused_by_decoding(exc: BaseException) -> bool:
    cause = exc.__cause__
    while cause is not None:
        if isinstance(cause, SerializationException | msgspec.DecodeError):
            return True
        cause = cause.__cause__
    return False


def _from_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Problem:
    status = exc.status_code
    code, title = _STATUS_CODES.get(status, ("HTTP_ERROR", "HTTP error"))
    instance = request.url.path
    if isinstance(exc, ValidationException):
        errors = _validation_errors(request, exc)
        detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()) or exc.detail
        return build_problem(
            status=400, code="VALIDATION_ERROR", title="Validation failed",
            detail=detail, instance=instance, errors=errors,
        )  # fmt: skip
    detail = exc.detail
    scope: Mapping[str, Any] = request.scope
    if isinstance(exc, NotFoundException) and "route_handler" not in scope:
        detail = f"no route for {request.method} {instance}"
    elif isinstance(exc, MethodNotAllowedException):
        detail = f"{request.method} is not allowed on {instance}"
    elif status == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        detail = "the request body exceeds the size limit"
    elif status == 400 and _caused_by_decoding(exc):
        code, title = "MALFORMED_BODY", "Malformed request body"
        detail = f"the request body is not valid JSON: {detail}"
    return build_problem(status=status, code=code, title=title, detail=detail, instance=instance)


# Deadlock and serialization failure: PostgreSQL rolled the transaction back, nothing kept.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def _transient_database_error(exc: Exception) -> bool:
    """A rolled-back transaction that would succeed if sent again."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def problem_for(request: Request[Any, Any, Any], exc: Exception) -> tuple[Problem, dict[str, str]]:
    """The problem (and extra headers) describing ``exc``."""
    if isinstance(exc, RustokError):
        problem = build_problem(
            status=exc.status, code=exc.code, title=exc.title, detail=exc.detail,
            instance=request.url.path, errors=exc.errors or None,
        )  # fmt: skip
        return problem, exc.headers
    if isinstance(exc, HTTPException):
        return _from_http_exception(request, exc), dict(exc.headers or {})
    if _transient_database_error(exc):
        _log.warning("transaction lost a race; the client may retry", path=request.url.path,
                     error=str(getattr(exc, "orig", exc)).splitlines()[0])  # fmt: skip
        problem = build_problem(
            status=503, code="TRY_AGAIN", title="Try again",
            detail="the request collided with another one and was rolled back; retry it",
            instance=request.url.path,
        )  # fmt: skip
        return problem, {"Retry-After": "1"}
    _log.error(
        "unhandled error",
        method=request.method,
        path=request.url.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    code, title = _STATUS_CODES[500]
    problem = build_problem(
        status=500, code=code, title=title,
        detail="the server failed to handle the request; quote the trace id when reporting it",
        instance=request.url.path,
    )  # fmt: skip
    return problem, {}


def problem_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    problem, headers = problem_for(request, exc)
    return Response(
        content=problem_bytes(problem),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
