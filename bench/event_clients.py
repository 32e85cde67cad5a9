"""The clients of the events benchmark (`bench.events`): subscribers over graphql-transport-ws, held
open idle or timed, and a writer recording crossings at a steady rate, all on one asyncio loop.

The writer is open-loop: each crossing is sent at its tick whether or not the previous one has been
answered (at most `IN_FLIGHT` at once), so that a slow answer delays the figures, not the rate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.scenarios import BY_KEY, variables_for

SUBSCRIBE = (
    "subscription($after: String, $kinds: [EventKind!]) "
    "{ events(after: $after, kinds: $kinds) { kind occurredAt record { id } } }"
)
FEED = "query($a: String) { events(first: 100, after: $a) { pageInfo { hasNextPage endCursor } } }"
IN_FLIGHT = 16
OPENING = 20  # idle subscriptions opened at once
OTHER = {"EXIT_VIETNAM": "ENTER_VIETNAM", "ENTER_VIETNAM": "EXIT_VIETNAM"}
WATCHER = ("lc-border-guard", "crossing-control")  # reads every crossing it records


def newest_cursor(url: str, token: str, purpose: str) -> str | None:
    """The office's newest feed cursor, so that a subscription starts now instead of replaying."""
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": purpose}
    after = None
    with httpx.Client(base_url=url, timeout=60) as client:
        while True:
            answer = client.post("/graphql", json={"query": FEED, "variables": {"a": after}}, headers=headers)
            page = answer.json()["data"]["events"]["pageInfo"]
            if not page["hasNextPage"]:
                return page["endCursor"] or after
            after = page["endCursor"]


async def subscription(
    url: str, token: str, purpose: str, after: str | None, kinds: list[str] | None
) -> ClientConnection:
    """A socket acknowledged and subscribed (pings off: an idle subscription sends nothing)."""
    socket = await connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=60,
        ping_interval=None,
        max_queue=None,
    )
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"token": token, "purpose": purpose}})
    )
    ack = json.loads(await asyncio.wait_for(socket.recv(), 60))
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"subscription refused: {ack}")
    variables = {"after": after, "kinds": kinds}
    await socket.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": variables}})
    )
    return socket


