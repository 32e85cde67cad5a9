"""The httpx clients of the tests, all over one TLS context.

An httpx client makes a TLS context when it is made, loading certifi's certificates: about 30 ms
of CPU, though the suite's servers speak plain HTTP. `httpx.get` and `httpx.post` make a client for
every request, and each office's client, each thread of a test that sends requests at once and each
test that polls a server's metrics made one more: a fifth of the test processes' CPU went there.
Every client here shares one default context, made once per test process.

`get` and `post` go through one client that keeps no connection between requests, as the
functions of httpx kept none: each request opens its own, so a server with several processes
answers it with whichever accepts, and no request meets an idle connection the server is closing.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def client(**options: Any) -> httpx.Client:
    """`httpx.Client(**options)` over the shared TLS context."""
    return httpx.Client(verify=_tls(), **options)


@functools.cache
def _client() -> httpx.Client:
    return client(limits=httpx.Limits(max_keepalive_connections=0))


def get(url: str, **options: Any) -> httpx.Response:
    """`httpx.get(url, **options)` without a client of its own."""
    return _client().get(url, **options)


def post(url: str, **options: Any) -> httpx.Response:
    """`httpx.post(url, **options)` without a client of its own."""
    return _client().post(url, **options)
