"""Row scopes as SQL: which rows of each table an office's grant lets it see.

`row_criteria(grant)` maps every scoped model to a boolean SQL expression. The session hook
(`policies.sessions`) attaches them to every ORM SELECT as loader criteria (`policies.scope_options`),
lazy loads included, so no resolver can forget them. The sub-selects below use aliased Core tables on purpose:
the ORM criteria must not re-apply themselves inside their own sub-queries, and a sub-query must
never correlate with a table of the query it guards.

Every clause is a correlated EXISTS on indexed keys, never `IN (every row in scope)`: the cost of
checking a row stays the same however many rows the office sees, so a page of 100 crossings costs
the same at 10,000 workers as at 100,000 (SQLite would otherwise build the whole set first).

The employer-unit scope (a Chinese office's) is bounded in time by each placement's window
(`policies.windows`): the office sees a worker while one of the worker's placements in its unit
is open to it, and of the worker's records only those of its own windows: crossings, incidents
and status changes dated in one, and the clearance and health check a placement relied on.
`aggregate_criteria` gives the same scopes without the windows, for the yearly figures only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ColumnExpressionArgument,
    FromClause,
    and_,
    exists,
    false,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import InternalTraversal

from models import (
    Agreement,
    BorderGate,
    Crossing,
    Employer,
    HealthCheck,
    Incident,
    Placement,
    PoliceClearance,
    StatusChange,
    TalksMinutes,
    UnitClosure,
    WageArrears,
    Worker,
    WorkerCount,
    agreement_gates,
)
from policies import windows
from policies.grants import Grant

W = Worker.__table__.alias("scope_workers")
P = Placement.__table__.alias("scope_placements")
# A worker's placements whose window is open today, and the placements whose window holds a record.
OPEN_P = Placement.__table__.alias("scope_open_placements")
HOLDING_P = Placement.__table__.alias("scope_holding_placements")
E = Employer.__table__.alias("scope_employers")
A = Agreement.__table__.alias("scope_agreements")
UC = UnitClosure.__table__
G = BorderGate.__table__.alias("scope_gates")
AG = agreement_gates.alias("scope_agreement_gates")


@dataclass(frozen=True)
class _OfficeUnit:
    id: int
    unit_id: int | None


@dataclass(frozen=True)
class _ScopeOnly:
    """The part of a grant the row scopes depend on, so that the cache cannot key on anything else."""

    office: _OfficeUnit
    row_scopes: frozenset[str]
    windowed: bool = True  # partner windows apply (False: the yearly figures' scopes)
    # The rows are a worker's records read under that worker's own row, already in this scope
    # (`scope_under_worker`): the worker's own test is then known to hold.
    under_seen_worker: bool = False


# Whether a placement's window (the placement table given) holds a record.
Held = Callable[[FromClause], ColumnElement[bool]]

OPEN_PLACEMENT = ("planned", "active")
# The scopes that decide whether a worker is seen from the worker's home commune alone.
COMMUNE_SCOPES = frozenset({"all", "home-unit"})
# The scopes of which each is one test of whether a worker is seen (`_worker_clause`).
WORKER_TESTS = frozenset({"home-unit", "employer-unit", "gate-unit"})
# The records hung off a worker by their `worker_id`, whose scope tests their worker first.
WORKER_RECORDS = frozenset(
    {Placement, Crossing, HealthCheck, PoliceClearance, StatusChange, Incident, WageArrears}
)


def subtree(unit_id: int) -> Select:
    """The unit and every unit inside it."""
    return select(UC.c.descendant_id).where(UC.c.ancestor_id == unit_id)


def lineage(unit_id: int) -> Select:
    """Units above or below: a Napo office is party to an agreement Baise signed, and vice versa."""
    return (
        union(
            select(UC.c.ancestor_id).where(UC.c.descendant_id == unit_id),
            select(UC.c.descendant_id).where(UC.c.ancestor_id == unit_id),
        )
        .subquery()
        .select()
    )


class InSet(ColumnElement[bool]):
    """`column IN (sub-select)` over a small set that does not depend on the row.

    SQLite computes such a set once per statement. PostgreSQL instead flattens it into a join
    and, misjudging its size, may plan the whole scope as a hash join over every placement and a
    sort, instead of a few index lookups for the page asked for; on PostgreSQL it is therefore
    written `column = ANY(ARRAY(sub-select))`, which is computed once and never flattened.
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a predicate: SQLite must not get `(... IN ...) = 1`
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnExpressionArgument[int], subquery: Select) -> None:
        # A clause element, not an ORM attribute, so that `scope_clause` can re-point it at an alias.
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.subquery = subquery.scalar_subquery()


