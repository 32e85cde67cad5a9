"""The agreement's yearly report as GraphQL types: the figures of `reports.figures`, as they are.

The report holds aggregates only. The wage table is the one part that says something a field rule
governs (a wage), so it exists only for offices that may read `Placement.monthlyWageCny`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

import models
from reports import evaluation as e
from reports import figures as f
from schema.fields import governed, needs_types
from schema.types.agreements import Agreement, TalksMinutes
from schema.types.counts import Count
from schema.types.enums import ActionItemStatus, IncidentKind, IncidentStatus
from schema.types.evaluation import ReportActionItem, ReportSignature


@strawberry.type(description="The evaluation's five counts of placements (see the report's definitions).")
class Flows:
    sent: int = strawberry.field(description="Placements that started in the year.")
    in_china: int = strawberry.field(description="Placements in China on 31 December of the year.")
    returned: int = strawberry.field(description="Placements completed in the year.")
    absconded: int = strawberry.field(description="Placements ended in the year by the worker absconding.")
    terminated_early: int = strawberry.field(description="Placements terminated early in the year.")

    @classmethod
    def of(cls, flows: f.Flows) -> Flows:
        return cls(
            sent=int(flows.sent),  # the totals are broken down by nothing: never withheld
            in_china=int(flows.in_china),
            returned=int(flows.returned),
            absconded=int(flows.absconded),
            terminated_early=int(flows.terminated),
        )


@strawberry.type(description="The five counts of one group of a breakdown; a small count may be withheld.")
class GroupFlows:
    sent: Count  # type: ignore[valid-type]
    in_china: Count  # type: ignore[valid-type]
    returned: Count  # type: ignore[valid-type]
    absconded: Count  # type: ignore[valid-type]
    terminated_early: Count  # type: ignore[valid-type]


@strawberry.type(
    description="The five counts for one group: an employer (key: its social credit code), a district, "
    "a sex, an age band at the start, an ethnicity."
)
class FlowsByKey:
    key: str
    name_vi: str
    name_zh: str | None
    flows: GroupFlows


@strawberry.type(description="Recruitment fees paid by the workers sent in the year (SDG indicator 10.7.1).")
class RecruitmentCost:
    placements: int = strawberry.field(description="Placements sent in the year with the fees recorded.")
    median_fee_vnd: Decimal | None = strawberry.field(description="The median fee, in VND.")
    with_contract_wage: int = strawberry.field(
        description="Of those, placements with a contract wage the registry's exchange rates convert."
    )
    median_months_of_wage: Decimal | None = strawberry.field(
        description="The median of each fee in months of its contract wage."
    )


@strawberry.type(description="Wage arrears reported in the year on the agreement's placements.")
class WageArrearsFigures:
    cases: int
    amount_cny: Decimal
    settled: int = strawberry.field(description="Cases of the year settled so far.")
    amount_settled_cny: Decimal
    median_days_to_settle: float | None = strawberry.field(
        description="Median days from the report to the settlement, over the settled cases."
    )


@strawberry.type(description="Injuries that occurred in the year, per 1,000 placements in force during it.")
class InjuryFigures:
    injuries: int
    placements: int
    per_thousand: float | None


@strawberry.type(
    description="Placements completed or terminated in the year, by when the worker entered Vietnam: within "
    "30 days of the end (on time), later (late), or not yet."
)
class ReturnFigures:
    ended: int
    on_time: int
    late: int
    not_returned: int


@strawberry.type(description="Placements sent in one month, so far in the year, and the yearly quota left.")
class QuotaMonthUse:
    month: int
    sent: Count  # type: ignore[valid-type]
    sent_to_date: Count  # type: ignore[valid-type]
    quota_left: int | None


@strawberry.type(description="Incidents of one kind and status that occurred in the year.")
class IncidentCount:
    kind: IncidentKind  # type: ignore[valid-type]
    status: IncidentStatus  # type: ignore[valid-type]
    count: Count  # type: ignore[valid-type]


@strawberry.type(description="Monthly wages in CNY of one employer's placements in force during the year.")
class EmployerWages:
    key: str
    name_vi: str
    name_zh: str | None
    placements: Count  # type: ignore[valid-type]
    minimum: Decimal
    median: Decimal
    mean: Decimal
    maximum: Decimal


@strawberry.type(description="One employer's approved quota against its placements of the year.")
class EmployerQuotaUse:
    key: str
    name_vi: str
    name_zh: str | None
    approved_quota: int
    sent: Count  # type: ignore[valid-type]
    in_china: Count  # type: ignore[valid-type]


@strawberry.type(
    description="Crossings at one gate in one month (UTC) by workers placed under the agreement."
)
class GateMonthCrossings:
    gate: str
    name_vi: str
    name_zh: str | None
    month: int
    exits: Count  # type: ignore[valid-type]
    entries: Count  # type: ignore[valid-type]


@strawberry.type(description="The figures of one agreement for one year, counted within your jurisdiction.")
class AgreementReport:
    figures: strawberry.Private[f.AgreementFigures]
    agreement_row: strawberry.Private[models.Agreement]
    minutes_rows: strawberry.Private[list[models.TalksMinutes]]

    @needs_types("Agreement", description="The agreement evaluated.")
    def agreement(self) -> Agreement:
        return Agreement(db=self.agreement_row)

    @strawberry.field(description="The calendar year evaluated.")
    def year(self) -> int:
        return self.figures.year

    @strawberry.field(description="The agreement's yearly quota of workers sent, if it sets one.")
    def yearly_quota(self) -> int | None:
        return self.figures.yearly_quota

    @strawberry.field(description="The five counts over the whole agreement.")
    def totals(self) -> Flows:
        return Flows.of(self.figures.totals)

    @strawberry.field(description="The five counts per Chinese employer.")
    def by_employer(self) -> list[FlowsByKey]:
        return _by_key(self.figures.by_employer)

    @strawberry.field(description="The five counts per home district of the workers.")
    def by_home_district(self) -> list[FlowsByKey]:
        return _by_key(self.figures.by_district)

    @strawberry.field(description="Incidents that occurred in the year, by kind and status.")
    def incidents(self) -> list[IncidentCount]:
        return [
            IncidentCount(kind=IncidentKind(i.kind), status=IncidentStatus(i.status), count=i.count)
            for i in self.figures.incidents
        ]

    @strawberry.field(
        description="Median days from occurrence to resolution of the year's resolved incidents."
    )
    def median_days_to_resolve(self) -> float | None:
        return self.figures.median_days_to_resolve

    @governed("Placement.monthlyWageCny", "Monthly wages per employer: minimum, median, mean, maximum.")
    def wages_by_employer(self) -> list[EmployerWages]:
        return [
            EmployerWages(
                key=w.key,
                name_vi=w.name_vi,
                name_zh=w.name_zh,
                placements=w.placements,
                minimum=w.minimum,
                median=w.median,
                mean=w.mean,
                maximum=w.maximum,
            )
            for w in self.figures.wages
        ]

    @strawberry.field(description="Each employer's approved quota against its placements of the year.")
    def quota_by_employer(self) -> list[EmployerQuotaUse]:
        return [
            EmployerQuotaUse(
                key=q.key,
                name_vi=q.name_vi,
                name_zh=q.name_zh,
                approved_quota=q.approved,
                sent=q.sent,
                in_china=q.in_china,
            )
            for q in self.figures.quotas
        ]

    @strawberry.field(description="Crossings by gate and month of the workers placed under the agreement.")
    def crossings_by_gate_and_month(self) -> list[GateMonthCrossings]:
        return [
            GateMonthCrossings(
                gate=c.gate,
                name_vi=c.name_vi,
                name_zh=c.name_zh,
                month=c.month,
                exits=c.exits,
                entries=c.entries,
            )
            for c in self.figures.crossings
        ]

    @strawberry.field(description="Placements in China on the last day of each month, January first.")
    def workers_in_china_by_month(self) -> list[Count]:  # type: ignore[valid-type]
        return self.figures.in_china_by_month

    @strawberry.field(description="The five counts by the workers' sex.")
    def by_sex(self) -> list[FlowsByKey]:
        return _groups(self.figures.by_sex)

    @strawberry.field(
        description="The five counts by the workers' age at the start: 18-24, 25-34, 35-44, 45+."
    )
    def by_age_band(self) -> list[FlowsByKey]:
        return _groups(self.figures.by_age_band)

    @governed("Worker.ethnicity", "The five counts by the workers' ethnicity.")
    def by_ethnicity(self) -> list[FlowsByKey]:
        return _groups(self.figures.by_ethnicity)

    @governed("Placement.recruitmentFeeVnd", "Recruitment fees paid by the workers sent in the year.")
    def recruitment_cost(self) -> RecruitmentCost | None:
        r = self.figures.recruitment
        if r is None:
            return None
        return RecruitmentCost(
            placements=r.placements,
            median_fee_vnd=r.median_fee_vnd,
            with_contract_wage=r.with_contract_wage,
            median_months_of_wage=r.median_months_of_wage,
        )

    @governed("WageArrears.amountCny", "Wage arrears reported in the year, and how they were settled.")
    def wage_arrears(self) -> WageArrearsFigures | None:
        a = self.figures.arrears
        if a is None:
            return None
        return WageArrearsFigures(
            cases=a.cases,
            amount_cny=a.amount_cny,
            settled=a.settled,
            amount_settled_cny=a.amount_settled_cny,
            median_days_to_settle=a.median_days_to_settle,
        )

    @strawberry.field(description="Injuries in the year per 1,000 placements in force.")
    def injuries(self) -> InjuryFigures | None:
        i = self.figures.injuries
        if i is None:
            return None
        return InjuryFigures(injuries=i.injuries, placements=i.placements, per_thousand=i.per_thousand)

    @strawberry.field(description="Returns on time and late after the placements that ended in the year.")
    def returns(self) -> ReturnFigures | None:
        r = self.figures.returns
        if r is None:
            return None
        return ReturnFigures(ended=r.ended, on_time=r.on_time, late=r.late, not_returned=r.not_returned)

    @strawberry.field(description="Placements sent each month against the agreement's yearly quota.")
    def quota_use_by_month(self) -> list[QuotaMonthUse]:
        return [
            QuotaMonthUse(month=m.month, sent=m.sent, sent_to_date=m.sent_to_date, quota_left=m.quota_left)
            for m in self.figures.quota_by_month
        ]

    @strawberry.field(
        description="The action items of the previous year's talks, with their status; overdue ones marked."
    )
    def action_items(self) -> list[ReportActionItem]:
        return [
            ReportActionItem(
                held_on=i.held_on,
                text_vi=i.text_vi,
                text_zh=i.text_zh,
                owner_office=i.owner_office,
                due_on=i.due_on,
                status=ActionItemStatus(i.status),
                follow_up=i.follow_up,
                overdue=i.overdue,
            )
            for i in self.figures.action_items
        ]

    @strawberry.field(description="Each focal office's latest signature of these figures.")
    def signatures(self) -> list[ReportSignature]:
        return [ReportSignature.of(mark) for mark in self.figures.signatures]

    @strawberry.field(
        description="Whether a figure changed after an office signed: the digest it signed is not the "
        "digest of the figures now."
    )
    def figures_changed_since_signing(self) -> bool:
        # Judged on the full figures (`resolvers.reports.with_evaluation`), not on this reader's copy,
        # whose cells withheld as "< 5" would always differ from what was signed.
        return any(not mark.valid for mark in self.figures.signatures)

    @needs_types("TalksMinutes", description="Talks minutes held in the year.")
    def talks_minutes(self) -> list[TalksMinutes]:
        return [TalksMinutes(db=m) for m in self.minutes_rows]


def _cells(sent: Any, in_china: Any, returned: Any, absconded: Any, terminated: Any) -> GroupFlows:
    return GroupFlows(
        sent=sent, in_china=in_china, returned=returned, absconded=absconded, terminated_early=terminated
    )


def _by_key(rows: list[f.FlowsOf]) -> list[FlowsByKey]:
    return [
        FlowsByKey(
            key=r.key,
            name_vi=r.name_vi,
            name_zh=r.name_zh,
            flows=_cells(
                r.flows.sent, r.flows.in_china, r.flows.returned, r.flows.absconded, r.flows.terminated
            ),
        )
        for r in rows
    ]


def _groups(rows: list[e.Group]) -> list[FlowsByKey]:
    return [
        FlowsByKey(
            key=g.key,
            name_vi=g.name_vi,
            name_zh=g.name_zh,
            flows=_cells(g.sent, g.in_china, g.returned, g.absconded, g.terminated),
        )
        for g in rows
    ]
