"""The agreement's yearly report as GraphQL types: the figures of `reports.figures`, as they are.

The report holds aggregates only. The wage table is the one part that says something a field rule
governs (a wage), so it exists only for offices that may read `Placement.monthlyWageCny`.
"""

from __future__ import annotations

from decimal import Decimal

import strawberry

import models
from reports import figures as f
from reports.signing import figures_digest
from schema.fields import governed, needs_types
from schema.types.agreements import Agreement, TalksMinutes
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
            sent=flows.sent,
            in_china=flows.in_china,
            returned=flows.returned,
            absconded=flows.absconded,
            terminated_early=flows.terminated,
        )


@strawberry.type(description="The five counts for one employer (key: its social credit code) or district.")
class FlowsByKey:
    key: str
    name_vi: str
    name_zh: str | None
    flows: Flows


@strawberry.type(description="Incidents of one kind and status that occurred in the year.")
class IncidentCount:
    kind: IncidentKind  # type: ignore[valid-type]
    status: IncidentStatus  # type: ignore[valid-type]
    count: int


@strawberry.type(description="Monthly wages in CNY of one employer's placements in force during the year.")
class EmployerWages:
    key: str
    name_vi: str
    name_zh: str | None
    placements: int
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
    sent: int
    in_china: int


@strawberry.type(
    description="Crossings at one gate in one month (UTC) by workers placed under the agreement."
)
class GateMonthCrossings:
    gate: str
    name_vi: str
    name_zh: str | None
    month: int
    exits: int
    entries: int


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
    def workers_in_china_by_month(self) -> list[int]:
        return self.figures.in_china_by_month

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
        digest = figures_digest(self.figures)
        return any(mark.digest != digest for mark in self.figures.signatures)

    @needs_types("TalksMinutes", description="Talks minutes held in the year.")
    def talks_minutes(self) -> list[TalksMinutes]:
        return [TalksMinutes(db=m) for m in self.minutes_rows]


def _by_key(rows: list[f.FlowsOf]) -> list[FlowsByKey]:
    return [
        FlowsByKey(key=r.key, name_vi=r.name_vi, name_zh=r.name_zh, flows=Flows.of(r.flows)) for r in rows
    ]