@compiles(InSet)
def _in_set(element: InSet, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.subquery, **kw)}"


@compiles(InSet, "postgresql")
def _in_set_postgresql(element: InSet, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{compiler.process(element.subquery, **kw)})"


def _in_employer_unit(
    employer_id: ColumnExpressionArgument[int], agreement_id: ColumnExpressionArgument[int], unit_id: int
) -> ColumnElement[bool]:
    """A placement's employer lies inside the unit, under an agreement the unit's region is party to.

    Two sets that do not depend on the row (the unit's employers, the agreements its region is
    party to), each computed once per statement: checking a row costs two set lookups.
    """
    return and_(
        InSet(employer_id, select(E.c.id).where(E.c.county_id.in_(subtree(unit_id)))),
        InSet(agreement_id, select(A.c.id).where(A.c.cn_unit_id.in_(lineage(unit_id)))),
    )


def _placed_in_unit(
    worker_id: ColumnExpressionArgument[int], unit_id: int, windowed: bool = True
) -> ColumnElement[bool]:
    """The worker has a placement with an employer inside the unit (the employer-unit scope) whose
    window is open today; any such placement, open or not, for the yearly figures (`windowed=False`)."""
    if not windowed:
        return exists(
            select(1)
            .select_from(P)
            .where(P.c.worker_id == worker_id, _in_employer_unit(P.c.employer_id, P.c.agreement_id, unit_id))
        )
    return exists(
        select(1)
        .select_from(OPEN_P)
        .where(
            OPEN_P.c.worker_id == worker_id,
            _in_employer_unit(OPEN_P.c.employer_id, OPEN_P.c.agreement_id, unit_id),
            windows.is_open(OPEN_P),
        )
    )


def _held_by_window(
    worker_id: ColumnExpressionArgument[int], unit_id: int, held: Held
) -> ColumnElement[bool]:
    """The worker has a placement with an employer inside the unit whose window holds the record:
    `held(placement)` says whether it does."""
    return exists(
        select(1)
        .select_from(HOLDING_P)
        .where(
            HOLDING_P.c.worker_id == worker_id,
            _in_employer_unit(HOLDING_P.c.employer_id, HOLDING_P.c.agreement_id, unit_id),
            held(HOLDING_P),
        )
    )


def _placed_through_gate(worker_id: ColumnExpressionArgument[int], unit_id: int) -> ColumnElement[bool]:
    """The worker has a planned or active placement under an agreement listing a gate inside the unit
    (the gate-unit scope): the set of such agreements does not depend on the row."""
    gate_agreements = select(AG.c.agreement_id).where(
        AG.c.gate_id.in_(select(G.c.id).where(G.c.vn_unit_id.in_(subtree(unit_id))))
    )
    return exists(
        select(1)
        .select_from(P)
        .where(
            P.c.worker_id == worker_id,
            P.c.status.in_(OPEN_PLACEMENT),
            InSet(P.c.agreement_id, gate_agreements),
        )
    )


def _worker_clause(
    grant: _ScopeOnly,
    worker_id: ColumnExpressionArgument[int],
    home_commune_in: Callable[[Select], ColumnElement[bool]],
    held: Held | None = None,
    implied: bool = False,
) -> ColumnElement[bool]:
    """Whether the grant sees the worker `worker_id`; `home_commune_in(units)` tests the worker's commune.

    `held`, for a record of the worker's, says whether a placement's window holds it: the
    employer-unit scope then also asks that one of its placements' windows does.

    `implied`: the worker is known to be one the grant sees (the record is read under the worker's
    own row, which passed the worker's clause). Without a window's hold on the record, the record's
    clause is the worker's, so it holds. With one (a partner office's `employer-unit`), the
    worker's test is left out where it is the grant's only one and the hold is what remains;
    beside other tests it stays whole (the hold then binds only the `employer-unit` part).
    """
    unit = grant.office.unit_id
    if "all" in grant.row_scopes:
        return true()
    windowed_hold = held is not None and grant.windowed and "employer-unit" in grant.row_scopes
    if implied and not windowed_hold:
        return true()  # the record's clause is its worker's own, which the worker's row passed
    if implied and _one_worker_test(grant):
        # The worker passed the grant's one test already: only the window's hold on the record is left.
        return _held_by_window(worker_id, unit, held)  # type: ignore[arg-type]
    clauses: list[ColumnElement[bool]] = []
    if unit is not None and "home-unit" in grant.row_scopes:
        clauses.append(home_commune_in(subtree(unit)))
    if unit is not None and "employer-unit" in grant.row_scopes:
        seen = _placed_in_unit(worker_id, unit, grant.windowed)
        if held is not None and grant.windowed:
            seen = and_(seen, _held_by_window(worker_id, unit, held))
        clauses.append(seen)
    if unit is not None and "gate-unit" in grant.row_scopes:
        clauses.append(_placed_through_gate(worker_id, unit))
    return or_(*clauses) if clauses else false()


