"""The root Query type. Each list exists only for offices that see its type."""

import datetime as dt
from typing import Annotated

import strawberry

import models
from models.opaque import InvalidIdError, decode_id
from resolvers import listing, lists
from resolvers.reports import minutes_rows, yearly_figures
from schema.context import Info
from schema.fields import needs_types
from schema.types.agreements import Agreement, BorderGate, TalksMinutes
from schema.types.checks import HealthCheck, PoliceClearance
from schema.types.connections import Connection, connection_of
from schema.types.crossings import Crossing, CrossingFilter, CrossingOrder
from schema.types.employers import Employer, EmployerFilter, EmployerOrder
from schema.types.enums import Country, Side
from schema.types.events import EventConnection, events
from schema.types.incidents import Incident, IncidentFilter, IncidentOrder
from schema.types.labels import Label, labels_of
from schema.types.ledger import LedgerCheckpoint, ledger_checkpoint
from schema.types.node import AdministrativeUnit, Node
from schema.types.officers import Officer, shown
from schema.types.placements import Placement, PlacementFilter, PlacementOrder
from schema.types.protection import WageArrears
from schema.types.reports import AgreementReport
from schema.types.statistics import Statistics
from schema.types.workers import Worker, WorkerFilter, WorkerOrder

NODE_TYPES: dict[str, tuple[type, type]] = {
    "Worker": (models.Worker, Worker),
    "Employer": (models.Employer, Employer),
    "Agreement": (models.Agreement, Agreement),
    "TalksMinutes": (models.TalksMinutes, TalksMinutes),
    "BorderGate": (models.BorderGate, BorderGate),
    "Placement": (models.Placement, Placement),
    "Crossing": (models.Crossing, Crossing),
    "HealthCheck": (models.HealthCheck, HealthCheck),
    "PoliceClearance": (models.PoliceClearance, PoliceClearance),
    "Incident": (models.Incident, Incident),
    "WageArrears": (models.WageArrears, WageArrears),
}

First = Annotated[int, strawberry.argument(description="Page size, 0 to 100.")]
After = Annotated[str | None, strawberry.argument(description="`endCursor` of the previous page.")]


@strawberry.type(description="The office this request speaks for.")
class Me:
    code: str
    name: str
    side: Side
    purposes: list[str] = strawberry.field(description="Purposes you may state in the X-Purpose header.")
    officer: Officer | None = strawberry.field(
        default=None, description="The officer the token was issued to; null for a service token."
    )


@strawberry.type
class Query:
    @strawberry.field(description="The calling office. Needs no purpose of use.")
    def me(self, info: Info) -> Me:
        grant = info.context.grant
        office = grant.office
        return Me(
            code=office.code,
            name=office.name,
            side=Side(office.side),
            purposes=sorted(grant.purposes),
            officer=shown(info.context.officer),
        )

    @strawberry.field(description="Any object by its global ID; null if it does not exist for you.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        try:
            type_name, row_id = decode_id(id)
        except InvalidIdError:
            return None
        if not info.context.grant.sees_type(type_name):
            return None
        model, wrap = NODE_TYPES[type_name]
        row = await info.context.loaders.by_id(model).load(row_id)
        return wrap(db=row) if row is not None else None

    @needs_types("Worker", description="Workers in your jurisdiction.")
    def workers(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        filter: WorkerFilter | None = None,
        order_by: WorkerOrder | None = None,
    ) -> Connection[Worker]:
        page = listing.WORKERS.page(info.context.session, filter, order_by, first, after)
        return connection_of(page, Worker)

    @needs_types("Employer", description="Employers in your jurisdiction or your counterparts'.")
    def employers(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        filter: EmployerFilter | None = None,
        order_by: EmployerOrder | None = None,
    ) -> Connection[Employer]:
        return connection_of(
            listing.EMPLOYERS.page(info.context.session, filter, order_by, first, after), Employer
        )

    @needs_types("Placement", description="Placements in your jurisdiction.")
    def placements(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        filter: PlacementFilter | None = None,
        order_by: PlacementOrder | None = None,
    ) -> Connection[Placement]:
        page = listing.PLACEMENTS.page(info.context.session, filter, order_by, first, after)
        return connection_of(page, Placement)

    @needs_types("Crossing", description="Border crossings of the workers in your jurisdiction.")
    def crossings(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        filter: CrossingFilter | None = None,
        order_by: CrossingOrder | None = None,
    ) -> Connection[Crossing]:
        return connection_of(
            listing.CROSSINGS.page(info.context.session, filter, order_by, first, after), Crossing
        )

    @needs_types("Incident", description="Incidents you are party to.")
    def incidents(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        filter: IncidentFilter | None = None,
        order_by: IncidentOrder | None = None,
    ) -> Connection[Incident]:
        return connection_of(
            listing.INCIDENTS.page(info.context.session, filter, order_by, first, after), Incident
        )

    @needs_types("Agreement", description="Agreements your region is party to.")
    def agreements(self, info: Info) -> list[Agreement]:
        return [Agreement(db=r) for r in info.context.session.scalars(lists.agreements()[0])]

    @needs_types("BorderGate", description="The border gates of the demo's agreements.")
    def border_gates(self, info: Info) -> list[BorderGate]:
        return [BorderGate(db=r) for r in info.context.session.scalars(lists.border_gates()[0])]

    @strawberry.field(
        description="Administrative units (public reference data) in force on a day: today unless asOf is "
        "given (units change: from 1 July 2025 Vietnam's communes are directly under the provinces)."
    )
    def administrative_units(
        self,
        info: Info,
        parent_code: str | None = None,
        country: Country | None = None,
        as_of: dt.date | None = None,
    ) -> list[AdministrativeUnit]:
        stmt = lists.administrative_units(parent_code, country, as_of)[0]
        return [AdministrativeUnit(db=r) for r in info.context.session.scalars(stmt)]

    @strawberry.field(description="A signed checkpoint of the disclosure ledger. Needs no purpose of use.")
    def ledger_checkpoint(self, info: Info) -> LedgerCheckpoint:
        return ledger_checkpoint(info)

    @needs_types("Statistics", description="Aggregates within your jurisdiction.")
    def statistics(self) -> Statistics:
        return Statistics()

    @needs_types(
        "Statistics",
        "Agreement",
        description="An agreement's figures for one year, counted within your jurisdiction.",
    )
    def agreement_report(self, info: Info, agreement_id: strawberry.ID, year: int) -> AgreementReport:
        session = info.context.session
        agreement, figures = yearly_figures(session, info.context.recorder, agreement_id, year)
        return AgreementReport(
            figures=figures, agreement_row=agreement, minutes_rows=minutes_rows(session, figures)
        )

    events: EventConnection = strawberry.field(
        resolver=events,
        description="What happened to rows your office may read, in the order it was committed; "
        "resumable from any cursor. A kind your office may never receive is refused.",
    )

    @strawberry.field(description="The labels of an enum's values in English, Vietnamese and Chinese.")
    def labels(self, info: Info, enum: str) -> list[Label]:
        return labels_of(info, enum)
