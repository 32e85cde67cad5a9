"""What GraphQL execution alone costs: graphql-core running the page's document over the floor's data.

A schema of the page's shape only, default resolvers (dictionary lookups), synchronous, no ORM,
no strawberry, no authorization: the least any graphql-core server can spend on this answer on
top of fetching the data. Used to tell the cost of the executor from the cost of the registry.
"""

from __future__ import annotations

from inspect import isawaitable
from typing import Any

from graphql import build_schema, execute, parse, validate

from bench import floor
from bench.scenarios import HEKOU_PAGE

PAGE_SDL = """
enum WorkerStatus { REGISTERED CLEARED DEPLOYED RETURNED SUSPENDED ABSCONDED }
enum PlacementStatus { PLANNED ACTIVE COMPLETED TERMINATED ABSCONDED }
enum Direction { EXIT_VIETNAM ENTER_VIETNAM }
input WorkerFilter { status: [WorkerStatus!] }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type Employer { nameZh: String! }
type Placement { job: String! startDate: String! status: PlacementStatus! employer: Employer }
type BorderGate { code: String! }
type Crossing { direction: Direction! crossedAt: String! gate: BorderGate }
type Worker {
  id: ID! fullName: String! dateOfBirth: String! status: WorkerStatus! borderPassNumber: String
  placements: [Placement!]! crossings(first: Int = 20): [Crossing!]!
}
type WorkerConnection { pageInfo: PageInfo! nodes: [Worker!]! }
type Query { workers(first: Int = 20, filter: WorkerFilter): WorkerConnection! }
"""
SCHEMA = build_schema(PAGE_SDL)


def execute_over(data: dict[str, Any]) -> dict[str, Any]:
    """The page's document executed over `data` (the floor's answer); returns the answer's data."""
    document = parse(HEKOU_PAGE)
    errors = validate(SCHEMA, document)
    if errors:
        raise RuntimeError(errors[0].message)
    result = execute(SCHEMA, document, root_value=data, variable_values={"first": 100})
    if isawaitable(result):
        raise RuntimeError("the page document resolved asynchronously")
    if result.errors:
        raise RuntimeError(result.errors[0].message)
    return result.data  # type: ignore[return-value]


def encode_over(data: dict[str, Any]) -> bytes:
    return floor.encode(execute_over(data))
