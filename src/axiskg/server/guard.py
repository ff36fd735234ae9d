"""ASGI middleware around the whole application: security headers on every answer, and a cap
on the requests one client address may have in progress at once (the rest get 429).

Kept in one place so that every page (the ones in :mod:`axiskg.server.pages` included, whoever
adds them) gets the same headers without touching the page code.
"""

from __future__ import annotations

import asyncio
import re
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


#: a Host header as RFC 9110 allows it: an RFC 3986 host (IP literal, or a name of unreserved
#: characters, sub-delimiters and whole %XX escapes), then an optional port
_HOST = re.compile(rb"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)(?::[0-9]{0,5})?")


def _plain(status: int, text: str, extra=()) -> tuple[dict, dict]:
    body = text.encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *extra,
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class Guard:
    """Security headers on every answer, ``400`` for a malformed ``Host`` header, and at most
    ``per_client`` requests in progress per client address (the next get ``429`` with ``Retry-After``; 0: no limit). One middleware
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

        host = next((v for k, v in scope.get("headers", ()) if k == b"host"), None)
        if host is not None and not _HOST.fullmatch(host):
            # the service description and the pages build URLs from it: a malformed one is the
            # client's error (400), not a traceback
            for message in _plain(400, "malformed Host header\n"):
                await send_with_headers(message)
            return
        if not self.limit:
            return await self.app(scope, receive, send_with_headers)
        client = (scope.get("client") or ("?", 0))[0]
        if self.active[client] >= self.limit:
            text = (
                f"too many requests in progress from this address (at most {self.limit} at once, "
                "see --per-client); try again shortly\n"
            )
            for message in _plain(429, text, [(b"retry-after", self.retry_after)]):
                await send_with_headers(message)
            return
        self.active[client] += 1
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.active[client] -= 1
            if not self.active[client]:
                del self.active[client]


def guarded_http(max_header: int, max_line: int, header_timeout: float, send_timeout: float):
    """uvicorn's httptools protocol with limits it lacks: a request line over ``max_line``
    bytes gets ``414``, headers (what follows the request line, up to the blank line) over
    ``max_header`` bytes get ``431``, and the connection is closed; a client that has not sent
    a whole head ``header_timeout`` seconds after connecting (or after starting the next request
    on a kept-alive connection) is disconnected; so is one that leaves an answer unread (the send
    buffer full) for ``send_timeout`` seconds, which frees the answer's memory.

    It subclasses a class uvicorn does not document (``HttpToolsProtocol``), so ``pyproject.toml``
    pins uvicorn to one minor version and ``tests/test_serve_requests.py`` fails when another one
    is installed: the methods overridden here must be checked against each new version."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    def refusal(status: str, text: str) -> bytes:
        msg = text.encode()
        return (
            b"HTTP/1.1 " + status.encode() + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(msg)).encode() + b"\r\nconnection: close\r\n\r\n" + msg
        )

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._line_bytes = self._head_bytes = 0
            self._in_head, self._in_line = True, True
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

        def _refuse(self, answer: bytes) -> None:
            self._in_head = False
            self.transport.write(answer)
            self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                end = data.find(b"\r\n\r\n")
                head = data if end < 0 else data[: end + 4]
                if self._in_line:
                    newline = head.find(b"\n")
                    self._line_bytes += len(head) if newline < 0 else newline + 1
                    self._in_line = newline < 0
                    head = b"" if newline < 0 else head[newline + 1 :]
                    if self._line_bytes > max_line:
                        return self._refuse(refusal("414 URI Too Long", f"request line over {max_line} bytes\n"))
                self._head_bytes += len(head)
                if self._head_bytes > max_header:
                    return self._refuse(
                        refusal(
                            "431 Request Header Fields Too Large",
                            f"request headers over {max_header} bytes (--max-header)\n",
                        )
                    )
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm_head_timer()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._disarm("_head_timer")
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            self._in_head, self._in_line, self._line_bytes, self._head_bytes = True, True, 0, 0
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
