"""The plain lists at the root (agreements, border gates, administrative units): their rows and order.

Both engines select through these statements; the row scope is added by whoever runs them (the
session hook for the reference engine, the planner for the compiled one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, or_, select

import models
from procedure.calendar import today


def agreements() -> tuple[Select, list[str]]:
    return select(models.Agreement).order_by(models.Agreement.signed_on, models.Agreement.id), [
        "signed_on",
        "id",
    ]


def border_gates() -> tuple[Select, list[str]]:
    return select(models.BorderGate).order_by(models.BorderGate.code), ["code"]


def administrative_units(
    parent_code: str | None = None, country: Any = None, as_of: dt.date | None = None
) -> tuple[Select, list[str]]:
    """The units in force on `as_of` (today unless given), under a parent or of a country if asked
    (public reference data). A form for a record made before a reorganisation navigates the units
    of its day; a registration today only the current ones."""
    units = models.AdminUnit
    day = as_of or today()
    stmt = (
        select(units)
        .where(units.valid_from <= day, or_(units.valid_to.is_(None), units.valid_to >= day))
        .order_by(units.code)
    )
    if parent_code is not None:
        stmt = stmt.where(units.parent_id.in_(select(units.id).where(units.code == parent_code[:64])))
    if country is not None:
        stmt = stmt.where(units.country == country.value)
    return stmt.limit(1000), ["code"]


LISTS: dict[str, Callable[..., tuple[Select, list[str]]]] = {
    "agreements": agreements,
    "borderGates": border_gates,
    "administrativeUnits": administrative_units,
}
