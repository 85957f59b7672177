"""``HEAD`` is answered like ``GET``, without the body (RFC 9110 §9.3.2).

Litestar routes only the methods a handler declares and answers 405 to ``HEAD`` on a
``GET`` route. This layer runs the ``GET`` handler instead and drops the body it sends; the
headers, ``Content-Length`` included, stay those of the ``GET`` answer. Outer layers (access
metrics) still see ``HEAD``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        scope["method"] = "GET"
        try:
            await self.app(scope, receive, send_without_body)
        finally:
            scope["method"] = "HEAD"
