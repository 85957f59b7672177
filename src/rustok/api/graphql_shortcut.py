"""A ``POST /api/graphql`` whose answer is in the answer cache (``graphql_answers``) is sent
from here, before Litestar: routing, the auth guard, the request guard, the GraphQL route's
dependencies and a ``Response`` cost a cached GraphQL read more than everything else.

Only requests the full path would answer from the same cache entry are taken: a JSON body of
at most ``MAX_REQUEST_BYTES``, no query string, and nothing that could identify a caller
(``Authorization``, ``X-Api-Key``, ``Cookie``) — a bad token must still get its 401. The
cached bytes were the answer to exactly this body, so the guards that passed then pass now.
Everything else, and every miss, goes on to Litestar with the body read here handed on.
The layers around this one (metrics, access log, rate limits, security headers) see the
request as usual; its route is ``/api/graphql``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from rustok.api.graphql_answers import MAX_REQUEST_BYTES, answers_of
from rustok.api.graphql_route import GRAPHQL_PATH
from rustok.core.platform import Platform

if TYPE_CHECKING:
    from rustok.api.graphql_direct import DirectQueries
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send

_CALLER_HEADERS = frozenset({b"authorization", b"x-api-key", b"cookie"})
# An ``Accept`` asking for a streamed answer (multipart or server-sent events): Strawberry's.
_STREAMED = re.compile(rb"multipart/mixed|text/event-stream", re.IGNORECASE)


class GraphQLShortcut:
    def __init__(
        self, app: ASGIApp, platform: Platform,
        direct: Callable[[], DirectQueries | None] = lambda: None,
    ) -> None:  # fmt: skip
        """``direct``: the executor of uncached read-model queries once the GraphQL view is
        built (``graphql_direct``; None before: the GraphQL libraries are not imported yet)."""
        self.app = app
        self.platform = platform
        self._direct = direct
        self.direct: DirectQueries | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != GRAPHQL_PATH
            or scope.get("query_string")
        ):  # fmt: skip
            await self.app(scope, receive, send)
            return
        headers = _read_headers(scope)
        if headers is None:  # a caller to identify: the full path
            await self.app(scope, receive, send)
            return
        json, language, length, streamed = headers
        answers = answers_of(self.platform)
        if self.direct is None:
            self.direct = self._direct()
        direct = None if streamed else self.direct
        if not json or not 0 <= length <= MAX_REQUEST_BYTES or not (answers.enabled or direct):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more and size <= MAX_REQUEST_BYTES:  # a body longer than it said is not read on
            message = await receive()
            if message["type"] != "http.request":  # the client left: nothing to answer
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if more:
            await self.app(scope, _replaying(body, True, receive), send)
            return
        found = answers.lookup_sent("POST", language, body) if answers.enabled else None
        answer = found.answer if found is not None else None
        if answer is None and direct is not None:
            answer = await direct.answer(
                scope, _replaying(body, False, receive), body, answers, found
            )
        if answer is None:
            await self.app(scope, _replaying(body, False, receive), send)
            return
        scope["path_template"] = GRAPHQL_PATH  # the route of the metrics and the access log
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer)),
        ]})  # fmt: skip
        await send({"type": "http.response.body", "body": answer, "more_body": False})


def _read_headers(scope: Scope) -> tuple[bool, str | None, int, bool] | None:
    """Whether the body is JSON, the ``Accept-Language``, the length (-1: not said) and
    whether a streamed answer is asked for; None when a header could identify a caller."""
    json = streamed = False
    language: str | None = None
    length = -1
    for name, value in scope["headers"]:
        if name in _CALLER_HEADERS:
            return None
        if name == b"content-type":
            json = value.split(b";", 1)[0].strip().lower() == b"application/json"
        elif name == b"accept-language":
            language = value.decode("latin-1")
        elif name == b"content-length":
            length = int(value) if value.isdigit() else -1
        elif name == b"accept":
            streamed = _STREAMED.search(value) is not None
    return json, language, length, streamed


def _replaying(body: bytes, more: bool, receive: Receive) -> Receive:
    """The body read so far, then whatever the client sends next (the rest, a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
