"""Top-level lists: each a table of filters and orderings, turned into SQL and one keyset page.

The row scope is not applied here: the session adds it to every SELECT (policies.sessions).
Each filter's GraphQL field only exists for offices that may read what it filters on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models import AdminUnit, BorderGate, Crossing, Employer, Incident, Placement, UnitClosure, Worker
from models.opaque import InvalidIdError, decode_id
from models.sealing import keyring
from resolvers.errors import InputError, type_term
from resolvers.pages import Ordering, Page, paginate

UC = UnitClosure.__table__
Condition = Callable[[Any], ColumnElement[bool]]


def internal_id(field: str, global_id: str, type_name: str) -> int:
    try:
        return decode_id(global_id, type_name)[1]
    except InvalidIdError as exc:
        raise InputError(
            field, "not a valid {type_name} ID", "INVALID_ID", type_name=type_term(type_name)
        ) from exc


def ordering(field: str, order: Any, columns: dict[str, Any], default: Ordering) -> Ordering:
    """The one sort key the client set on its order input (snake_case attribute names)."""
    if order is None:
        return default
    chosen = [(key, getattr(order, key)) for key in columns if getattr(order, key, None) is not None]
    if len(chosen) != 1:
        raise InputError(field, "set exactly one field to order by", "INVALID_ORDER")
    key, direction = chosen[0]
    return Ordering(key, columns[key], descending=direction.value == "desc")


def _text(field: str, value: str, limit: int = 200) -> str:
    if len(value) > limit:
        raise InputError(field, "must be at most {max_len} characters", "TOO_LONG", max_len=limit)
    return value


def _like(field: str, value: str) -> str:
    escaped = _text(field, value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Builders for the usual kinds of filter: each takes the GraphQL field name for its error messages.
def equals(column: InstrumentedAttribute, field: str, limit: int = 200) -> Condition:
    return lambda value: column == (_text(field, value, limit) if isinstance(value, str) else value)


def any_of(column: InstrumentedAttribute) -> Condition:
    return lambda values: column.in_(list(values))


def at_least(column: InstrumentedAttribute) -> Condition:
    return lambda value: column >= value


def at_most(column: InstrumentedAttribute) -> Condition:
    return lambda value: column <= value


def same_row(column: InstrumentedAttribute, field: str, type_name: str) -> Condition:
    return lambda value: column == internal_id(field, value, type_name)


def inside_unit(column: InstrumentedAttribute, field: str) -> Condition:
    """Rows whose unit lies inside the unit with this code (the unit itself included)."""

    def condition(code: str) -> ColumnElement[bool]:
        unit = select(AdminUnit.id).where(AdminUnit.code == _text(field, code, 64)).scalar_subquery()
        return column.in_(select(UC.c.descendant_id).where(UC.c.ancestor_id == unit))

    return condition


def blind_match(column: InstrumentedAttribute, field: str) -> Condition:
    """Exact match on an encrypted identity number, through its keyed blind index."""
    return lambda value: column == keyring().blind_index(_text(field, value, 64))


@dataclass(frozen=True)
class Listing:
    model: type
    filters: dict[str, Condition]
    orderings: dict[str, InstrumentedAttribute]
    default: Ordering

    def conditions(self, f: Any) -> list[ColumnElement[bool]]:
        """The filters the client set, as SQL on the model's table (an InputError for a bad value)."""
        where = []
        if f is not None:
            for attr, condition in self.filters.items():
                value = getattr(f, attr, None)
                if value is not None and value != "" and value != []:
                    where.append(condition(value))
        return where

    def ordering_of(self, order: Any) -> Ordering:
        return ordering("orderBy", order, self.orderings, self.default)

    def page(self, session: Session, f: Any, order: Any, first: int, after: str | None) -> Page:
        return paginate(session, self.model, self.conditions(f), self.ordering_of(order), first, after)


WORKERS = Listing(
    Worker,
    {
        "status": any_of(Worker.status),
        "full_name_contains": lambda v: Worker.full_name.ilike(
            _like("filter.fullNameContains", v), escape="\\"
        ),
        "sex": equals(Worker.sex, "filter.sex"),
        "born_after": at_least(Worker.date_of_birth),
        "born_before": at_most(Worker.date_of_birth),
        "ethnicity": equals(Worker.ethnicity, "filter.ethnicity"),
        "national_id_number": blind_match(Worker.national_id_index, "filter.nationalIdNumber"),
        "border_pass_number": blind_match(Worker.border_pass_index, "filter.borderPassNumber"),
        "passport_number": blind_match(Worker.passport_index, "filter.passportNumber"),
        "home_province_code": inside_unit(Worker.home_province_id, "filter.homeProvinceCode"),
        "home_district_code": inside_unit(Worker.home_district_id, "filter.homeDistrictCode"),
        "home_commune_code": inside_unit(Worker.home_commune_id, "filter.homeCommuneCode"),
    },
    {"full_name": Worker.full_name, "date_of_birth": Worker.date_of_birth},
    Ordering("full_name", Worker.full_name),
)


def _employer_name(value: str) -> ColumnElement[bool]:
    pattern = _like("filter.nameContains", value)
    return or_(Employer.name_vi.ilike(pattern, escape="\\"), Employer.name_zh.like(pattern, escape="\\"))


EMPLOYERS = Listing(
    Employer,
    {
        "name_contains": _employer_name,
        "county_code": inside_unit(Employer.county_id, "filter.countyCode"),
        "sector": equals(Employer.sector, "filter.sector"),
    },
    {"name_vi": Employer.name_vi, "approved_quota": Employer.approved_quota},
    Ordering("name_vi", Employer.name_vi),
)

PLACEMENTS = Listing(
    Placement,
    {
        "status": any_of(Placement.status),
        "employer_id": same_row(Placement.employer_id, "filter.employerId", "Employer"),
        "agreement_id": same_row(Placement.agreement_id, "filter.agreementId", "Agreement"),
        "worker_id": same_row(Placement.worker_id, "filter.workerId", "Worker"),
        "started_after": at_least(Placement.start_date),
        "started_before": at_most(Placement.start_date),
    },
    {"start_date": Placement.start_date},
    Ordering("start_date", Placement.start_date, descending=True),
)


def _at_gate(code: str) -> ColumnElement[bool]:
    gate = select(BorderGate.id).where(BorderGate.code == _text("filter.gateCode", code, 64))
    return Crossing.gate_id.in_(gate)


CROSSINGS = Listing(
    Crossing,
    {
        "direction": equals(Crossing.direction, "filter.direction"),
        "gate_code": _at_gate,
        "worker_id": same_row(Crossing.worker_id, "filter.workerId", "Worker"),
        "crossed_after": at_least(Crossing.crossed_at),
        "crossed_before": at_most(Crossing.crossed_at),
    },
    {"crossed_at": Crossing.crossed_at},
    Ordering("crossed_at", Crossing.crossed_at, descending=True),
)

INCIDENTS = Listing(
    Incident,
    {
        "status": any_of(Incident.status),
        "kind": equals(Incident.kind, "filter.kind"),
        "worker_id": same_row(Incident.worker_id, "filter.workerId", "Worker"),
    },
    {"occurred_on": Incident.occurred_on},
    Ordering("occurred_on", Incident.occurred_on, descending=True),
)
