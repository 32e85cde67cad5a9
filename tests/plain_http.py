"""Requests a test sends outside an office's client, through one httpx client per test process.

`httpx.get` and `httpx.post` make a client, and with it a TLS context, for every request: about
30 ms of CPU each, though the suite's servers speak plain HTTP, and a test that polls a server's
metrics makes hundreds. This client is made once and keeps no connection between requests, as those
functions kept none: each request opens its own, so a server with several processes answers it with
whichever accepts, and no request meets an idle connection the server is closing.
"""

from __future__ import annotations

import functools
from typing import Any

import httpx


@functools.cache
def _client() -> httpx.Client:
    return httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))


def get(url: str, **options: Any) -> httpx.Response:
    """`httpx.get(url, **options)` without a client of its own."""
    return _client().get(url, **options)


def post(url: str, **options: Any) -> httpx.Response:
    """`httpx.post(url, **options)` without a client of its own."""
    return _client().post(url, **options)
