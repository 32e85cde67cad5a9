"""The Node interface, and the public reference types every office may name."""

import datetime as dt
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition

import models
from bindings.types import OFFICE, UNIT
from models import AdminUnit
from models.opaque import encode_id
from resolvers.bound import value
from schema.types.enums import Country, Side, UnitLevel


@strawberry.interface(description="An object with an opaque global ID, fetchable with `node(id:)`.")
class Node:
    db: strawberry.Private[Any]

    @strawberry.field(description="Opaque and stable; reveals nothing about the row.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(get_object_definition(self, strict=True).name, self.db.id))


@strawberry.type(description="A province, district, commune, prefecture, city or county.")
class AdministrativeUnit:
    db: strawberry.Private[AdminUnit]

    @strawberry.field
    def code(self) -> str:
        return value(self.db, UNIT["code"])

    @strawberry.field
    def name_vi(self) -> str:
        return value(self.db, UNIT["nameVi"])

    @strawberry.field
    def name_zh(self) -> str | None:
        return value(self.db, UNIT["nameZh"])

    @strawberry.field
    def level(self) -> UnitLevel:
        return value(self.db, UNIT["level"])

    @strawberry.field
    def country(self) -> Country:
        return value(self.db, UNIT["country"])

    @strawberry.field(description="The first day the unit is in force.")
    def valid_from(self) -> dt.date:
        return value(self.db, UNIT["validFrom"])

    @strawberry.field(
        description="The last day the unit was in force (a reorganisation); none while current."
    )
    def valid_to(self) -> dt.date | None:
        return value(self.db, UNIT["validTo"])


@strawberry.type(description="An office that uses the registry.")
class Office:
    code: str
    name: str
    side: Side

    @classmethod
    def of_row(cls, row: models.Office) -> "Office":
        """An office's row as the API shows it, each field read by its binding. Not `db`-backed like
        the other types: a report's signature shows its office from the signature's own mark."""
        return cls(**{name: value(row, binding) for name, binding in OFFICE.items()})


def office_of(row: models.Office | None) -> Office | None:
    return Office.of_row(row) if row is not None else None
