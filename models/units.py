"""Administrative units on both sides of the border, kept as data with validity dates.

Provinces merge and districts are abolished (Vietnam, 2025): a merger is a new row and a
changed parent, never a code change. `UnitClosure` holds every ancestor/descendant pair so
that a jurisdiction check is one indexed sub-select on either database.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Integer, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, db_enum


class Country(enum.StrEnum):
    VN = "VN"
    CN = "CN"


class UnitLevel(enum.StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    PREFECTURE = "prefecture"
    CITY = "city"
    COUNTY = "county"


class AdminUnit(Base):
    __tablename__ = "admin_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    country: Mapped[Country] = mapped_column(db_enum(Country, 2))
    level: Mapped[UnitLevel] = mapped_column(db_enum(UnitLevel, 16))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, default=dt.date(1900, 1, 1))
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    # The unit that took this one over (a merger); its jurisdiction includes this unit's.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))

    parent: Mapped[AdminUnit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[AdminUnit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @property
    def display_name(self) -> str:
        return f"{self.name_vi} / {self.name_zh}" if self.name_zh else self.name_vi


class UnitClosure(Base):
    """Every (ancestor, descendant) pair, each unit also its own ancestor."""

    __tablename__ = "unit_closure"

    ancestor_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), primary_key=True)
    descendant_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), primary_key=True, index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)


def rebuild_unit_closure(session: Session) -> None:
    """Recompute the closure from the parent and successor links; run after any change to units.

    A unit's successor counts as an ancestor: after a merger the successor's jurisdiction holds
    everything registered under the units it took over, and nothing is renumbered.
    """
    links: dict[int, list[int]] = {}
    for unit_id, parent_id, successor_id in session.execute(
        select(AdminUnit.id, AdminUnit.parent_id, AdminUnit.successor_id)
    ):
        links[unit_id] = [u for u in (parent_id, successor_id) if u is not None]
    session.query(UnitClosure).delete()
    rows = []
    for unit_id in links:
        depth, frontier = 0, [unit_id]
        seen: set[int] = set()
        while frontier:
            next_frontier: list[int] = []
            for node in frontier:
                if node in seen:
                    continue
                seen.add(node)
                rows.append({"ancestor_id": node, "descendant_id": unit_id, "depth": depth})
                next_frontier.extend(links.get(node, ()))
            frontier, depth = next_frontier, depth + 1
    if rows:
        session.execute(insert(UnitClosure), rows)