def _worker_seen(
    grant: _ScopeOnly, worker_id: ColumnExpressionArgument[int], held: Held | None = None
) -> ColumnElement[bool]:
    """For the tables that hang off a worker: the row's worker is one the grant sees.

    Only the home-unit test needs the worker's row (one primary-key lookup); the employer-unit
    test goes from the row's `worker_id` straight to the placements.
    """
    return _worker_clause(
        grant,
        worker_id,
        lambda units: exists(
            select(1).select_from(W).where(W.c.id == worker_id, W.c.home_commune_id.in_(units))
        ),
        held,
        implied=grant.under_seen_worker,
    )


def _one_worker_test(grant: _ScopeOnly) -> bool:
    """Whether the grant decides if it sees a worker by exactly one test (`_worker_clause`)."""
    return grant.office.unit_id is not None and len(grant.row_scopes & WORKER_TESTS) == 1


def _placement_clause(grant: _ScopeOnly) -> ColumnElement[bool]:
    unit = grant.office.unit_id
    if "all" in grant.row_scopes:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if unit is not None and grant.row_scopes & {"home-unit", "gate-unit"}:
        clauses.append(_worker_seen(grant, Placement.worker_id))
    if unit is not None and "employer-unit" in grant.row_scopes:
        # The placements in the unit of a worker the office sees now: those of past windows too.
        in_unit = _in_employer_unit(Placement.employer_id, Placement.agreement_id, unit)
        if grant.under_seen_worker and _one_worker_test(grant):
            clauses.append(in_unit)  # the worker's own test, which its row passed
        else:
            clauses.append(and_(in_unit, _placed_in_unit(Placement.worker_id, unit, grant.windowed)))
    return or_(*clauses) if clauses else false()


def _agreement_ids(grant: _ScopeOnly) -> Select:
    unit = grant.office.unit_id
    if unit is None:  # an office of no unit is party to no agreement
        return select(A.c.id).where(false())
    return select(A.c.id).where(or_(A.c.vn_unit_id.in_(lineage(unit)), A.c.cn_unit_id.in_(lineage(unit))))


def _agreement_clause(grant: _ScopeOnly) -> ColumnElement[bool]:
    if "all" in grant.row_scopes:
        return true()
    if grant.office.unit_id is None:
        # Agreements are public between the parties; an office without a unit (the registry
        # administrator) sees them all, and nothing personal.
        return true()
    return Agreement.id.in_(_agreement_ids(grant))


def _employer_clause(grant: _ScopeOnly) -> ColumnElement[bool]:
    unit = grant.office.unit_id
    if "all" in grant.row_scopes:
        return true()
    if unit is None:
        return false()
    clauses: list[ColumnElement[bool]] = []
    if "employer-unit" in grant.row_scopes:
        clauses.append(Employer.county_id.in_(subtree(unit)))
    if "home-unit" in grant.row_scopes:
        counterpart_units = select(UC.c.descendant_id).where(
            UC.c.ancestor_id.in_(select(A.c.cn_unit_id).where(A.c.vn_unit_id.in_(lineage(unit))))
        )
        clauses.append(Employer.county_id.in_(counterpart_units))
    return or_(*clauses) if clauses else false()


