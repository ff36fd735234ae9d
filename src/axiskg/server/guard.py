"""ASGI middleware around the whole application: security headers on every answer, and a cap
on the requests one client address may have in progress at once (the rest get 429).

Kept in one place so that every page (the ones in :mod:`axiskg.server.pages` included, whoever
adds them) gets the same headers without touching the page code.
"""

from __future__ import annotations

import asyncio
from collections import Counter

#: sent with every answer; pages use only /static/ assets, no inline script or style
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class Guard:
    """Security headers on every answer, and at most ``per_client`` requests in progress per
    client address (the next get ``429`` with ``Retry-After``; 0: no limit). One middleware
    doing both, with as little work per request as possible."""

    def __init__(self, app, per_client: int, retry_after: int = 1) -> None:
        self.app = app
        self.limit = per_client
        self.retry_after = str(retry_after).encode()
        self.active: Counter = Counter()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *SECURITY_HEADERS]}
            await send(message)

        if not self.limit:
            return await self.app(scope, receive, send_with_headers)
        client = (scope.get("client") or ("?", 0))[0]
        if self.active[client] >= self.limit:
            body = (
                f"too many requests in progress from this address (at most {self.limit} at once, "
                "see --per-client); try again shortly\n"
            ).encode()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", self.retry_after),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        self.active[client] += 1
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.active[client] -= 1
            if not self.active[client]:
                del self.active[client]


def guarded_http(max_header: int, header_timeout: float, send_timeout: float):
    """uvicorn's httptools protocol with limits it lacks: a request head (request line and
    headers) over ``max_header`` bytes gets ``431`` and the connection is closed; a client that
    has not sent a whole head ``header_timeout`` seconds after connecting (or after starting the
    next request on a kept-alive connection) is disconnected; so is one that leaves an answer
    unread (the send buffer full) for ``send_timeout`` seconds, which frees the answer's memory."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._head_bytes = 0
            self._in_head = True
            self._head_timer: asyncio.TimerHandle | None = None
            self._send_timer: asyncio.TimerHandle | None = None
            self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(header_timeout, self._drop)

        def _disarm(self, name: str) -> None:
            timer = getattr(self, name, None)
            if timer is not None:
                timer.cancel()
                setattr(self, name, None)

        def _drop(self) -> None:
            self._head_timer = self._send_timer = None
            if not self.transport.is_closing():
                self.transport.abort()

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                end = data.find(b"\r\n\r\n")
                head = len(data) if end < 0 else end + 4
                self._head_bytes += head
                if self._head_bytes > max_header:
                    self._in_head = False
                    msg = f"request head over {max_header} bytes (--max-header)\n".encode()
                    self.transport.write(
                        b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                        b"content-type: text/plain; charset=utf-8\r\n"
                        b"content-length: " + str(len(msg)).encode() + b"\r\n"
                        b"connection: close\r\n\r\n" + msg
                    )
                    self.transport.close()
                    return
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm_head_timer()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._disarm("_head_timer")
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            self._in_head, self._head_bytes = True, 0
            super().on_response_complete()

        def connection_lost(self, exc) -> None:
            self._disarm("_head_timer")
            self._disarm("_send_timer")
            super().connection_lost(exc)

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._send_timer is None:
                self._send_timer = self.loop.call_later(send_timeout, self._drop)

        def resume_writing(self) -> None:
            self._disarm("_send_timer")
            super().resume_writing()

    return GuardedHttpToolsProtocol
