"""A plan kept for one shape of request answers every request of that shape as the reference does.

The compiled engine keeps a plan per document and shape of variables (issue 23): another worker's
ID, another page size or the next cursor reuse it with their own values bound. Each answer and
its disclosure must still be byte-identical to the reference engine's, the refusals (a page size
out of range, a cursor that is not one) included, and a new value of the same shape must not
plan again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from models.opaque import InvalidIdError, decode_id, encode_id
from service.registry import Registry
from settings import Settings
from tests.conftest import Database
from tests.test_compiled_reads import Office

NODE = """query W($id: ID!) {
  node(id: $id) { id ... on Worker { fullName status placements { job } crossings(first: 2) { crossedAt } } }
}"""
PAGE = """query P($first: Int!, $after: String) {
  workers(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id fullName dateOfBirth } }
  }
}"""


@pytest.fixture(scope="module")
def hekou(database: Database, demo_tokens: dict[str, str]) -> Iterator[Office]:
    registry = Registry(Settings.load(database_url=database.url, key_file=database.key_file))
    yield Office(registry, "cn-hekou")
    registry.engine.dispose()


def _same(office: Office, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    compiled = office.answer(query, variables, compiled=True)
    assert compiled == office.answer(query, variables, compiled=False), variables
    answer: dict[str, Any] = json.loads(compiled[0])
    return answer


def test_one_plan_answers_every_worker_id_as_the_reference_does(hekou: Office) -> None:
    workers = [i for i in hekou.samples.ids if _type_of(i) == "Worker"]
    seen = [_same(hekou, NODE, {"id": workers[0]})["data"]["node"]]
    misses = hekou.compiled.plans.misses
    # Workers the office sees, those whose window has closed (null, as a missing one), and another's.
    for worker in [*workers[1:], *(encode_id("Worker", i) for i in hekou.closed), encode_id("Worker", 10**9)]:
        seen.append(_same(hekou, NODE, {"id": worker})["data"]["node"])
    assert hekou.compiled.plans.misses == misses, "a new worker's ID planned again"
    assert any(node is not None for node in seen) and any(node is None for node in seen)
    for other in ("not-an-id", *(i for i in hekou.samples.ids if _type_of(i) not in ("Worker", None))):
        _same(hekou, NODE, {"id": other})


def _type_of(global_id: str) -> str | None:
    try:
        return decode_id(global_id)[0]
    except InvalidIdError:
        return None


def test_pages_followed_by_their_cursors_answer_as_the_reference_does(hekou: Office) -> None:
    after, pages = None, []
    for first in (2, 3, 1, 2):
        page = _same(hekou, PAGE, {"first": first, "after": after})["data"]["workers"]
        pages.append([edge["node"]["id"] for edge in page["edges"]])
        after = page["pageInfo"]["endCursor"]
    assert [len(p) for p in pages] == [2, 3, 1, 2]
    assert len({i for p in pages for i in p}) == 8  # each page follows on, none repeats a row
    misses = hekou.compiled.plans.misses
    _same(hekou, PAGE, {"first": 5, "after": after})
    _same(hekou, PAGE, {"first": 4, "after": None})
    assert hekou.compiled.plans.misses == misses, "a new page size or cursor planned again"


@pytest.mark.parametrize(
    ("root", "order"),
    [
        ("crossings", ""),
        ("placements", ""),
        ("crossings", ", orderBy: {crossedAt: ASC}"),
        ("placements", ", orderBy: {startDate: ASC}"),
    ],
    ids=["crossings", "placements", "crossings-oldest-first", "placements-oldest-first"],
)
def test_pages_ordered_by_a_moment_or_a_day_follow_their_cursors_as_the_reference_does(
    hekou: Office, root: str, order: str
) -> None:
    """A cursor's key is bound as the column holds it: a moment (crossings) or a day (placements).
    Oldest first, a key bound in another form than the column's (sqlite3's own writing of a moment)
    would compare below the cursor's own row and let it in again on the next page."""
    query = PAGE.replace(
        "workers(first: $first, after: $after)", f"{root}(first: $first, after: $after{order})"
    )
    query = query.replace("fullName dateOfBirth", "")
    after, seen = None, []
    for _ in range(4):
        page = _same(hekou, query, {"first": 3, "after": after})["data"][root]
        assert page["edges"], "the demo must give Hekou more than four pages of three"
        seen += [edge["node"]["id"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)), "a row came again on the page after its cursor"


@pytest.mark.parametrize(
    "variables",
    [{"first": 0}, {"first": 10_000}, {"first": -1}, {"first": 2, "after": "not-a-cursor"}],
    ids=["none", "too-many", "negative", "not-a-cursor"],
)
def test_a_kept_plan_refuses_what_the_reference_refuses(hekou: Office, variables: dict[str, Any]) -> None:
    _same(hekou, PAGE, {"first": 1, "after": None})  # the plan of this shape is kept first
    _same(hekou, PAGE, {"first": 1, "after": hekou.samples.cursors[-1]})
    _same(hekou, PAGE, {"after": None, **variables})
