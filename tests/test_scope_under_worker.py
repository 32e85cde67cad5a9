"""A worker's records read under the worker's own row keep exactly the rows their full scope keeps.

The read planner nests a worker's placements, crossings and checks under the worker's row, which
the statement has already held to the office's scope for workers; `policies.scopes` then leaves
the worker's own test out of the records' scope where that test is implied
(`scope_under_worker`). The expectation is the records' full row scope (`row_criteria`, what the
session hook applies), evaluated by the database for every office of the test data: among the
records whose worker the office sees, the shortened scope keeps the same rows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import and_, exists, select

import models
from bindings.types import TYPES
from planner.sql import Writer
from policies.grants import Grant
from policies.scopes import (
    WORKER_RECORDS,
    _dated,
    _OfficeUnit,
    _ScopeOnly,
    _worker_dependent,
    row_criteria,
    scope_under_worker,
)
from policies.sessions import internal_session
from policies.tokens import identity_of
from service.registry import Registry


@pytest.fixture(scope="module")
def grants(registry: Registry) -> dict[str, Grant]:
    with internal_session(registry.sessions) as session:
        offices = session.scalars(select(models.Office).order_by(models.Office.code)).all()
        return {office.code: registry.access.grant_for(identity_of(office)) for office in offices}


def _kept(registry: Registry, model: type, criterion: object, grant: Grant) -> set[int]:
    """The ids of `model`'s rows that `criterion` keeps, among those whose worker the grant sees."""
    worker = models.Worker
    seen = exists(select(1).where(worker.id == model.worker_id, row_criteria(grant)[worker]))  # type: ignore[attr-defined]
    with internal_session(registry.sessions) as session:
        return set(session.scalars(select(model.id).where(and_(criterion, seen))))  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", sorted(WORKER_RECORDS, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_a_workers_records_under_a_worker_in_scope_are_the_rows_their_full_scope_keeps(
    registry: Registry, grants: dict[str, Grant], model: type
) -> None:
    compared = 0
    for code, grant in grants.items():
        full = row_criteria(grant)[model]
        shortened = scope_under_worker(grant, model)
        assert shortened is not None
        expected = _kept(registry, model, full, grant)
        assert _kept(registry, model, shortened, grant) == expected, code
        compared += bool(expected)
    assert compared, f"no office sees a {model.__name__}: the comparison proved nothing"


def test_a_partner_offices_nested_records_do_not_test_their_worker_again(grants: dict[str, Grant]) -> None:
    """The worker's own test (a placement of the partner's whose window is open today) is written
    once, for the worker, and no longer inside each nested record's scope."""
    grant = grants["cn-hekou"]
    full = str(row_criteria(grant)[models.Crossing])
    shortened = str(scope_under_worker(grant, models.Crossing))
    assert "scope_open_placements" in full
    assert "scope_open_placements" not in shortened
    assert "scope_holding_placements" in shortened  # the crossing must still lie in a window
    writer = Writer(grant, "postgresql")
    placements = writer.scope(TYPES["Placement"], models.Placement.__table__, under_worker=True)
    assert "scope_open_placements" not in str(placements)


def test_an_office_with_several_worker_tests_keeps_a_partner_window_whole() -> None:
    """Beside another test, a windowed employer-unit scope binds its hold only to its own part:
    nothing is left out."""
    both = _ScopeOnly(_OfficeUnit(1, 1), frozenset({"home-unit", "employer-unit"}), True, True)
    clause = str(_worker_dependent(models.Crossing, _dated(models.Crossing.crossed_at, moment=True))(both))
    assert "scope_open_placements" in clause
