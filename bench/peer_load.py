"""The load process of the comparison with PostGraphile: `bench.load`, reconnecting when a server
has closed a connection that sat idle.

The latency phase sends one request to each server in turn, so one server's connection waits while
the other answers. A request of the nested roster can take seconds, and both servers close a
keep-alive connection idle for five seconds (Node's `keepAliveTimeout`, uvicorn's
`timeout_keep_alive`); the request sent on such a connection finds it closed, before the server has
read it. Here it is sent again on a new connection (its latency includes the connect).
"""

from __future__ import annotations

import asyncio
import sys

from bench import load


class Connection(load.Connection):
    host: str
    port: int

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        made = cls(*await asyncio.open_connection(host, port))
        made.host, made.port = host, port
        return made

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        try:
            return await super().send(raw)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            return await super().send(raw)


if __name__ == "__main__":  # `python -m bench.peer_load < spec.json`, as `bench.load`
    load.Connection = Connection  # type: ignore[misc]
    sys.exit(load.main())