def _worker_dependent(
    model: type[Crossing | HealthCheck | PoliceClearance | StatusChange], held: Held
) -> Callable[[_ScopeOnly], ColumnElement[bool]]:
    def clause(grant: _ScopeOnly) -> ColumnElement[bool]:
        if "all" in grant.row_scopes:
            return true()
        return _worker_seen(grant, model.worker_id, held)

    return clause


def _dated(column: Any, moment: bool = False) -> Held:
    """A record dated (on a day, or at a moment) within the placement's window."""
    day = windows.DayOf(column) if moment else column
    return lambda placement: windows.holds(placement, day)


def _incident_clause(grant: _ScopeOnly) -> ColumnElement[bool]:
    if "all" in grant.row_scopes:
        return true()
    seen = _worker_seen(grant, Incident.worker_id, _dated(Incident.occurred_on))
    if "employer-unit" in grant.row_scopes and grant.windowed:
        # A partner office's own reports end with its window like every other record of the worker.
        return seen
    return or_(seen, Incident.reported_by_office_id == grant.office.id)


def _arrears_clause(grant: _ScopeOnly) -> ColumnElement[bool]:
    """Wage arrears go with their placement: a partner office sees those of its own placements
    while that placement's window is open, as it sees the placement."""
    if "all" in grant.row_scopes:
        return true()
    return _worker_seen(
        grant,
        WageArrears.worker_id,
        lambda p: and_(p.c.id == WageArrears.placement_id, windows.is_open(p)),
    )


def counts_cover(grant: Grant) -> bool:
    """Whether the grant's worker scope depends on a worker's home commune alone, so that the
    counts per commune and status (`worker_counts`) give exactly the workers it sees.

    Where they do, the statistics read the counts (the session scopes them, see `_counts_clause`),
    and counting a province costs the same at 100,000 workers as at 10,000. Where the scope also
    depends on placements or gates, only the rows can be counted.
    """
    return _counts_criterion(grant.office.id, grant.office.unit_id, grant.row_scopes) is not None


def counted_provinces(grant: Grant) -> Select | None:
    """The ids of the units whose workers the grant can see counted by home province, where its
    worker scope is its home unit alone (its unit's lineage: the province it lies in, and those it
    holds or was merged from); None where it may count a worker of any province (by placement or
    gate, or every row). The statistics list these provinces, and no other, as a breakdown's keys."""
    unit = grant.office.unit_id
    if "all" in grant.row_scopes or grant.row_scopes - COMMUNE_SCOPES:
        return None
    return lineage(unit) if unit is not None else select(UC.c.ancestor_id).where(false())  # no unit: none


def _counts_clause(grant: _ScopeOnly) -> ColumnElement[bool]:
    """The counts the grant sees: those of the communes its home-unit scope holds, the very test
    `_worker_clause` makes on a worker's commune; none where the counts do not cover its scope."""
    clause = _counts_criterion(grant.office.id, grant.office.unit_id, grant.row_scopes)
    return false() if clause is None else clause


@lru_cache(maxsize=1024)
def _counts_criterion(
    office_id: int, unit_id: int | None, row_scopes: frozenset[str]
) -> ColumnElement[bool] | None:
    # An office of no unit gets nothing from the unit scopes: its clause is constant either way.
    if unit_id is not None and "all" not in row_scopes and row_scopes - COMMUNE_SCOPES:
        return None
    grant = _ScopeOnly(_OfficeUnit(office_id, unit_id), row_scopes)
    return _worker_clause(grant, None, WorkerCount.commune_id.in_)  # type: ignore[arg-type]


SCOPED_MODELS: dict[type, Callable[[_ScopeOnly], ColumnElement[bool]]] = {
    # A de-identified worker (`borderlabour retention apply`) is in no office's lists.
    Worker: lambda grant: and_(
        Worker.deidentified_on.is_(None), _worker_clause(grant, Worker.id, Worker.home_commune_id.in_)
    ),
    WorkerCount: _counts_clause,
    Placement: _placement_clause,
    Crossing: _worker_dependent(Crossing, _dated(Crossing.crossed_at, moment=True)),
    HealthCheck: _worker_dependent(HealthCheck, lambda p: windows.relied_on_health_check(p, HealthCheck)),
    PoliceClearance: _worker_dependent(
        PoliceClearance, lambda p: windows.relied_on_clearance(p, PoliceClearance)
    ),
    StatusChange: _worker_dependent(StatusChange, _dated(StatusChange.at, moment=True)),
    Incident: _incident_clause,
    WageArrears: _arrears_clause,
    Employer: _employer_clause,
    Agreement: _agreement_clause,
    TalksMinutes: lambda grant: (
        true()
        if "all" in grant.row_scopes or grant.office.unit_id is None
        else TalksMinutes.agreement_id.in_(_agreement_ids(grant))
    ),
}


