"""How a server process of `serve` accepts from the listening socket all its processes share.

With a socket per process (`SO_REUSEPORT`) the kernel hashes each connection's addresses to one of
them: 32 keep-alive connections split like 32 coin tosses (a run saw 3,179 against 1,754 requests).
With one shared socket and asyncio's accept, whichever process wakes first accepts every connection
waiting. So each process accepts one connection at a time, and only while it holds no more open
connections than any other process (`Tally`, in memory the processes share). A process ahead of
the others leaves the connection to them; if none has taken it within `PATIENCE` (the others busy,
stuck or dead and not yet replaced), it takes it and every other waiting connection itself, so a
connection never waits long for a process that may not come. Each connection so taken is counted
(`borderlabour_connections_taken_over_total`, by process): a split that is uneven for that reason
says so on /metrics.
"""

from __future__ import annotations

import asyncio
import errno
import select
import socket
import time
from ctypes import Array, c_int
from multiprocessing.sharedctypes import RawArray

from uvicorn import Config, Server

from service.metrics import connections_taken_over

EMPTY = -1  # a slot no running process holds
PATIENCE = 0.1  # seconds a process ahead leaves a waiting connection to the others
LOOK_AGAIN = 0.002  # seconds between its looks while it leaves the connection to them


class Tally:
    """The open connections of each process, by slot, in memory every process shares.

    A process writes only its own slot (the supervisor empties a dead one's); it reads the others'
    without a lock, since a count a few microseconds old only makes it accept one connection more
    or fewer.
    """

    def __init__(self, slots: int) -> None:
        self.counts: Array[c_int] = RawArray(c_int, [EMPTY] * slots)

    def set(self, slot: int, count: int) -> None:
        self.counts[slot] = count

    def fewest_elsewhere(self, slot: int) -> int | None:
        """The fewest connections any other running process holds (None if it runs alone)."""
        others = [int(n) for i, n in enumerate(self.counts) if i != slot and n != EMPTY]
        return min(others) if others else None


class FewestConnectionsFirst(Server):
    """uvicorn's server, accepting from the shared socket only while no process holds fewer connections."""

    def __init__(self, config: Config, tally: Tally, slot: int) -> None:
        super().__init__(config)
        self.tally, self.slot = tally, slot
        self.listener: socket.socket | None = None
        self.left_since: float | None = None  # since when a connection waits that this process left
        self.opening = 0  # connections accepted whose protocol is not yet among the server's connections

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the lifespan and state; the accepting is done here
        assert sockets is not None and len(sockets) == 1
        self.listener = sockets[0]
        self.listener.setblocking(False)
        self.tally.set(self.slot, 0)
        asyncio.get_running_loop().add_reader(self.listener, self._waiting)

    async def on_tick(self, counter: int) -> bool:
        self._count()  # connections also close: the count goes down here
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.listener is not None:
            asyncio.get_running_loop().remove_reader(self.listener)
            self.listener = None
        self.tally.set(self.slot, EMPTY)
        await super().shutdown(sockets)

    def _count(self) -> int:
        count = len(self.server_state.connections) + self.opening
        self.tally.set(self.slot, count)
        return count

    def _waiting(self) -> None:
        """A connection waits on the shared socket: take it, or leave it to a process with fewer."""
        fewest = self.tally.fewest_elsewhere(self.slot)
        taking_over = False
        if fewest is None or self._count() <= fewest:
            self.left_since = None
        else:
            now = time.monotonic()
            self.left_since = self.left_since or now
            if now - self.left_since < PATIENCE:
                loop = asyncio.get_running_loop()
                loop.remove_reader(self._listening())
                loop.call_later(LOOK_AGAIN, self._look_again)
                return
            taking_over = True  # the others have let connections wait too long: take them until none waits
        if self._accept() and taking_over:
            connections_taken_over().inc()
        if self.left_since is not None and not self._still_waiting():
            self.left_since = None

    def _look_again(self) -> None:
        if self.should_exit or self.listener is None:
            return
        if not self._still_waiting():
            self.left_since = None  # another process took it
        asyncio.get_running_loop().add_reader(self.listener, self._waiting)

    def _listening(self) -> socket.socket:
        assert self.listener is not None  # between start-up and shut-down
        return self.listener

    def _still_waiting(self) -> bool:
        return bool(select.select([self._listening()], [], [], 0)[0])

    def _accept(self) -> bool:
        """Accepts one waiting connection, if one still waits; whether it did."""
        try:
            connection, _ = self._listening().accept()
        except (BlockingIOError, InterruptedError):
            self.left_since = None  # another process took it first
            return False
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                loop = asyncio.get_running_loop()  # out of descriptors or memory: a second's rest
                loop.remove_reader(self._listening())
                loop.call_later(1.0, self._look_again)
            return False  # else the client gave up before it was accepted (ECONNABORTED)
        self.opening += 1
        self._count()
        connection.setblocking(False)
        task = asyncio.get_running_loop().create_task(self._open(connection))
        self.server_state.tasks.add(task)
        task.add_done_callback(self.server_state.tasks.discard)
        return True

    async def _open(self, connection: socket.socket) -> None:
        config = self.config
        try:
            await asyncio.get_running_loop().connect_accepted_socket(
                lambda: config.http_protocol_class(  # type: ignore[call-arg]
                    config=config, server_state=self.server_state, app_state=self.lifespan.state
                ),
                connection,
                ssl=config.ssl,
            )
        except OSError:
            connection.close()  # closed by the client before it was served
        finally:
            self.opening -= 1
