"""A counter that moves with every committed write to the tables row scopes and worker filters read.

The ledger records how many rows a personal search matched (`ledger.entries.Criteria.matched`).
Counting them again on every page costs time in proportion to the table; a count remembered from
an earlier request is exact only if nothing it depends on has changed since. Triggers (created by
the migration `0011_data_version`) add one to `data_version.version` in the same transaction as
any insert, update or delete of a row of `TRACKED_TABLES`, whichever code path writes it. A
statement that reads the version alongside its rows therefore tells, in its own snapshot, whether
those tables are exactly as they were when a count that read the same version was made
(`planner.memo`).

On PostgreSQL the trigger is deferred to the commit and runs once per transaction, so a writer
holds the counter's row lock only while it commits, after every other lock it takes: two writers
cannot deadlock on it. SQLite has one writer at a time.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, ScalarSelect, Table, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import visitors

from models.base import Base

# What the row scopes (`policies.scopes`, with a partner office's window, `policies.windows`) and
# the filters on workers read. A count that reads any other table (incidents, say) is never
# remembered: it is made on every request. The migrations that create the triggers (0011, 0022)
# hold their own copies of this list; a test compares them.
TRACKED_TABLES = frozenset(
    {
        "admin_units",
        "agreement_gates",
        "agreement_requirement_versions",
        "agreements",
        "border_gates",
        "corrections",
        "crossings",
        "employers",
        "health_checks",
        "placements",
        "police_clearances",
        "unit_closure",
        "workers",
    }
)


class DataVersion(Base):
    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1: one counter
    version: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))


def current_version() -> ScalarSelect[int]:
    """The counter as the statement that holds this sub-select sees it."""
    return select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery()


def tables_read(statement: visitors.ExternallyTraversible) -> frozenset[str]:
    """The names of every table a statement reads, through aliases and sub-selects."""
    return frozenset(element.name for element in visitors.iterate(statement) if isinstance(element, Table))


def tracked(statement: visitors.ExternallyTraversible) -> bool:
    """Whether every table the statement reads moves the counter when written."""
    return tables_read(statement) <= TRACKED_TABLES