def row_criteria(grant: Grant) -> dict[type, ColumnElement[bool]]:
    """Every scoped model's WHERE clause for this grant; unscoped tables are public reference data.

    Built once per (office, unit, row scopes) and then shared by every session of that office: the
    clauses are SQL, not data (the units and employers they name are read when a statement runs).
    SQLAlchemy walks a clause again for each statement it is part of; the session's options keep
    their walk (`policies.scope_options`).
    """
    return dict(criteria_for(scope_key(grant)))


def aggregate_criteria(grant: Grant) -> dict[type, ColumnElement[bool]]:
    """The grant's scopes without the partner windows: for the yearly figures alone, which count the
    workers of a past year for both parties alike and show no worker's details."""
    return dict(criteria_for(scope_key(grant, windowed=False)))


def scope_clause(
    grant: Grant, model: type, table: FromClause, under_worker: bool = False
) -> ColumnElement[bool] | None:
    """The grant's row scope for `model`, written on `table` (an alias of the model's table).

    For the read planner, which selects from its own aliases: it gets the very expression the
    session hook applies, re-pointed, and never builds one of its own. None for public tables.
    `under_worker`: the rows are a worker's records read under the worker's row (`scope_under_worker`).
    """
    criterion = scope_under_worker(grant, model) if under_worker else None
    if criterion is None:
        criterion = row_criteria(grant).get(model)
    if criterion is None:
        return None
    return ClauseAdapter(table).traverse(criterion)


def scope_under_worker(grant: Grant, model: type) -> ColumnElement[bool] | None:
    """The grant's row scope for a worker's records (`WORKER_RECORDS`) read under that worker's own
    row in the same statement, where the worker's row has passed the grant's scope for workers:
    the worker's own test is then left out where it is implied (`_worker_clause`, `implied`).

    For the read planner alone, which nests a worker's placements, checks and crossings under the
    worker; a record whose worker the statement has not tested must take `row_criteria`. The rows
    kept are the same either way (`tests/test_scope_under_worker.py`); the database no longer
    tests each record's worker again. None for a model that is not a worker's record.
    """
    if model not in WORKER_RECORDS:
        return None
    return criteria_for(scope_key(grant, under_seen_worker=True))[model]


# What the row scopes of a grant depend on: the office, its unit, its row scopes, whether the
# partner windows apply, and whether the rows are a worker's records read under the worker's row.
ScopeKey = tuple[int, int | None, frozenset[str], bool, bool]


def scope_key(grant: Grant, windowed: bool = True, under_seen_worker: bool = False) -> ScopeKey:
    return (grant.office.id, grant.office.unit_id, grant.row_scopes, windowed, under_seen_worker)


@lru_cache(maxsize=1024)
def criteria_for(key: ScopeKey) -> dict[type, ColumnElement[bool]]:
    """The criteria of one scope key, built once (callers copy the dict before handing it out)."""
    office_id, unit_id, row_scopes, windowed, under_seen_worker = key
    grant = _ScopeOnly(_OfficeUnit(office_id, unit_id), row_scopes, windowed, under_seen_worker)
    return {model: build(grant) for model, build in SCOPED_MODELS.items()}


def partner_windows(grant: Grant, worker_id: int) -> Select:
    """The worker's placements in the grant's unit (its employer-unit scope) with their windows: for
    `policy explain-row`, the very expressions the row scopes test, one row per placement."""
    unit = grant.office.unit_id
    if unit is None or "employer-unit" not in grant.row_scopes:
        return select(P.c.id).where(false())
    return (
        select(
            P.c.id,
            P.c.agreement_id,
            P.c.status,
            P.c.start_date,
            P.c.end_date,
            windows.opens(P).label("opens"),
            P.c.window_closes.label("closes"),
            windows.is_open(P).label("open"),
        )
        .where(P.c.worker_id == worker_id, _in_employer_unit(P.c.employer_id, P.c.agreement_id, unit))
        .order_by(P.c.start_date, P.c.id)
    )
