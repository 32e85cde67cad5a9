"""The load process: `python -m bench.load < spec.json > result.json`, separate from the server.

A minimal HTTP/1.1 keep-alive client on asyncio, so that the load process spends as little CPU as
possible (the machine it shares with the server has two cores). Requests are prepared as bytes
before the clock starts. Per spec, for one or more servers (targets):

1. warm-up requests to each target;
2. latency: requests one after another on one connection per target, the targets in turn
   (A, B, A, B, ...), so that whatever else the machine does falls on all targets alike and
   their latencies can be compared;
3. throughput: `concurrency` connections to one target at a time for `duration` seconds, after
   `WARM_EACH` unmeasured requests on each of as many connections, closed again: a server with
   several processes warms every one of them (the first two phases reach one), since a process
   meeting its first requests under the load is slow enough that the others take its connections
   (`borderlabour_connections_taken_over_total`) and the split measures the warm-up, not the server.

spec: {"host", "targets": [{"port", "requests": [{"body": str, "headers": {..}}]}], "warmup",
       "sequential", "sequential_seconds", "concurrency", "duration"}
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

ERROR_MARK = b'"errors":[{'  # a GraphQL error, or a refused write's non-empty `errors`
WARM_EACH = 3  # unmeasured requests on each connection before the throughput phase


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        return cls(*await asyncio.open_connection(host, port))

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def raw_requests(host: str, port: int, requests: list[dict]) -> list[bytes]:
    out = []
    for request in requests:
        body = request["body"].encode()
        head = [
            "POST /graphql HTTP/1.1",
            f"Host: {host}:{port}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in request["headers"].items()),
        ]
        out.append(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    return out


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error: str | None = None

    async def one(self, conn: Connection, raw: bytes) -> None:
        started = time.perf_counter()
        status, body = await conn.send(raw)
        self.latencies.append(time.perf_counter() - started)
        if status != 200 or ERROR_MARK in body:
            self.errors += 1
            self.first_error = self.first_error or f"{status}: {body[:300].decode(errors='replace')}"


class Target:
    """One server and the requests to send it, in turn."""

    def __init__(self, host: str, port: int, requests: list[dict]) -> None:
        self.host, self.port = host, port
        self.raws = raw_requests(host, port, requests)
        self.sent = 0
        self.warm, self.sequential, self.concurrent = Tally(), Tally(), Tally()
        self.throughput = 0.0

    def next_raw(self) -> bytes:
        self.sent += 1
        return self.raws[(self.sent - 1) % len(self.raws)]

    async def connect(self) -> Connection:
        return await Connection.open(self.host, self.port)

    async def load(self, concurrency: int, duration: float) -> None:
        warming = [await self.connect() for _ in range(concurrency)]

        async def warm(c: Connection) -> None:
            for _ in range(WARM_EACH):
                await self.warm.one(c, self.next_raw())

        await asyncio.gather(*(warm(c) for c in warming))
        for c in warming:
            c.close()
        conns = [await self.connect() for _ in range(concurrency)]
        deadline = time.perf_counter() + duration

        async def worker(c: Connection) -> None:
            while time.perf_counter() < deadline:
                await self.concurrent.one(c, self.next_raw())

        started = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in conns))
        self.throughput = len(self.concurrent.latencies) / (time.perf_counter() - started)
        for c in conns:
            c.close()

    def result(self) -> dict:
        tallies = (self.warm, self.sequential, self.concurrent)
        return {
            "sequential": self.sequential.latencies,
            "concurrent": self.concurrent.latencies,
            "throughput": self.throughput,
            "requests": sum(len(t.latencies) for t in tallies),
            "errors": sum(t.errors for t in tallies),
            "first_error": next((t.first_error for t in tallies if t.first_error), None),
        }


async def run(spec: dict) -> list[dict]:
    targets = [Target(spec["host"], t["port"], t["requests"]) for t in spec["targets"]]
    conns = [await t.connect() for t in targets]
    for target, conn in zip(targets, conns, strict=True):
        for _ in range(spec["warmup"]):
            await target.warm.one(conn, target.next_raw())
    stop = time.perf_counter() + spec["sequential_seconds"]
    for _ in range(spec["sequential"]):
        for target, conn in zip(targets, conns, strict=True):
            await target.sequential.one(conn, target.next_raw())
        if time.perf_counter() > stop and len(targets[0].sequential.latencies) >= 10:
            break
    for conn in conns:
        conn.close()
    for target in targets:
        await target.load(spec["concurrency"], spec["duration"])
    return [t.result() for t in targets]


def main() -> int:
    spec = json.load(sys.stdin)
    json.dump(asyncio.run(run(spec)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
