"""The worker threads in which the service's blocking work runs for the event loop (a slow database
never stalls the loop): one pool per server process.

anyio's `to_thread.run_sync` did this before, at about 70 µs of CPU per hop against 50 for the
loop's own executor (its capacity limiter, cancel scope and checks of which async library runs;
BENCHMARKS.md, "Nested records without their worker's test, reads without BEGIN and COMMIT, one
thread pool"). A GraphQL request hops once, and the hop runs on the event loop, where its cost
holds up every other connection.

The work runs in a copy of the caller's context, as it did with anyio: the request's id and timings
(`service.timings`) and the reader's language (`locales`) go with it. Every hop of the server goes
through this one pool, so at most `THREADS` requests hold a database connection at once: as many
as anyio's default limit was, and as the database pool's connections (`models.database.make_engine`).
A thread that must ask the loop something (an import, whether its client is still there) uses
`asyncio.run_coroutine_threadsafe`.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

THREADS = 40

_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """This process's pool, made on first use: a pool inherited through `fork` has no threads."""
    global _pool
    pid = os.getpid()
    if _pool is None or _pool[0] != pid:
        _pool = (pid, ThreadPoolExecutor(THREADS, thread_name_prefix="borderlabour-worker"))
    return _pool[1]


async def in_thread(work: Callable[[], T]) -> T:
    """`work()` in one of the process's worker threads, in a copy of the caller's context."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), contextvars.copy_context().run, work)
