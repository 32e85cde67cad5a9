"""Request bodies read whole within a size and a time: the GraphQL operation's and an upload's.

A body that trickles in holds a connection and a worker's memory for as long as its client likes,
so every route that reads one reads it here, within its time (`BORDERLABOUR_BODY_SECONDS` for a
GraphQL operation, `BORDERLABOUR_UPLOAD_SECONDS` for a workbook), and refuses alike:
413 TOO_LARGE past its size, 408 REQUEST_TIMEOUT (the connection closed) past its time.
"""

from __future__ import annotations

import asyncio

from starlette.requests import ClientDisconnect, Request

from locales import N_
from web.errors import Refusal


def too_large(limit: int) -> Refusal:
    return Refusal(413, N_("the request body exceeds {limit} bytes"), "TOO_LARGE", limit=limit)


async def body_within(request: Request, limit: int, seconds: float) -> bytes:
    """The whole body, or a Refusal: too large (as declared, or as it arrives) or too slow; a client
    gone before the end of its body is ClientDisconnect."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large(limit)
    parts: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            # The messages as they come, as `request.stream()` reads them, without an async generator
            # (set up and torn down on the event loop for every request).
            while True:
                message = await request.receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnect()
                part = message.get("body", b"")
                parts.append(part)
                size += len(part)
                if size > limit:
                    raise too_large(limit)
                if not message.get("more_body", False):
                    return b"".join(parts)
    except TimeoutError as exc:
        template = N_("the request body did not arrive within {seconds} seconds")
        raise Refusal(408, template, "REQUEST_TIMEOUT", {"Connection": "close"}, seconds=seconds) from exc
