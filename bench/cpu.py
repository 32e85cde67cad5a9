"""CPU time of the server process per small read, ledger on: `python -m bench.cpu [--profile FILE]`.

Wall-clock latency on a shared machine measures the other work on it as much as ours; the CPU
this process spends per request does not (much). Each request goes through the whole ASGI
application in this process, as `serve` runs it (Starlette, authentication, purpose, the
compiled engine, the ledger's group commit, the answer's bytes), called directly without a
socket; `time.process_time()` counts every thread of the process, the worker thread that runs
the operation included. The database's own CPU (PostgreSQL's backends) is not counted.

Shapes (cn-hekou, `placement-verification`): one worker by id with placements and their
employer, health checks and the last five crossings (`worker-new`: another of 300 workers on each
request, in turn, more than the plans a process keeps); the Hekou page with `first: 10`; and with
`first: 100`; a nested roster (ten employers, each with its newest 50 placements and each
placement's worker). Runs against `$BORDERLABOUR_DATABASE_URL` (a generated dataset: `borderlabour
generate`), issuing a token of its own. Prints, per shape, the median over rounds of CPU ms per
request, and checks that a request repeated is answered the same every time. On PostgreSQL it also
prints the CPU of the database's backends serving this process's database and role (`/proc`, as
`bench.peer_cpu` reads it) per request, read at each round's ends: the pool keeps its backends for
the whole run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import json
import statistics
import time
from typing import Any

from sqlalchemy.engine import make_url

from bench.peer_cpu import TICK, Side, all_processes, cpu_ticks, owners
from bench.scenarios import HEKOU_PAGE
from cli.database import open_database
from models.database import normalise_url
from policies.tokens import issue_token
from service.registry import Registry
from settings import Settings
from web.app import create_app

OFFICE, PURPOSE = "cn-hekou", "placement-verification"

WORKER_BY_ID = """
query WorkerById($id: ID!) {
  node(id: $id) {
    ... on Worker {
      id fullName dateOfBirth status borderPassNumber
      placements { job startDate status employer { nameZh } }
      healthChecks { checkedOn result }
      crossings(first: 5) { direction crossedAt gate { code } }
    }
  }
}
"""

ROSTER = """
query Roster {
  employers(first: 10) {
    nodes {
      id nameZh
      placements(first: 50) { job startDate status worker { id fullName status } }
    }
  }
}
"""


def _token(settings: Settings) -> str:
    sessions = open_database(settings)
    with sessions() as session, session.begin():
        return issue_token(session, OFFICE, dt.timedelta(days=1), "bench.cpu")[1]


class InProcess:
    """Requests straight into the ASGI application, on one event loop, one after another."""

    def __init__(self, app: Any, token: str) -> None:
        self.app, self.loop = app, asyncio.new_event_loop()
        self.headers = [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"x-purpose", PURPOSE.encode()),
        ]

    def post(self, body: bytes) -> tuple[int, bytes]:
        return self.loop.run_until_complete(self._post(body))

    async def _post(self, body: bytes) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": self.headers + [(b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        sent = False
        status, chunks = 0, []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


class Backends:
    """CPU seconds so far of the PostgreSQL backends serving `url`'s role in its database (none on SQLite)."""

    def __init__(self, url: str) -> None:
        parsed = make_url(normalise_url(url))
        self.side = (
            Side(-1, parsed.username or "", parsed.database or "")
            if parsed.get_backend_name() == "postgresql"
            else None
        )

    def seconds(self) -> float | None:
        if self.side is None:
            return None
        pids = owners({"ours": self.side}, all_processes())
        return sum(cpu_ticks(pid) or 0 for pid, (_, kind) in pids.items() if kind == "database") / TICK


