"""The read engine is chosen once, as the operation is prepared: a query the compiled engine declines
(no compile rule, an input refused) is planned once, its fallback counted once with its reason, and
the reference engine answers it, as it answers a request on a server with no compiled engine."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

import models
import planner.engine
from planner.engine import CompiledReads
from policies.sessions import internal_session, scoped_session
from policies.tokens import identity_of
from schema.context import RequestContext
from schema.criteria import searches_personal
from service.operations import format_error, run_operation
from service.registry import Registry


@pytest.fixture
def plannings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a request's query was planned: one entry per planning."""
    planned: list[int] = []

    class Counting(planner.engine.Planner):
        def roots(self, *args: Any) -> Any:
            planned.append(1)
            return super().roots(*args)

    monkeypatch.setattr(planner.engine, "Planner", Counting)
    return planned


def _answer(
    registry: Registry, query: str, compiled: CompiledReads | None, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == "cn-hekou")).one()
        grant = registry.access.grant_for(identity_of(office))
    schema = registry.schemas.schema_for(grant)
    session = scoped_session(registry.sessions, grant)
    try:
        context = RequestContext(grant=grant, session=session, request_id="choice", compiled=compiled)
        prepared = schema.operations.prepare(query, None)
        result = run_operation(schema, prepared, context, query, variables or {}, None)
        errors = [format_error(e, "choice") for e in result.errors or []]
        return {"data": result.data, "errors": errors, "planned": context.planned}
    finally:
        session.rollback()
        session.close()


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("{ __schema { queryType { name } } }", "introspection"),
        ("{ workers(first: 1000) { totalCount } }", "input refused"),
    ],
    ids=["no compile rule", "input refused"],
)
def test_a_query_the_compiled_engine_declines_is_planned_once_and_answered_by_the_reference(
    registry: Registry, plannings: list[int], query: str, reason: str
) -> None:
    compiled = CompiledReads(searches_personal)
    answer = _answer(registry, query, compiled)
    assert len(plannings) == 1
    assert dict(compiled.fallbacks) == {reason: 1} and compiled.compiled == 0
    assert not answer.pop("planned")
    reference = _answer(registry, query, None)
    reference.pop("planned")
    assert answer == reference


def test_a_query_that_compiles_is_planned_once_and_not_counted_as_a_fallback(
    registry: Registry, plannings: list[int]
) -> None:
    compiled = CompiledReads(searches_personal)
    answer = _answer(registry, "{ workers(first: 2) { totalCount } }", compiled)
    assert answer["planned"] and not answer["errors"]
    assert len(plannings) == 1 and compiled.compiled == 1 and not compiled.fallbacks


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times graphql-core's executor was built for the compiled engine: one entry each."""
    built: list[int] = []
    build = planner.engine.CompilingExecutionContext.build.__func__  # type: ignore[attr-defined]

    def counting(cls: Any, *args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return build(cls, *args, **kwargs)

    monkeypatch.setattr(planner.engine.CompilingExecutionContext, "build", classmethod(counting))
    return built


PAGE_BY_FRAGMENT = """
query Page($n: Int!) { workers(first: $n) { nodes { ...Named } } }
fragment Named on Worker { id fullName }
"""


def test_a_query_whose_plan_is_kept_is_answered_without_building_the_executor_again(
    registry: Registry, plannings: list[int], builds: list[int]
) -> None:
    compiled = CompiledReads(searches_personal)
    first = _answer(registry, PAGE_BY_FRAGMENT, compiled, {"n": 2})
    again = _answer(registry, PAGE_BY_FRAGMENT, compiled, {"n": 3})  # `first` is bound, not keyed
    assert first["planned"] and again["planned"] and not first["errors"] and not again["errors"]
    assert len(plannings) == 1 and len(builds) == 1
    for answer, n in ((first, 2), (again, 3)):
        reference = _answer(registry, PAGE_BY_FRAGMENT, None, {"n": n})
        assert answer["data"] == reference["data"] and len(answer["data"]["workers"]["nodes"]) == n


def test_variables_the_schema_refuses_are_reported_by_the_schema_and_not_counted_as_a_fallback(
    registry: Registry, plannings: list[int]
) -> None:
    compiled = CompiledReads(searches_personal)
    answer = _answer(registry, PAGE_BY_FRAGMENT, compiled, {"n": "three"})
    reference = _answer(registry, PAGE_BY_FRAGMENT, None, {"n": "three"})
    assert answer["errors"] and answer["errors"] == reference["errors"] and answer["data"] is None
    assert not plannings and not compiled.fallbacks and compiled.compiled == 0
