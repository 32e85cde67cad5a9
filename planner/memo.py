"""Counts remembered with the data version they were made at, for the ledger and `totalCount`.

A page searched by personal fields records how many rows matched (`ledger.entries.Criteria`), and
counting them costs time in proportion to the table: at 100,000 workers, most of the Hekou page.
A count is exact for every later statement that sees the same data version (`models.data_version`:
every committed write to the tables it reads moves the version), so the page's statement reads the
version instead of counting, and counts only when the version has moved since: then it runs again
with the count, in one statement, one snapshot. A count that reads a table the version does not
follow is made on every request, as before.

One `CountedPage` belongs to one cached plan (`planner.cache`): one office, document and set of
variables. Threads share it; the remembered pair is replaced whole, never changed in place. The
statement without the count is written only when the plan is asked for a second time: most plans
of a search by an identity number are used once, and a statement costs memory as long as its plan
is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select

from models.data_version import tracked
from planner.plan import ConnectionRoot
from planner.sql import Writer


@dataclass
class CountedPage:
    full: Select  # the count (if the page needs one) and the rows
    write_lean: Callable[[], Select] | None  # the version and the rows, no count; None: never remembered
    remembered: tuple[int, int] | None = None  # (data version, count)
    lean: Select | None = None

    @classmethod
    def of(cls, writer: Writer, root: ConnectionRoot) -> CountedPage:
        if not root.needs_count or not tracked(writer.count(root)):
            return cls(writer.connection(root), None)
        return cls(
            writer.connection(root, versioned=True),
            lambda: writer.connection(root, counted=False, versioned=True),
        )

    def run(self, connection: Connection) -> tuple[Any, int]:
        """The page's row and the count of the rows its filters match (0 if it needs none)."""
        remembered = self.remembered
        if self.write_lean is not None and remembered is not None:
            if self.lean is None:
                self.lean = self.write_lean()
            row = connection.execute(self.lean).one()
            if row.version == remembered[0]:
                return row, remembered[1]
        row = connection.execute(self.full).one()
        if self.write_lean is not None:
            self.remembered = (row.version, row.total)
        return row, row.total
