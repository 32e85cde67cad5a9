"""The figures of an agreement's yearly evaluation, counted by SQL inside the caller's row scope.

Nothing here decides access: the session passed in carries the office's row scope (see
`policies.sessions`), so a Vietnamese labour department and its Chinese counterpart count the same
placements of their agreement, and get the same figures, only because the policy lets both see them.

Definitions (the meeting's, written once here so every format says the same):
  - a placement is *sent* in the year when it started in the year (planned ones have not started);
  - it is *in China* at a moment when it started on or before it and had not ended by then;
  - *returned*, *terminated early* and *absconded* count placements that ended in the year with
    the status completed, terminated and absconded;
  - incidents, wages and crossings are those of the agreement's placements (crossings: at the
    agreement's gates, by workers placed under it), in the year; months are UTC months.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from models import (
    AdminUnit,
    Agreement,
    BorderGate,
    Crossing,
    Direction,
    Employer,
    Incident,
    Placement,
    PlacementStatus,
    TalksMinutes,
    Worker,
    agreement_gates,
)
from reports import evaluation
from reports.evaluation import Arrears, Group, Injuries, QuotaMonth, RecruitmentCost, Returns


@dataclass(frozen=True)
class Flows:
    """The five counts of the evaluation, for the agreement or one employer or district (a count
    of a breakdown may be shown as "< 5": `reports.withholding`)."""

    sent: int | str = 0
    in_china: int | str = 0
    returned: int | str = 0
    absconded: int | str = 0
    terminated: int | str = 0


@dataclass(frozen=True)
class FlowsOf:
    key: str
    name_vi: str
    name_zh: str | None
    flows: Flows


@dataclass(frozen=True)
class IncidentCount:
    kind: str
    status: str
    count: int | str


@dataclass(frozen=True)
class Wages:
    key: str
    name_vi: str
    name_zh: str | None
    placements: int | str
    minimum: Decimal
    median: Decimal
    mean: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class EmployerQuota:
    key: str
    name_vi: str
    name_zh: str | None
    approved: int
    sent: int | str
    in_china: int | str


@dataclass(frozen=True)
class GateMonth:
    gate: str
    name_vi: str
    name_zh: str | None
    month: int
    exits: int | str
    entries: int | str


@dataclass(frozen=True)
class Minutes:
    id: int
    held_on: dt.date
    vn_delegation: str
    cn_delegation: str
    summary: str


@dataclass(frozen=True)
class AgreementFigures:
    agreement_id: int
    code: str
    title: str
    year: int
    yearly_quota: int | None
    totals: Flows
    by_employer: list[FlowsOf]
    by_district: list[FlowsOf]
    incidents: list[IncidentCount]
    median_days_to_resolve: float | None
    wages: list[Wages]
    quotas: list[EmployerQuota]
    crossings: list[GateMonth]
    in_china_by_month: list[int | str]
    minutes: list[Minutes]
    workers: frozenset[int] = field(default=frozenset(), compare=False)
    """Whose records the figures were counted from: the ledger names them, the figures do not."""
    # Issue 22: the breakdowns and protection figures of `reports.evaluation`.
    by_sex: list[Group] = field(default_factory=list)
    by_age_band: list[Group] = field(default_factory=list)
    by_ethnicity: list[Group] = field(default_factory=list)
    recruitment: RecruitmentCost | None = None
    arrears: Arrears | None = None
    injuries: Injuries | None = None
    returns: Returns | None = None
    quota_by_month: list[QuotaMonth] = field(default_factory=list)
    withheld: frozenset[str] = field(default=frozenset(), compare=False)
    """The parts left out for a reader who may not read what they say (the wages, the fees)."""
    signatures: tuple[Any, ...] = field(default=(), compare=False)
    """The focal offices' signatures (`reports.signing.SignatureMark`); not figures, not signed."""
    action_items: tuple[Any, ...] = field(default=(), compare=False)
    """The action items of last year's talks (`reports.actions.ItemLine`); not figures, not signed."""
    digest: str = field(default="", compare=False)
    """The digest of the full figures, the one the focal offices sign (`reports.signing`), kept when
    a reader's copy withholds cells; not signed itself."""