@dataclass
class Writer:
    """Records crossings as lc-border-guard on `url`, `rate` a second, noting when each was sent."""

    url: str
    token: str
    prepared: dict[str, Any]
    start: int  # the first request number (variables rotate through workers and minutes)
    sent: dict[str, float] = field(default_factory=dict)  # crossing id -> when its request left
    answered: dict[str, float] = field(default_factory=dict)  # crossing id -> when its answer came
    directions: dict[str, str] = field(default_factory=dict)  # worker -> its next crossing's direction
    errors: int = 0
    first_error: str | None = None

    async def run(self, rate: float, seconds: float) -> int:
        scenario = BY_KEY["crossing"]
        headers = {"Authorization": f"Bearer {self.token}", "X-Purpose": scenario.purpose}
        gate = asyncio.Semaphore(IN_FLIGHT)
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as client:

            async def one(n: int) -> None:
                async with gate:
                    started = time.perf_counter()
                    try:
                        crossing = await self.cross(client, headers, n)
                        self.sent[crossing] = started
                        self.answered[crossing] = time.perf_counter()
                    except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                        self.errors += 1
                        self.first_error = self.first_error or f"{type(exc).__name__}: {exc}"

            tasks, begin, count = [], time.perf_counter(), int(rate * seconds)
            for i in range(count):
                await asyncio.sleep(max(0.0, begin + i / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(one(self.start + i)))
            await asyncio.gather(*tasks)
        return count

    async def cross(self, client: httpx.AsyncClient, headers: dict[str, str], n: int) -> str:
        """Records crossing `n`, its worker's next direction (learnt from a refusal the first time:
        the generated data leave each worker on either side); the crossing's global ID."""
        variables = variables_for("crossing", n, self.prepared)
        worker = variables["input"]["workerId"]
        for _ in range(2):
            variables["input"]["direction"] = self.directions.get(worker, "EXIT_VIETNAM")
            body = {"query": BY_KEY["crossing"].query, "variables": variables}
            answer = (await client.post("/graphql", json=body, headers=headers)).json()
            done = answer["data"]["recordCrossing"]
            if done["crossing"] is not None:
                self.directions[worker] = OTHER[variables["input"]["direction"]]
                return str(done["crossing"]["id"])
            if [e["code"] for e in done["errors"]] != ["CROSSING_OUT_OF_SEQUENCE"]:
                break
            self.directions[worker] = OTHER[variables["input"]["direction"]]
        raise ValueError(json.dumps(answer)[:300])


async def listen(
    socket: ClientConnection, seen: dict[str, float], since: dict[str, float] | None = None
) -> None:
    """Notes when each record's event first arrived, until the socket closes; in `since`, the
    seconds from the event's `occurredAt` (written in the transaction) to its arrival, by the wall
    clock the server shares with this process."""
    async for raw in socket:
        message = json.loads(raw)
        if message.get("type") == "next":
            event = message["payload"]["data"]["events"]
            if event["record"]["id"] not in seen:
                seen[event["record"]["id"]] = time.perf_counter()
                if since is not None:
                    occurred = dt.datetime.fromisoformat(event["occurredAt"]).timestamp()
                    since[event["record"]["id"]] = time.time() - occurred
        elif message.get("type") in ("error", "complete"):
            raise RuntimeError(f"subscription ended: {message}")


async def timed_delivery(
    writer_url: str,
    watcher_url: str,
    tokens: dict[str, str],
    prepared: dict[str, Any],
    rate: float,
    seconds: float,
) -> dict[str, Any]:
    """Crossings written on one server, their events received from another: seconds from each write's
    request to its event's arrival (an upper bound of commit-to-arrival)."""
    office, purpose = WATCHER
    after = await asyncio.to_thread(newest_cursor, watcher_url, tokens[office], purpose)
    socket = await subscription(watcher_url, tokens[office], purpose, after, ["CROSSING_RECORDED"])
    seen: dict[str, float] = {}
    since: dict[str, float] = {}
    listener = asyncio.create_task(listen(socket, seen, since))
    writer = Writer(
        writer_url, tokens[office], prepared, prepared["next_request"], directions=prepared["directions"]
    )
    written = await writer.run(rate, seconds)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not set(writer.sent) <= set(seen):
        await asyncio.sleep(0.05)
    listener.cancel()
    await socket.close()
    latencies = [seen[i] - t for i, t in writer.sent.items() if i in seen]
    # From the write's answer: the commit came before it, so this is the least the fan-out took.
    after_answer = [seen[i] - t for i, t in writer.answered.items() if i in seen]
    return {
        "written": written,
        "committed": len(writer.sent),
        "received": len(latencies),
        "latencies": latencies,
        "after_answer": after_answer,
        "after_commit": [since[i] for i in writer.sent if i in since],
        "errors": writer.errors,
        "first_error": writer.first_error,
    }


class IdleSubscriptions:
    """`count` open subscriptions on a loop of their own, in a thread, until `close()`."""

    def __init__(self, url: str, token: str, purpose: str, count: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.sockets: list[ClientConnection] = []
        self.url, self.token, self.purpose, self.count = url, token, purpose, count

    async def _open(self) -> None:
        after = await asyncio.to_thread(newest_cursor, self.url, self.token, self.purpose)
        gate = asyncio.Semaphore(OPENING)  # a few at a time: the opening is not what is measured

        async def one() -> ClientConnection:
            async with gate:
                return await subscription(self.url, self.token, self.purpose, after, None)

        self.sockets.extend(await asyncio.gather(*(one() for _ in range(self.count))))

    def open(self) -> None:
        import threading

        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._open(), self.loop).result(600)

    def still_open(self) -> int:
        return sum(1 for s in self.sockets if s.close_code is None)

    def close(self) -> None:
        async def shut() -> None:
            await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut(), self.loop).result(120)
        self.loop.call_soon_threadsafe(self.loop.stop)
