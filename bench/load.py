"""The load process: `python -m bench.load < spec.json > result.json`, separate from the server.

A minimal HTTP/1.1 keep-alive client on asyncio, so that the load process spends as little CPU as
possible (the machine it shares with the server has two cores). Requests are prepared as bytes
before the clock starts. Three phases per spec: warm-up, sequential requests on one connection
(latency), then `concurrency` connections for `duration` seconds (throughput).

spec: {"host", "port", "requests": [{"body": str, "headers": {..}}], "warmup": int,
       "sequential": int, "sequential_seconds": float, "concurrency": int, "duration": float}
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

ERROR_MARK = b'"errors":[{'  # a GraphQL error, or a refused write's non-empty `errors`


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


def raw_requests(spec: dict) -> list[bytes]:
    out = []
    for request in spec["requests"]:
        body = request["body"].encode()
        head = [
            "POST /graphql HTTP/1.1",
            f"Host: {spec['host']}:{spec['port']}",
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


async def run(spec: dict) -> dict:
    raws = raw_requests(spec)
    host, port = spec["host"], spec["port"]
    n = 0

    def next_raw() -> bytes:
        nonlocal n
        n += 1
        return raws[(n - 1) % len(raws)]

    conn = await Connection.open(host, port)
    warm, sequential = Tally(), Tally()
    for _ in range(spec["warmup"]):
        await warm.one(conn, next_raw())
    stop = time.perf_counter() + spec.get("sequential_seconds", float("inf"))
    for _ in range(spec["sequential"]):
        await sequential.one(conn, next_raw())
        if time.perf_counter() > stop and len(sequential.latencies) >= 10:
            break
    conn.close()

    concurrent = Tally()
    conns = [await Connection.open(host, port) for _ in range(spec["concurrency"])]
    deadline = time.perf_counter() + spec["duration"]

    async def worker(c: Connection) -> None:
        while time.perf_counter() < deadline:
            await concurrent.one(c, next_raw())

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        c.close()
    return {
        "sequential": sequential.latencies,
        "concurrent": concurrent.latencies,
        "throughput": len(concurrent.latencies) / elapsed,
        "errors": warm.errors + sequential.errors + concurrent.errors,
        "first_error": warm.first_error or sequential.first_error or concurrent.first_error,
    }


def main() -> int:
    spec = json.load(sys.stdin)
    json.dump(asyncio.run(run(spec)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