class _Year:
    """The year's SQL conditions on placements of one agreement."""

    def __init__(self, year: int) -> None:
        self.first, self.last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        self.started = Placement.status != PlacementStatus.PLANNED

    def in_china_on(self, day: dt.date) -> ColumnElement[bool]:
        return and_(
            self.started,
            Placement.start_date <= day,
            or_(Placement.end_date.is_(None), Placement.end_date > day),
        )

    def ended_as(self, status: PlacementStatus) -> ColumnElement[bool]:
        return and_(Placement.status == status, Placement.end_date.between(self.first, self.last))

    def flow_columns(self) -> list[ColumnElement[int]]:
        conditions = (
            and_(self.started, Placement.start_date.between(self.first, self.last)),
            self.in_china_on(self.last),
            self.ended_as(PlacementStatus.COMPLETED),
            self.ended_as(PlacementStatus.ABSCONDED),
            self.ended_as(PlacementStatus.TERMINATED),
        )
        return [func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in conditions]

    def overlaps(self) -> ColumnElement[bool]:
        return and_(
            self.started,
            Placement.start_date <= self.last,
            or_(Placement.end_date.is_(None), Placement.end_date >= self.first),
        )


# The workers' table, not the `Worker` entity the row scopes guard: a district's figures count the
# placements in scope, and a worker de-identified by retention (in no list any more) still counts
# in the district the worker came from, so a past year's report does not change.
_HOMES = Worker.__table__.alias("report_workers")


def agreement_figures(session: Session, agreement: Agreement, year: int) -> AgreementFigures:
    y = _Year(year)
    of_agreement = Placement.agreement_id == agreement.id
    flows = y.flow_columns()

    totals = _flows(session.execute(select(*flows).where(of_agreement)).one())
    by_employer = [
        FlowsOf(code, vi, zh, _flows(counts))
        for code, vi, zh, *counts in session.execute(
            select(Employer.social_credit_code, Employer.name_vi, Employer.name_zh, *flows)
            .join(Employer, Employer.id == Placement.employer_id)
            .where(of_agreement)
            .group_by(Employer.id, Employer.social_credit_code, Employer.name_vi, Employer.name_zh)
            .having(or_(*(f > 0 for f in flows)))
            .order_by(Employer.name_vi)
        )
    ]
    by_district = [
        FlowsOf(code, vi, zh, _flows(counts))
        for code, vi, zh, *counts in session.execute(
            select(AdminUnit.code, AdminUnit.name_vi, AdminUnit.name_zh, *flows)
            .join(_HOMES, _HOMES.c.id == Placement.worker_id)
            .join(AdminUnit, AdminUnit.id == _HOMES.c.home_district_id)
            .where(of_agreement)
            .group_by(AdminUnit.id, AdminUnit.code, AdminUnit.name_vi, AdminUnit.name_zh)
            .having(or_(*(f > 0 for f in flows)))
            .order_by(AdminUnit.code)
        )
    ]
    incidents, median_days = _incidents(session, agreement.id, y)
    workers = set(session.scalars(select(Placement.worker_id).where(of_agreement, y.overlaps()).distinct()))
    crossings, crossing_workers = _crossings(session, agreement.id, year)
    return AgreementFigures(
        agreement_id=agreement.id,
        code=agreement.code,
        title=agreement.title,
        year=year,
        yearly_quota=agreement.yearly_quota,
        totals=totals,
        by_employer=by_employer,
        by_district=by_district,
        incidents=incidents,
        median_days_to_resolve=median_days,
        wages=_wages(session, agreement.id, y),
        quotas=_quotas(session, agreement.id, y),
        crossings=crossings,
        in_china_by_month=_in_china_by_month(session, agreement.id, y, year),
        minutes=[
            Minutes(m.id, m.held_on, m.vn_delegation, m.cn_delegation, m.summary)
            for m in session.scalars(
                select(TalksMinutes)
                .where(
                    TalksMinutes.agreement_id == agreement.id, TalksMinutes.held_on.between(y.first, y.last)
                )
                .order_by(TalksMinutes.held_on)
            )
        ],
        workers=frozenset(workers | crossing_workers),
        **evaluation.figures(session, agreement.id, agreement.yearly_quota, year),
    )


def _flows(counts: Sequence[Any]) -> Flows:
    sent, in_china, returned, absconded, terminated = (int(n) for n in counts)
    return Flows(sent, in_china, returned, absconded, terminated)


def _incidents(session: Session, agreement_id: int, y: _Year) -> tuple[list[IncidentCount], float | None]:
    of_year = and_(Placement.agreement_id == agreement_id, Incident.occurred_on.between(y.first, y.last))
    joined = select(Incident.kind, Incident.status, func.count()).join(
        Placement, Placement.id == Incident.placement_id
    )
    counts = [
        IncidentCount(str(kind), str(status), n)
        for kind, status, n in session.execute(
            joined.where(of_year)
            .group_by(Incident.kind, Incident.status)
            .order_by(Incident.kind, Incident.status)
        )
    ]
    spans = session.execute(
        select(Incident.occurred_on, Incident.resolved_on)
        .join(Placement, Placement.id == Incident.placement_id)
        .where(of_year, Incident.resolved_on.is_not(None))
    ).all()
    days = [(resolved - occurred).days for occurred, resolved in spans if resolved is not None]
    return counts, float(statistics.median(days)) if days else None


