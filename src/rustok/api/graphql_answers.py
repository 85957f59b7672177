"""Whole GraphQL answers from the read-model answer cache (issue 13: GraphQL as fast as REST).

A query asking only for root fields that modules declare as read-model answers
(:class:`~rustok.core.read_cache.ReadModelQueryFields`, e.g. ``storeProducts``) is answered,
the second time, with the bytes the first request got: no parsing, validation or execution.
The key is the tenant as resolved (its locales, currency and modules included: a change to
them is another key), ``Accept-Language`` and the request exactly as sent (the body of a
``POST``, the query string of a ``GET``). Answers live in the module's cache under the
tenant's read-model version taken before the first execution, so a read-model commit retires
them exactly like the REST answers. Answers with errors are never kept.

Cacheability is decided after the first execution, from the cached parse of the document:
its chosen operation is a query whose root selections are all such fields (or
``__typename``), with no fragment spread at the root.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request, Response

from rustok.core.context import current_context
from rustok.core.platform import Platform
from rustok.core.read_cache import CacheVersion, ReadCache, ReadModelQueryFields

SERVICES_KEY = "graphql_answers"
MAX_REQUEST_BYTES = 16 * 1024  # larger requests are not worth a key


class _Request(msgspec.Struct):
    query: str | None = None
    operation_name: str | None = msgspec.field(default=None, name="operationName")


class _Result(msgspec.Struct):
    errors: Any = None


@dataclass(frozen=True, slots=True)
class Lookup:
    key: tuple[Any, ...]
    tenant_id: Any
    versions: tuple[CacheVersion | None, ...]
    answer: bytes | None


class GraphQLAnswers:
    def __init__(self, platform: Platform) -> None:
        declared = platform.modules.contributions(ReadModelQueryFields)
        self._groups: list[tuple[frozenset[str], ReadCache]] = [
            (d.fields, d.cache(platform)) for d in declared
        ]

    @property
    def enabled(self) -> bool:
        return any(cache.enabled for _, cache in self._groups)

    async def lookup(self, request: Request[Any, Any, Any]) -> Lookup | None:
        """The cached answer, or what is needed to keep the one about to be made."""
        if request.method == "POST":
            sent = await request.body()
        elif request.method == "GET":
            sent = request.scope.get("query_string", b"")
        else:
            return None
        return self.lookup_sent(request.method, request.headers.get("accept-language"), sent)

    def lookup_sent(self, method: str, accept_language: str | None, sent: bytes) -> Lookup | None:
        """:meth:`lookup` of a request already read: its method, its ``Accept-Language``
        and its body (``POST``) or query string (``GET``)."""
        tenant = current_context().tenant
        if tenant is None or not self._groups or len(sent) > MAX_REQUEST_BYTES:
            return None
        key = ("graphql", tenant, method, accept_language, sent)
        versions = []
        for _, cache in self._groups:
            answer, version = cache.get(tenant.id, key)
            if isinstance(answer, bytes):
                return Lookup(key, tenant.id, (), answer)
            versions.append(version)
        return Lookup(key, tenant.id, tuple(versions), None)

    def keep(
        self, request: Request[Any, Any, Any], lookup: Lookup,
        root_fields: Callable[[str, str | None], frozenset[str] | None], body: bytes,
    ) -> None:  # fmt: skip
        """Keep ``body`` if it has no error and its request asked for read-model fields of
        one cache only; ``root_fields`` reads the root fields of a query text's operation
        (``graphql_documents.root_fields``: None when they are not plain fields of a query)."""
        try:
            if msgspec.json.decode(body, type=_Result).errors is not None:
                return
        except msgspec.DecodeError:
            return
        sent = sent_query(request, lookup)
        if sent is None or not sent.query:
            return
        fields = root_fields(sent.query, sent.operation_name)
        if fields is not None:
            self.keep_answer(lookup, fields, body)

    def read_model_only(self, fields: frozenset[str]) -> bool:
        """Whether ``fields`` (root fields of a query) are all read-model fields of one
        module's declaration (or ``__typename``)."""
        return any(fields <= declared | {"__typename"} for declared, _ in self._groups)

    def keep_answer(self, lookup: Lookup, fields: frozenset[str], body: bytes) -> None:
        """Keep ``body``, an answer without errors to a query for the root ``fields``, in
        the cache of the declaration holding them all (if one does)."""
        for (declared, cache), version in zip(self._groups, lookup.versions, strict=True):
            if fields <= declared | {"__typename"}:
                cache.put(lookup.tenant_id, lookup.key, version, body, len(body))
                return


def answers_of(platform: Platform) -> GraphQLAnswers:
    """The platform's (kept in its services: an app rebound to another platform, as tests
    do, never answers from the previous one's caches)."""
    answers = platform.services.get(SERVICES_KEY)
    if not isinstance(answers, GraphQLAnswers):
        answers = platform.services[SERVICES_KEY] = GraphQLAnswers(platform)
    return answers


def sent_query(request: Request[Any, Any, Any], lookup: Lookup) -> _Request | None:
    """The query text and operation name of the request (None: none to be read)."""
    sent = lookup.key[-1]
    if request.method == "GET":
        params = request.query_params
        return _Request(query=params.get("query"), operation_name=params.get("operationName"))
    try:
        return msgspec.json.decode(sent, type=_Request)
    except (msgspec.DecodeError, RecursionError):
        return None


def cached_response(body: bytes) -> Response[bytes]:
    return Response(body, media_type="application/json")
