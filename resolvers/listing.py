"""Top-level lists: filters and orderings turned into SQL, then one keyset page.

The row scope is not applied here: the session adds it to every SELECT (policies.sessions).
Each filter's GraphQL field only exists for offices that may read what it filters on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from models import (
    AdminUnit,
    BorderGate,
    Crossing,
    Employer,
    Incident,
    Placement,
    UnitClosure,
    Worker,
)
from models.sealing import keyring
from resolvers.errors import InputError
from resolvers.opaque import InvalidIdError, decode_id
from resolvers.pages import Ordering, Page, paginate

UC = UnitClosure.__table__


def internal_id(field: str, global_id: str, type_name: str) -> int:
    try:
        return decode_id(global_id, type_name)[1]
    except InvalidIdError as exc:
        raise InputError(field, str(exc), "INVALID_ID") from exc


def ordering(field: str, order: Any, columns: dict[str, Any], default: Ordering) -> Ordering:
    """The one sort key the client set on its order input (snake_case attribute names)."""
    if order is None:
        return default
    chosen = [(key, getattr(order, key)) for key in columns if getattr(order, key, None) is not None]
    if len(chosen) != 1:
        raise InputError(field, "set exactly one field to order by", "INVALID_ORDER")
    key, direction = chosen[0]
    return Ordering(key, columns[key], descending=direction.value == "desc")


def _unit_ids(code: str) -> Any:
    return select(UC.c.descendant_id).where(
        UC.c.ancestor_id == select(AdminUnit.id).where(AdminUnit.code == code).scalar_subquery()
    )


def _text(field: str, value: str, limit: int = 200) -> str:
    if len(value) > limit:
        raise InputError(field, f"at most {limit} characters", "TOO_LONG")
    return value


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def worker_conditions(f: Any) -> list[ColumnElement[bool]]:
    if f is None:
        return []
    ring = keyring()
    where: list[ColumnElement[bool]] = []
    if getattr(f, "status", None):
        where.append(Worker.status.in_([s for s in f.status]))
    if getattr(f, "full_name_contains", None):
        text = _text("filter.fullNameContains", f.full_name_contains)
        where.append(Worker.full_name.ilike(_like(text), escape="\\"))
    if getattr(f, "sex", None):
        where.append(Worker.sex == f.sex)
    if getattr(f, "born_after", None):
        where.append(Worker.date_of_birth >= f.born_after)
    if getattr(f, "born_before", None):
        where.append(Worker.date_of_birth <= f.born_before)
    if getattr(f, "ethnicity", None):
        where.append(Worker.ethnicity == _text("filter.ethnicity", f.ethnicity))
    for attr, column in (
        ("national_id_number", Worker.national_id_index),
        ("border_pass_number", Worker.border_pass_index),
        ("passport_number", Worker.passport_index),
    ):
        value = getattr(f, attr, None)
        if value:
            where.append(column == ring.blind_index(_text(f"filter.{attr}", value, 64)))
    for attr, column in (
        ("home_province_code", Worker.home_province_id),
        ("home_district_code", Worker.home_district_id),
        ("home_commune_code", Worker.home_commune_id),
    ):
        value = getattr(f, attr, None)
        if value:
            where.append(column.in_(_unit_ids(_text(f"filter.{attr}", value, 64))))
    return where


def list_workers(session: Session, f: Any, order: Any, first: int, after: str | None) -> Page:
    chosen = ordering(
        "orderBy",
        order,
        {"full_name": Worker.full_name, "date_of_birth": Worker.date_of_birth},
        Ordering("full_name", Worker.full_name),
    )
    return paginate(session, Worker, worker_conditions(f), chosen, first, after)


def list_employers(session: Session, f: Any, order: Any, first: int, after: str | None) -> Page:
    where: list[ColumnElement[bool]] = []
    if f is not None:
        if f.name_contains:
            pattern = _like(_text("filter.nameContains", f.name_contains))
            where.append(or_(Employer.name_vi.ilike(pattern, escape="\\"), Employer.name_zh.like(pattern)))
        if f.county_code:
            where.append(Employer.county_id.in_(_unit_ids(_text("filter.countyCode", f.county_code, 64))))
        if f.sector:
            where.append(Employer.sector == _text("filter.sector", f.sector))
    chosen = ordering(
        "orderBy",
        order,
        {"name_vi": Employer.name_vi, "approved_quota": Employer.approved_quota},
        Ordering("name_vi", Employer.name_vi),
    )
    return paginate(session, Employer, where, chosen, first, after)


def list_placements(session: Session, f: Any, order: Any, first: int, after: str | None) -> Page:
    where: list[ColumnElement[bool]] = []
    if f is not None:
        if f.status:
            where.append(Placement.status.in_([s for s in f.status]))
        if f.employer_id:
            where.append(Placement.employer_id == internal_id("filter.employerId", f.employer_id, "Employer"))
        if f.agreement_id:
            agreement = internal_id("filter.agreementId", f.agreement_id, "Agreement")
            where.append(Placement.agreement_id == agreement)
        if f.worker_id:
            where.append(Placement.worker_id == internal_id("filter.workerId", f.worker_id, "Worker"))
        if f.started_after:
            where.append(Placement.start_date >= f.started_after)
        if f.started_before:
            where.append(Placement.start_date <= f.started_before)
    chosen = ordering(
        "orderBy",
        order,
        {"start_date": Placement.start_date},
        Ordering("start_date", Placement.start_date, True),
    )
    return paginate(session, Placement, where, chosen, first, after)


def list_crossings(session: Session, f: Any, order: Any, first: int, after: str | None) -> Page:
    where: list[ColumnElement[bool]] = []
    if f is not None:
        if f.direction:
            where.append(Crossing.direction == f.direction)
        if f.gate_code:
            gate = select(BorderGate.id).where(BorderGate.code == _text("filter.gateCode", f.gate_code, 64))
            where.append(Crossing.gate_id.in_(gate))
        if f.worker_id:
            where.append(Crossing.worker_id == internal_id("filter.workerId", f.worker_id, "Worker"))
        if f.crossed_after:
            where.append(Crossing.crossed_at >= f.crossed_after)
        if f.crossed_before:
            where.append(Crossing.crossed_at <= f.crossed_before)
    chosen = ordering(
        "orderBy",
        order,
        {"crossed_at": Crossing.crossed_at},
        Ordering("crossed_at", Crossing.crossed_at, True),
    )
    return paginate(session, Crossing, where, chosen, first, after)


def list_incidents(session: Session, f: Any, order: Any, first: int, after: str | None) -> Page:
    where: list[ColumnElement[bool]] = []
    if f is not None:
        if f.status:
            where.append(Incident.status.in_([s for s in f.status]))
        if f.kind:
            where.append(Incident.kind == f.kind)
        if f.worker_id:
            where.append(Incident.worker_id == internal_id("filter.workerId", f.worker_id, "Worker"))
    chosen = ordering(
        "orderBy",
        order,
        {"occurred_on": Incident.occurred_on},
        Ordering("occurred_on", Incident.occurred_on, True),
    )
    return paginate(session, Incident, where, chosen, first, after)
