"""Row scopes as SQL: which rows of each table an office's grant lets it see.

`row_criteria(grant)` maps every scoped model to a boolean SQL expression. The session hook
(`policies.sessions`) attaches them to every ORM SELECT with `with_loader_criteria`, lazy loads
included, so no resolver can forget them. The sub-selects below use Core tables on purpose: the
ORM criteria must not re-apply themselves inside their own sub-queries.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, exists, false, or_, select, true, union
from sqlalchemy.sql import Select

from models import (
    Agreement,
    Crossing,
    Employer,
    HealthCheck,
    Incident,
    Placement,
    PoliceClearance,
    TalksMinutes,
    UnitClosure,
    Worker,
)
from policies.grants import Grant

W = Worker.__table__
P = Placement.__table__
E = Employer.__table__
A = Agreement.__table__
UC = UnitClosure.__table__


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


def _placement_in_employer_unit(unit_id: int) -> ColumnElement[bool]:
    """Placements with an employer inside the unit, under an agreement the unit's region is party to."""
    return exists(
        select(1)
        .select_from(E)
        .join(A, A.c.id == P.c.agreement_id)
        .where(
            E.c.id == P.c.employer_id,
            E.c.county_id.in_(subtree(unit_id)),
            A.c.cn_unit_id.in_(lineage(unit_id)),
        )
    )


def _scoped_worker_ids(grant: Grant) -> Select:
    """The ids of the workers the grant sees, as a sub-select for the dependent tables."""
    return select(W.c.id).where(_worker_clause(grant, W.c))


def _worker_clause(grant: Grant, cols) -> ColumnElement[bool]:
    unit = grant.office.unit_id
    if "all" in grant.row_scopes:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if unit is not None and "home-unit" in grant.row_scopes:
        clauses.append(cols.home_commune_id.in_(subtree(unit)))
    if unit is not None and "employer-unit" in grant.row_scopes:
        clauses.append(
            exists(
                select(1).select_from(P).where(P.c.worker_id == cols.id, _placement_in_employer_unit(unit))
            )
        )
    return or_(*clauses) if clauses else false()


def _placement_clause(grant: Grant) -> ColumnElement[bool]:
    unit = grant.office.unit_id
    if "all" in grant.row_scopes:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if unit is not None and "home-unit" in grant.row_scopes:
        clauses.append(Placement.worker_id.in_(_scoped_worker_ids(grant)))
    if unit is not None and "employer-unit" in grant.row_scopes:
        clauses.append(
            exists(
                select(1)
                .select_from(E)
                .join(A, A.c.id == Placement.agreement_id)
                .where(
                    E.c.id == Placement.employer_id,
                    E.c.county_id.in_(subtree(unit)),
                    A.c.cn_unit_id.in_(lineage(unit)),
                )
            )
        )
    return or_(*clauses) if clauses else false()


def _agreement_ids(grant: Grant) -> Select:
    unit = grant.office.unit_id
    return select(A.c.id).where(or_(A.c.vn_unit_id.in_(lineage(unit)), A.c.cn_unit_id.in_(lineage(unit))))


def _agreement_clause(grant: Grant) -> ColumnElement[bool]:
    if "all" in grant.row_scopes:
        return true()
    if grant.office.unit_id is None:
        # Agreements are public between the parties; an office without a unit (the registry
        # administrator) sees them all, and nothing personal.
        return true()
    return Agreement.id.in_(_agreement_ids(grant))


def _employer_clause(grant: Grant) -> ColumnElement[bool]:
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


def _worker_dependent(model) -> Callable[[Grant], ColumnElement[bool]]:
    def clause(grant: Grant) -> ColumnElement[bool]:
        if "all" in grant.row_scopes:
            return true()
        return model.worker_id.in_(_scoped_worker_ids(grant))

    return clause


def _incident_clause(grant: Grant) -> ColumnElement[bool]:
    if "all" in grant.row_scopes:
        return true()
    return or_(
        Incident.worker_id.in_(_scoped_worker_ids(grant)),
        Incident.reported_by_office_id == grant.office.id,
    )


SCOPED_MODELS: dict[type, Callable[[Grant], ColumnElement[bool]]] = {
    Worker: lambda grant: _worker_clause(grant, Worker),
    Placement: _placement_clause,
    Crossing: _worker_dependent(Crossing),
    HealthCheck: _worker_dependent(HealthCheck),
    PoliceClearance: _worker_dependent(PoliceClearance),
    Incident: _incident_clause,
    Employer: _employer_clause,
    Agreement: _agreement_clause,
    TalksMinutes: lambda grant: (
        true()
        if "all" in grant.row_scopes or grant.office.unit_id is None
        else TalksMinutes.agreement_id.in_(_agreement_ids(grant))
    ),
}


def row_criteria(grant: Grant) -> dict[type, ColumnElement[bool]]:
    """Every scoped model's WHERE clause for this grant; unscoped tables are public reference data."""
    return {model: build(grant) for model, build in SCOPED_MODELS.items()}