def _wages(session: Session, agreement_id: int, y: _Year) -> list[Wages]:
    """Monthly wages of the placements in force during the year, per employer."""
    employer = (Employer.social_credit_code, Employer.name_vi, Employer.name_zh)
    in_year = and_(Placement.agreement_id == agreement_id, y.overlaps())
    wage = Placement.monthly_wage_cny
    rows = session.execute(
        select(*employer, func.count(), func.min(wage), func.avg(wage), func.max(wage))
        .join(Employer, Employer.id == Placement.employer_id)
        .where(in_year)
        .group_by(Employer.id, *employer)
        .order_by(Employer.name_vi)
    ).all()
    values: dict[str, list[Decimal]] = {}
    for code, amount in session.execute(
        select(Employer.social_credit_code, wage)
        .join(Employer, Employer.id == Placement.employer_id)
        .where(in_year)
    ):
        values.setdefault(code, []).append(Decimal(amount))
    cent = Decimal("0.01")
    return [
        Wages(
            code,
            vi,
            zh,
            n,
            Decimal(low).quantize(cent),
            Decimal(statistics.median(values[code])).quantize(cent),
            Decimal(str(mean)).quantize(cent),
            Decimal(high).quantize(cent),
        )
        for code, vi, zh, n, low, mean, high in rows
    ]


def _quotas(session: Session, agreement_id: int, y: _Year) -> list[EmployerQuota]:
    sent, in_china = y.flow_columns()[:2]
    return [
        EmployerQuota(code, vi, zh, approved or 0, s, c)
        for code, vi, zh, approved, s, c in session.execute(
            select(
                Employer.social_credit_code,
                Employer.name_vi,
                Employer.name_zh,
                Employer.approved_quota,
                sent,
                in_china,
            )
            .join(Employer, Employer.id == Placement.employer_id)
            .where(Placement.agreement_id == agreement_id, y.overlaps())
            .group_by(
                Employer.id,
                Employer.social_credit_code,
                Employer.name_vi,
                Employer.name_zh,
                Employer.approved_quota,
            )
            .order_by(Employer.name_vi)
        )
    ]


def _month_starts(year: int) -> list[dt.datetime]:
    return [dt.datetime(year + m // 12, m % 12 + 1, 1, tzinfo=dt.UTC) for m in range(13)]


def _crossings(session: Session, agreement_id: int, year: int) -> tuple[list[GateMonth], set[int]]:
    bounds = _month_starts(year)
    month = case(*((Crossing.crossed_at < bounds[m], m) for m in range(1, 12)), else_=12)
    placed = select(Placement.worker_id).where(Placement.agreement_id == agreement_id)
    gates = select(agreement_gates.c.gate_id).where(agreement_gates.c.agreement_id == agreement_id)
    in_year = and_(
        Crossing.crossed_at >= bounds[0],
        Crossing.crossed_at < bounds[12],
        Crossing.gate_id.in_(gates),
        Crossing.worker_id.in_(placed),
    )
    exits = func.coalesce(func.sum(case((Crossing.direction == Direction.EXIT_VIETNAM, 1), else_=0)), 0)
    entries = func.coalesce(func.sum(case((Crossing.direction == Direction.ENTER_VIETNAM, 1), else_=0)), 0)
    rows = session.execute(
        select(BorderGate.code, BorderGate.name_vi, BorderGate.name_zh, month.label("month"), exits, entries)
        .join(BorderGate, BorderGate.id == Crossing.gate_id)
        .where(in_year)
        .group_by(BorderGate.code, BorderGate.name_vi, BorderGate.name_zh, month)
        .order_by(BorderGate.code, month)
    ).all()
    workers = set(session.scalars(select(Crossing.worker_id).where(in_year).distinct()))
    return [GateMonth(code, vi, zh, int(m), x, e) for code, vi, zh, m, x, e in rows], workers


def _in_china_by_month(session: Session, agreement_id: int, y: _Year, year: int) -> list[int | str]:
    """Placements in China on the last day of each month: the chart's line."""
    ends = [b.date() - dt.timedelta(days=1) for b in _month_starts(year)[1:]]
    columns = [func.coalesce(func.sum(case((y.in_china_on(end), 1), else_=0)), 0) for end in ends]
    return list(session.execute(select(*columns).where(Placement.agreement_id == agreement_id)).one())
