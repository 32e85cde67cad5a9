"""The registry's enumerations as GraphQL enums (values are not personal data)."""

import enum

import strawberry

from models import (
    ActionItemStatus,
    AgreementStatus,
    ClearanceResult,
    Country,
    Direction,
    HealthResult,
    IncidentKind,
    IncidentStatus,
    PlacementStatus,
    Sex,
    Side,
    TravelDocument,
    UnitLevel,
    WorkerStatus,
)

# `strawberry.enum` marks the models' own enum classes as GraphQL enums and returns them unchanged,
# so the names exported here are the models' classes, and type checkers see them as such.
strawberry.enum(WorkerStatus, description="Where a worker is in the lifecycle.")
strawberry.enum(Sex)
strawberry.enum(PlacementStatus)
strawberry.enum(AgreementStatus)
strawberry.enum(Direction, description="Which way the worker crossed.")
strawberry.enum(TravelDocument, description="The document shown at the gate.")
strawberry.enum(HealthResult)
strawberry.enum(ClearanceResult)
strawberry.enum(IncidentKind)
strawberry.enum(IncidentStatus)
strawberry.enum(Country)
strawberry.enum(UnitLevel)
strawberry.enum(Side)
strawberry.enum(ActionItemStatus, description="Where an action item of the talks stands.")

__all__ = [
    "ActionItemStatus",
    "AgreementStatus",
    "ClearanceResult",
    "Country",
    "Direction",
    "HealthResult",
    "IncidentKind",
    "IncidentStatus",
    "PlacementStatus",
    "Sex",
    "Side",
    "SortDirection",
    "TravelDocument",
    "UnitLevel",
    "WorkerStatus",
]


@strawberry.enum(description="Sort direction.")
class SortDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"
