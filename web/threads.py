"""The worker threads in which the service's blocking work runs for the event loop (a slow database
never stalls the loop): one pool per server process.

A hop is a queue and a future of the loop's own. The caller puts the work on the pool's queue with
a future made by the loop; the thread that takes it sets the future's outcome through
`call_soon_threadsafe`. `loop.run_in_executor` did this before, at 93 µs of CPU per hop against 60
here (medians of eight runs of 5,000 hops one after another on an idle loop; BENCHMARKS.md, "One
hop, one connection, no system call on the loop"): it makes a `concurrent.futures.Future` with a
condition of its own, chains it to an asyncio future through two done-callbacks, and counts idle
threads with a semaphore; anyio's `to_thread.run_sync` before it cost more again. A GraphQL
request hops once, and the hop runs on the event loop, where its cost holds up every other
connection.

The work runs in a copy of the caller's context, as it did with the executor: the request's id and
timings (`service.timings`) and the reader's language (`locales`) go with it. Every hop of the
server goes through this one pool, so at most `THREADS` requests hold a database connection at
once: as many as the database pool's connections (`models.database.make_engine`). Threads are
started as work finds none idle, up to `THREADS`. A thread that must ask the loop something (an
import, whether its client is still there) uses `asyncio.run_coroutine_threadsafe`.

A caller that stops waiting (its task cancelled) leaves the work to finish; its outcome is dropped.
At the interpreter's exit the threads finish the work they hold (at most `EXIT_SECONDS`), as the
executor's did: a ledger batch under way is committed, not cut off.
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import os
import queue
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

T = TypeVar("T")

THREADS = 40
EXIT_SECONDS = 30.0

_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", contextvars.Context, Callable[[], Any]]


class WorkerThreads:
    """A fixed bound of threads taking work from one queue; the loop waits on a future of its own."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, loop: asyncio.AbstractEventLoop, work: Callable[[], T]) -> asyncio.Future[T]:
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            if self._idle > 0:
                self._idle -= 1  # this job is that thread's
            elif len(self._threads) < self.size:
                self._start()
        self._jobs.put((loop, future, contextvars.copy_context(), work))
        return future

    def _start(self) -> None:
        thread = threading.Thread(
            target=self._work, name=f"borderlabour-worker-{len(self._threads)}", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            loop, future, context, work = job
            try:
                result = context.run(work)
            except BaseException as exc:  # the caller's to answer: it reaches it through the future
                outcome: tuple[Any, Any] = (_failed, exc)
            else:
                outcome = (_done, result)
                del result
            with self._lock:  # idle before the caller hears: its next hop finds this thread
                self._idle += 1
            _settle(loop, future, *outcome)
            del job, future, work, context, outcome  # nothing of a finished request outlives it here

    def stop(self, seconds: float) -> None:
        """Lets every thread finish the work it holds, then end (at most `seconds` in all)."""
        deadline = time.monotonic() + seconds
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))


def _settle(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], how: Any, value: Any) -> None:
    with suppress(RuntimeError):  # the loop closed meanwhile: nobody is left to answer
        loop.call_soon_threadsafe(how, future, value)


def _done(future: asyncio.Future[Any], result: Any) -> None:
    if not future.cancelled():
        future.set_result(result)


def _failed(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.cancelled():
        future.set_exception(exc)


_pool: WorkerThreads | None = None


def _threads() -> WorkerThreads:
    """This process's pool, made on first use."""
    global _pool
    if _pool is None:
        _pool = WorkerThreads(THREADS)
        atexit.register(_pool.stop, EXIT_SECONDS)
    return _pool


def _forget_the_pool() -> None:
    """A pool inherited through `fork` has no threads: the child makes its own. (Asking the process's
    id on every hop instead was a system call on the event loop's thread.)"""
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_the_pool)


async def in_thread(work: Callable[[], T]) -> T:
    """`work()` in one of the process's worker threads, in a copy of the caller's context."""
    return await _threads().submit(asyncio.get_running_loop(), work)
