"""The registry's enumerations as GraphQL enums (values are not personal data)."""

import enum

import strawberry

import models

WorkerStatus = strawberry.enum(models.WorkerStatus, description="Where a worker is in the lifecycle.")
Sex = strawberry.enum(models.Sex)
PlacementStatus = strawberry.enum(models.PlacementStatus)
AgreementStatus = strawberry.enum(models.AgreementStatus)
Direction = strawberry.enum(models.Direction, description="Which way the worker crossed.")
TravelDocument = strawberry.enum(models.TravelDocument, description="The document shown at the gate.")
HealthResult = strawberry.enum(models.HealthResult)
ClearanceResult = strawberry.enum(models.ClearanceResult)
IncidentKind = strawberry.enum(models.IncidentKind)
IncidentStatus = strawberry.enum(models.IncidentStatus)
Country = strawberry.enum(models.Country)
UnitLevel = strawberry.enum(models.UnitLevel)
Side = strawberry.enum(models.Side)


@strawberry.enum(description="Sort direction.")
class SortDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"
