"""The worker threads of a server process (`web.threads`): what a hop promises its caller.

The service's blocking work runs there for the event loop; each request hops once. The hop is the
pool's own (a queue and a future of the loop's); these are the promises `loop.run_in_executor`
kept before and the routes rely on.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import os
import threading
import time
import weakref

import pytest

from web.threads import WorkerThreads, in_thread

pytestmark = pytest.mark.engine_independent("the event loop's worker threads: no database")

ASKED: contextvars.ContextVar[str] = contextvars.ContextVar("asked", default="none")


def test_the_work_sees_the_callers_context_and_its_changes_stay_with_the_work() -> None:
    def work() -> str:
        seen = ASKED.get()
        ASKED.set("changed by the work")
        return seen

    async def caller() -> tuple[str, str]:
        ASKED.set("the request's")
        seen = await in_thread(work)
        return seen, ASKED.get()

    assert asyncio.run(caller()) == ("the request's", "the request's")


def test_the_works_exception_reaches_the_caller() -> None:
    class Refused(Exception):
        pass

    def work() -> None:
        raise Refused("no")

    async def caller() -> None:
        await in_thread(work)

    with pytest.raises(Refused, match="no"):
        asyncio.run(caller())


def test_the_work_runs_in_another_thread_than_the_event_loop() -> None:
    async def caller() -> bool:
        return await in_thread(threading.get_ident) != threading.get_ident()

    assert asyncio.run(caller())


def test_no_more_work_runs_at_once_than_the_pool_has_threads_and_all_of_it_runs() -> None:
    pool = WorkerThreads(3)
    lock = threading.Lock()
    running, most, done = [0], [0], []

    def work(n: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        done.append(n)
        return n

    async def caller() -> list[int]:
        loop = asyncio.get_running_loop()
        return list(await asyncio.gather(*(pool.submit(loop, lambda n=n: work(n)) for n in range(10))))

    try:
        assert asyncio.run(caller()) == list(range(10))
    finally:
        pool.stop(5)
    assert most[0] == 3
    assert sorted(done) == list(range(10))


def test_a_caller_that_stops_waiting_leaves_the_work_to_finish_and_the_pool_serving() -> None:
    pool = WorkerThreads(1)
    release, finished = threading.Event(), threading.Event()

    def slow() -> str:
        release.wait(5)
        finished.set()
        return "late"

    async def caller() -> str:
        loop = asyncio.get_running_loop()
        waiting = asyncio.ensure_future(pool.submit(loop, slow))
        await asyncio.sleep(0.01)
        waiting.cancel()
        release.set()
        # the one thread finishes the abandoned work, then takes this
        return await pool.submit(loop, lambda: "next")

    try:
        assert asyncio.run(caller()) == "next"
    finally:
        pool.stop(5)
    assert finished.is_set()


def test_an_answer_handed_over_is_not_kept_by_the_idle_thread() -> None:
    """An answer holds personal data: once its request is done with it, nothing of the pool keeps it."""

    class Answer:
        pass

    pool = WorkerThreads(1)

    async def caller() -> weakref.ref[Answer]:
        loop = asyncio.get_running_loop()
        answer = await pool.submit(loop, Answer)
        await asyncio.sleep(0.05)  # the thread is idle again, waiting for work
        return weakref.ref(answer)

    try:
        kept = asyncio.run(caller())
        gc.collect()
        assert kept() is None
    finally:
        pool.stop(5)


def test_stopping_lets_the_work_under_way_finish() -> None:
    pool = WorkerThreads(2)
    finished = threading.Event()

    def work() -> None:
        time.sleep(0.1)
        finished.set()

    async def caller() -> None:
        pool.submit(asyncio.get_running_loop(), work)
        await asyncio.sleep(0.01)

    asyncio.run(caller())
    pool.stop(5)
    assert finished.is_set()


def test_a_process_forked_after_the_pool_started_runs_its_work_in_threads_of_its_own() -> None:
    async def caller() -> int:
        return await in_thread(threading.get_ident)

    asyncio.run(caller())  # the parent's pool has a thread now
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its inherited pool has no threads, so the hop would wait for ever
        try:
            answered = asyncio.run(asyncio.wait_for(caller(), 10))
            os.write(writing, b"ok" if answered else b"no")
        finally:
            os._exit(0)
    os.close(writing)
    _, status = os.waitpid(child, 0)
    assert os.read(reading, 2) == b"ok"
    assert status == 0
