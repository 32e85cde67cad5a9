"""In-process comparisons on one dataset: `python -m bench.inproc < spec.json > result.json`.

Runs in the dataset's environment with no server running, so that both sides of each ratio get
the same machine. It first prepares what the load process will need (`bench.prepare`). Each pair
is measured interleaved (A, B, A, B, ...) so that drift, caches and background work hit both
sides alike; a ratio is of medians.

* authorization overhead: the Hekou page through `Registry.execute` with the office's grant
  against the same document with `AccessControl.unrestricted_grant` (every field, every row);
* floor: the same page by one hand-written SQL statement plus JSON encoding (`bench.floor`);
* naive: the same page on the unrestricted schema with the office's row scope and a graphql-core
  middleware that calls Casbin's `enforce()` for every resolved field, as Casbin's GraphQL
  middleware (graphql-authz) does, against the office's own schema run the same way.

And two measurements that explain the figures: graphql-core alone executing the page over the
floor's data (`bench.lowerbound`), and what the cyclic garbage collector costs the page.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from inspect import isawaitable
from typing import Any

import casbin
from graphql import execute, parse, validate
from sqlalchemy import Connection, event

from bench import floor, lowerbound
from bench.prepare import prepare
from bench.scenarios import HEKOU_PAGE
from policies.access import POLICY_DIR
from policies.adapter import PolicyFolderAdapter
from policies.grants import Grant
from policies.sessions import scoped_session
from schema.builder import OfficeSchema, policy_catalogue
from schema.context import RequestContext
from service.operations import Operation
from service.registry import Registry
from settings import Settings

OFFICE, PURPOSE = "cn-hekou", "placement-verification"


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "n": len(ordered),
    }


def interleaved(sides: dict[str, Callable[[], Any]], iterations: int, warmup: int) -> dict[str, dict]:
    """Times the sides in turn, each run after a full garbage collection (untimed).

    Settling lets each run start from the same heap, so that a full collection the previous run
    left due does not land on whichever side runs next: it narrows the spread without favouring
    either side (the collections a run triggers itself are still timed).
    """
    timings: dict[str, list[float]] = {name: [] for name in sides}
    for i in range(warmup + iterations):
        for name, run in sides.items():
            gc.collect()
            started = time.perf_counter()
            run()
            if i >= warmup:
                timings[name].append(time.perf_counter() - started)
    return {name: summary(samples) for name, samples in timings.items()}


def collector_cost(run: Callable[[], Any], iterations: int) -> dict[str, dict]:
    """`run` back to back as the server runs requests, then with the cyclic garbage collector off
    during each run (and a collection after it, untimed): the difference is what collection costs."""
    served, off = [], []
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        served.append(time.perf_counter() - started)
    for _ in range(iterations):
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            off.append(time.perf_counter() - started)
        finally:
            gc.enable()
        gc.collect()
    return {"as_served": summary(served), "collector_off": summary(off)}


class Bench:
    def __init__(self, token: str) -> None:
        self.registry = Registry(Settings.load(graphiql=False))
        caller = self.registry.authenticate(token)
        if caller is None:
            raise SystemExit("the benchmark token was refused")
        self.caller = caller
        self.grant = self.registry.grant_for(caller)
        self.unrestricted = self.registry.access.unrestricted_grant(caller.office)
        self.loop = asyncio.new_event_loop()
        self.variables = {"first": 100}
        self.statement_seconds = 0.0
        event.listen(self.registry.engine, "before_cursor_execute", self._started)
        event.listen(self.registry.engine, "after_cursor_execute", self._finished)

    def _started(self, conn: Connection, *_args: Any) -> None:
        conn.info["bench.started"] = time.perf_counter()

    def _finished(self, conn: Connection, *_args: Any) -> None:
        self.statement_seconds += time.perf_counter() - conn.info.pop("bench.started", time.perf_counter())

    def sql_share(self, run: Callable[[], Any], times: int = 10) -> tuple[float, float]:
        """(seconds, of which in the database driver), medians over `times` runs: where the time goes."""
        totals, in_driver = [], []
        for _ in range(times):
            self.statement_seconds, started = 0.0, time.perf_counter()
            run()
            totals.append(time.perf_counter() - started)
            in_driver.append(self.statement_seconds)
        return statistics.median(totals), statistics.median(in_driver)

    # -- the registry's own path ------------------------------------------------------------
    def through_registry(self, grant: Grant) -> bytes:
        """What the server does for the request after authentication, minus the HTTP layer."""
        prepared = self.registry.schemas.schema_for(grant).operations.prepare(HEKOU_PAGE, None)
        outcome = self.registry.execute(
            grant, Operation(HEKOU_PAGE, self.variables, None, prepared, PURPOSE, "bench", None, None, None)
        )
        return floor.encode(outcome.body["data"])

    # -- graphql-core directly: the same executor for both sides of the naive comparison ------
    def graphql_core(self, schema: OfficeSchema, middleware: list | None = None, first: int = 100) -> dict:
        session = scoped_session(self.registry.sessions, self.grant)
        try:
            context = RequestContext(grant=self.grant, session=session, request_id="bench", purpose=PURPOSE)
            document = parse(HEKOU_PAGE)
            errors = validate(schema._schema, document)
            if errors:
                raise RuntimeError(errors[0].message)
            result = execute(
                schema._schema,
                document,
                context_value=context,
                variable_values={"first": first},
                middleware=middleware,
            )
            if isawaitable(result):
                result = self.loop.run_until_complete(result)
            if result.errors:
                raise RuntimeError(result.errors[0].message)
            data = result.data or {}
            floor.encode(data)
            session.commit()
            return data
        finally:
            session.close()

    def floor(self) -> bytes:
        with self.registry.engine.connect() as connection:
            return floor.encode(floor.hekou_page(connection, self.caller.office.unit_id or 0))

    def floor_data(self) -> dict:
        with self.registry.engine.connect() as connection:
            return floor.hekou_page(connection, self.caller.office.unit_id or 0)


class NaiveMiddleware:
    """Casbin's GraphQL middleware, in spirit: one `enforce()` per resolved field, no precomputation."""

    def __init__(self, office: str) -> None:
        self.enforcer = casbin.Enforcer(str(POLICY_DIR / "model.conf"), PolicyFolderAdapter(POLICY_DIR))
        self.catalogue = policy_catalogue()
        self.office = office
        self.calls = 0

    def resolve(self, next_: Callable, root: Any, info: Any, **args: Any) -> Any:
        resource = f"{info.parent_type.name}.{info.field_name}"
        self.calls += 1
        allowed = self.enforcer.enforce(self.office, resource, "read")
        if not allowed and resource in self.catalogue:  # structural fields (id, nodes, ...) pass
            raise PermissionError(f"{self.office} may not read {resource}")
        return next_(root, info, **args)


