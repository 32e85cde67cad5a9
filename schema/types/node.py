"""The Node interface, and the public reference types every office may name."""

import datetime as dt
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition

import models
from models import AdminUnit
from models.opaque import encode_id
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
        return self.db.code

    @strawberry.field
    def name_vi(self) -> str:
        return self.db.name_vi

    @strawberry.field
    def name_zh(self) -> str | None:
        return self.db.name_zh

    @strawberry.field
    def level(self) -> UnitLevel:
        return self.db.level

    @strawberry.field
    def country(self) -> Country:
        return self.db.country

    @strawberry.field(description="The first day the unit is in force.")
    def valid_from(self) -> dt.date:
        return self.db.valid_from

    @strawberry.field(
        description="The last day the unit was in force (a reorganisation); none while current."
    )
    def valid_to(self) -> dt.date | None:
        return self.db.valid_to


def unit_or_none(row: AdminUnit | None) -> AdministrativeUnit | None:
    return AdministrativeUnit(db=row) if row is not None else None


@strawberry.type(description="An office that uses the registry.")
class Office:
    code: str
    name: str
    side: Side


def office_of(row: models.Office | None) -> Office | None:
    return Office(code=row.code, name=row.name, side=row.side) if row is not None else None
