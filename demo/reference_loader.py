"""Writing the reference data (`demo.reference`) into a database, idempotently, and counting what
changed: `borderlabour reference load` tells the administrator what it added and updated, and a
second run must find nothing to do, so that it can run after every upgrade of the data.

Only what differs is set (`apply_values`), so a run over a database that already holds the data
leaves every row, and the ORM's dirty set, unchanged. The caller owns the transaction: this
flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.reference import AGREEMENTS, GATES, OFFICES, UNITS, UnitSpec
from models import (
    AdminUnit,
    Agreement,
    AgreementRequirements,
    BorderGate,
    Office,
    UnitClosure,
    rebuild_unit_closure,
)
from procedure.rows import first_version

T = TypeVar("T")

# The kinds of rows a load writes, in the order it writes them (and reports them).
UNIT, OFFICE, GATE, AGREEMENT, REQUIREMENTS = "units", "offices", "gates", "agreements", "requirements"
KINDS = (UNIT, OFFICE, GATE, AGREEMENT, REQUIREMENTS)


@dataclass
class Tally:
    """The codes added and updated, per kind: a row both added and linked in one run counts once."""

    added: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    updated: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in KINDS})

    def note(self, kind: str, code: str, changed: bool) -> None:
        if changed and code not in self.added[kind]:
            self.updated[kind].add(code)

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())


def by_key(session: Session, model: type[T], key: str) -> dict[str, T]:
    return {getattr(row, key): row for row in session.scalars(select(model))}


def apply_values(obj: object, values: dict[str, object]) -> bool:
    """Set only what differs; whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def upsert(
    session: Session,
    existing: dict[str, T],
    model: type[T],
    key: str,
    value: str,
    values: dict[str, object],
    tally: tuple[Tally, str] | None = None,
) -> T:
    """The row whose `key` is `value`, inserted with `values` or brought to them (and counted)."""
    obj = existing.get(value)
    if obj is None:
        obj = model(**{key: value}, **values)
        session.add(obj)
        existing[value] = obj
        if tally is not None:
            tally[0].added[tally[1]].add(value)
    else:
        changed = apply_values(obj, values)
        if tally is not None:
            tally[0].note(tally[1], value, changed)
    return obj


def _ordered(units: Iterable[UnitSpec]) -> Sequence[UnitSpec]:
    """Parents before children, whatever order the data is written in."""
    done: set[str | None] = {None}
    pending, out = list(units), []
    while pending:
        ready = [u for u in pending if u.parent in done]
        if not ready:
            raise ValueError(f"units with unknown parents: {[u.code for u in pending]}")
        out.extend(ready)
        done.update(u.code for u in ready)
        pending = [u for u in pending if u.code not in done]
    return out


def _units(session: Session, tally: Tally) -> dict[str, AdminUnit]:
    units = by_key(session, AdminUnit, "code")
    for spec in _ordered(UNITS):
        values: dict[str, object] = {
            "country": spec.country,
            "level": spec.level,
            "name_vi": spec.name_vi,
            "name_zh": spec.name_zh,
            "parent": units[spec.parent] if spec.parent else None,
            "valid_from": spec.valid_from,
            "valid_to": spec.valid_to,
        }
        upsert(session, units, AdminUnit, "code", spec.code, values, (tally, UNIT))
    for spec in UNITS:
        successor = units[spec.successor] if spec.successor else None
        tally.note(UNIT, spec.code, apply_values(units[spec.code], {"successor": successor}))
    return units


def _offices(session: Session, units: dict[str, AdminUnit], tally: Tally) -> None:
    offices = by_key(session, Office, "code")
    for o in OFFICES:
        values: dict[str, object] = {
            "name": o.name,
            "side": o.side,
            "unit": units[o.unit] if o.unit else None,
            "valid_from": o.valid_from,
            "valid_to": o.valid_to,
        }
        upsert(session, offices, Office, "code", o.code, values, (tally, OFFICE))
    for o in OFFICES:
        successor = offices[o.successor] if o.successor else None
        tally.note(OFFICE, o.code, apply_values(offices[o.code], {"successor": successor}))


def _agreements(session: Session, units: dict[str, AdminUnit], tally: Tally) -> dict[str, Agreement]:
    gates = by_key(session, BorderGate, "code")
    for g in GATES:
        values: dict[str, object] = {
            "name_vi": g.name_vi,
            "name_zh": g.name_zh,
            "vn_unit": units[g.vn_unit],
            "cn_unit": units[g.cn_unit],
        }
        upsert(session, gates, BorderGate, "code", g.code, values, (tally, GATE))
    agreements = by_key(session, Agreement, "code")
    for a in AGREEMENTS:
        # The yearly quota is not reference data (the sources name none): inserted empty, never
        # touched here, so a quota the agreement's keeper (or the demo) set stays.
        agreement = upsert(
            session,
            agreements,
            Agreement,
            "code",
            a.code,
            {
                "title": a.title,
                "vn_unit": units[a.vn_unit],
                "cn_unit": units[a.cn_unit],
                "signed_on": a.signed_on,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
                "status": a.status,
            },
            (tally, AGREEMENT),
        )
        session.flush()
        if not session.scalar(
            select(AgreementRequirements.id).where(AgreementRequirements.agreement_id == agreement.id)
        ):
            session.add(first_version(agreement))  # the data file's defaults; later versions are the API's
            tally.added[REQUIREMENTS].add(a.code)
        if {g.code for g in agreement.gates} != set(a.gates):
            agreement.gates = [gates[code] for code in a.gates]
            tally.note(AGREEMENT, a.code, True)
    return agreements


def load_reference(session: Session) -> Tally:
    """Insert or update the units, offices, gates, agreements and their first requirement sets,
    then rebuild the unit closure if the units changed (or it was never built); say what changed.

    Flushes but does not commit: the caller owns the transaction.
    """
    tally = Tally()
    units = _units(session, tally)
    _offices(session, units, tally)
    _agreements(session, units, tally)
    session.flush()
    if tally.added[UNIT] or tally.updated[UNIT] or session.scalar(select(UnitClosure.ancestor_id)) is None:
        rebuild_unit_closure(session)
        session.flush()
    return tally