async def measure(
    client: InProcess, bodies: list[bytes], rounds: int, per_round: int, backends: Backends
) -> dict[str, Any]:
    """Requests one after another on one running event loop (as uvicorn runs it: the thread pool
    of the loop stays up between requests), each body in turn: the same body each time, or one
    with new values each time (`worker-new`: another worker's ID, as real requests come)."""
    answers = []
    for body in bodies:
        status, answer = await client._post(body)
        if status != 200 or b'"errors"' in answer:
            raise SystemExit(f"the request failed ({status}): {answer[:300]!r}")
        answers.append(answer)
    for n in range(20):
        await client._post(bodies[n % len(bodies)])
    per_request, database, n = [], [], 0
    for _ in range(rounds):
        cpu, backend = time.process_time(), backends.seconds()
        for _ in range(per_round):
            _status, answer = await client._post(bodies[n % len(bodies)])
            if answer != answers[n % len(bodies)]:
                raise SystemExit("an answer changed between requests")
            n += 1
        per_request.append((time.process_time() - cpu) * 1000 / per_round)
        after = backends.seconds()
        if after is not None and backend is not None:
            database.append((after - backend) * 1000 / per_round)
    first = answers[0]
    out = {
        "cpu_ms": round(statistics.median(per_request), 3),
        "cpu_ms_min": round(min(per_request), 3),
        "bytes": len(first),
    }
    if database:  # clock ticks: a round needs enough requests to be read (10 ms a tick)
        out["database_ms"] = round(statistics.median(database), 3)
        out["database_ms_min"] = round(min(database), 3)
    return out


WORKER_IDS = """
query Ids($after: String) {
  workers(first: 100, after: $after, filter: {status: [DEPLOYED]}) { pageInfo { endCursor } nodes { id } }
}
"""


def _workers(client: InProcess, how_many: int) -> list[str]:
    ids: list[str] = []
    after = None
    while len(ids) < how_many:
        body = json.dumps({"query": WORKER_IDS, "variables": {"after": after}}).encode()
        page = json.loads(client.post(body)[1])["data"]["workers"]
        ids += [node["id"] for node in page["nodes"]]
        after = page["pageInfo"]["endCursor"]
        if after is None:
            break
    return ids[:how_many]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--per-round", type=int, default=50)
    parser.add_argument(
        "--shape", action="append", help="worker, worker-new, page10, page100, roster (default: all)"
    )
    parser.add_argument("--profile", help="also write a cProfile of the shapes' requests to this file")
    parser.add_argument(
        "--fresh-plans",
        action="store_true",
        help="keep no plan between requests: each is planned as a new shape of request is",
    )
    args = parser.parse_args()
    settings = Settings.load(graphiql=False, rate_limit="off")
    registry = Registry(settings)
    if args.fresh_plans and registry.compiled is not None:
        registry.compiled.plans.size = 0
    client = InProcess(create_app(registry), _token(settings))
    workers = _workers(client, 300)  # the first deployed workers Hekou sees, more than the plans kept
    worker = workers[0]
    shapes: dict[str, Any] = {
        "worker": {"query": WORKER_BY_ID, "variables": {"id": worker}},
        "worker-new": [{"query": WORKER_BY_ID, "variables": {"id": w}} for w in workers],
        "page10": {"query": HEKOU_PAGE, "variables": {"first": 10}},
        "page100": {"query": HEKOU_PAGE, "variables": {"first": 100}},
        "roster": {"query": ROSTER},
    }
    chosen = args.shape or list(shapes)
    bodies = {
        name: [json.dumps(b).encode() for b in (shape if isinstance(shape, list) else [shape])]
        for name, shape in shapes.items()
    }
    backends = Backends(settings.database_url)
    results = {
        name: client.loop.run_until_complete(
            measure(client, bodies[name], args.rounds, args.per_round, backends)
        )
        for name in chosen
    }
    print(json.dumps(results, indent=1))
    if args.profile:  # the event loop's thread and the service's worker thread, profiled apart
        loop_profile, service_profile = cProfile.Profile(time.thread_time), cProfile.Profile(time.thread_time)
        execute = registry.execute

        def profiled(*a: Any) -> Any:
            service_profile.enable()
            try:
                return execute(*a)
            finally:
                service_profile.disable()

        registry.execute = profiled  # type: ignore[method-assign,assignment]

        async def requests() -> None:
            for name in chosen:
                for n in range(args.per_round * 4):
                    await client._post(bodies[name][n % len(bodies[name])])

        loop_profile.enable()
        client.loop.run_until_complete(requests())
        loop_profile.disable()
        loop_profile.dump_stats(args.profile + ".loop")
        service_profile.dump_stats(args.profile + ".service")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