def run(spec: dict, token: str) -> dict:
    bench = Bench(token)
    iterations, warmup = spec["iterations"], spec["warmup"]
    office_schema = bench.registry.schemas.schema_for(bench.grant)
    open_schema = bench.registry.schemas.schema_for(bench.unrestricted)
    naive, naive_first = NaiveMiddleware(OFFICE), spec["naive_first"]

    same_answer = bench.graphql_core(office_schema) == bench.floor_data()
    calls_before = naive.calls
    bench.graphql_core(open_schema, [naive], naive_first)
    enforce_calls = naive.calls - calls_before
    authz = interleaved(
        {
            "office": lambda: bench.through_registry(bench.grant),
            "unrestricted": lambda: bench.through_registry(bench.unrestricted),
        },
        iterations,
        warmup,
    )
    floor_vs = interleaved(
        {"floor": bench.floor, "office": lambda: bench.through_registry(bench.grant)}, iterations, warmup
    )
    naive_vs = interleaved(
        {
            "naive": lambda: bench.graphql_core(open_schema, [naive], naive_first),
            "ours": lambda: bench.graphql_core(office_schema, None, naive_first),
        },
        spec["naive_iterations"],
        0,
    )
    data = bench.floor_data()
    executor_ok = lowerbound.execute_over(data) == data
    executor = interleaved(
        {"floor": bench.floor, "floor_plus_graphql_core": lambda: lowerbound.encode_over(bench.floor_data())},
        iterations,
        warmup,
    )
    total, in_sql = bench.sql_share(lambda: bench.through_registry(bench.grant), max(3, iterations // 4))
    collector = collector_cost(lambda: bench.through_registry(bench.grant), iterations)
    return {
        "executor": executor,
        "executor_same_answer": executor_ok,
        "gc": collector,
        "authz": authz,
        "floor": floor_vs,
        "naive": naive_vs,
        "naive_first": naive_first,
        "same_answer": same_answer,
        "enforce_calls_per_request": enforce_calls,
        "office_seconds": total,
        "office_sql_seconds": in_sql,
    }


def main() -> int:
    spec = json.load(sys.stdin)
    prepared = prepare(spec["seed"], spec["smallest"])
    result = run(spec, prepared["tokens"][OFFICE]) if spec.get("ratios", True) else None
    json.dump({"prepared": prepared, "inproc": result}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
