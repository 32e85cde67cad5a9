"""Counts remembered with the data version they were made at, for the ledger and `totalCount`.

A page searched by personal fields records how many rows matched (`ledger.entries.Criteria`), and
counting them costs time in proportion to the table: at 100,000 workers, most of the Hekou page.
A count is exact for every later statement that sees the same data version (`models.data_version`:
every committed write to the tables it reads moves the version) on the same day: a partner office's
row scope depends on the date as well as the data (`policies.windows`: a window closes when its
last day has passed, with no write), so a count is remembered with the registry's day too. The
page's statement reads the version instead of counting, and counts only when the version or the
day has moved since: then it runs again with the count, in one statement, one snapshot. A count
that reads a table the version does not follow is made on every request.

One `CountedPage` belongs to one cached plan (`planner.cache`): one office, document and shape of
variables (the page's size and cursor are bound per request: they change no count). Threads
share it; the remembered pair is replaced whole, never changed in place. The statement without the
count, and the ledger's statements, are written only when first needed: most plans of a search by
an identity number are used once, and a statement costs memory as long as its plan is cached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Select

from bindings.types import TYPES
from ledger.entries import SEARCH_NAMES_WORKERS
from models.data_version import tracked
from planner.compiled import Compiled
from planner.plan import ConnectionRoot
from planner.sql import Writer
from procedure import calendar as clock

T = TypeVar("T")


class Once(Generic[T]):
    """A statement written the first time it is asked for, then kept as long as its plan.

    Writing a statement re-points the office's row scope at the statement's tables (a walk over
    its clause tree): on the Hekou page, writing the ledger's statement of the matched workers on
    every request cost more CPU than running the page (BENCHMARKS.md, issue 23). Two threads may
    both write it the first time; either result is the same statement.
    """

    def __init__(self, write: Callable[[], T]) -> None:
        self.write: Callable[[], T] | None = write
        self.value: T | None = None

    def __call__(self) -> T:
        write = self.write
        if write is not None:
            self.value = write()
            self.write = None
        return self.value  # type: ignore[return-value]


@dataclass
class CountedPage:
    full: Compiled  # the count (if the page needs one) and the rows
    lean: Once[Compiled] | None  # the version and the rows, no count; None: never remembered
    count: Once[Select]  # the count alone, if the ledger asks and the page has none
    workers: Once[Select] | None  # the workers the rows are about, if the ledger asks (None: no worker)
    remembered: tuple[int, dt.date, int] | None = None  # (data version, day, count)

    @classmethod
    def of(cls, writer: Writer, root: ConnectionRoot) -> CountedPage:
        count = Once(lambda: writer.count(root))
        workers = None
        if TYPES[root.type_name].worker is not None:
            workers = Once(lambda: writer.matched_workers(root, SEARCH_NAMES_WORKERS + 1))
        if not root.needs_count or not tracked(writer.count(root)):
            return cls(Compiled(writer.connection(root)), None, count, workers)
        lean = Once(lambda: Compiled(writer.connection(root, counted=False, versioned=True)))
        return cls(Compiled(writer.connection(root, versioned=True)), lean, count, workers)

    def run(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, int]:
        """The page's row and the count of the rows its filters match (0 if it needs none), with
        the request's page size and cursor bound (`values`: `planner.compiled.BOUND`)."""
        remembered = self.remembered
        # The day is read before the statement runs: if midnight passes in between, the count is
        # remembered under the day before and made again on the next request, never served stale.
        day = clock.today()
        if self.lean is not None and remembered is not None and remembered[1] == day:
            row = self.lean().run(connection, values)
            if row is not None and row.version == remembered[0]:
                return row, remembered[2]
        row = self.full.run(connection, values)
        assert row is not None  # an aggregate without GROUP BY: always one row
        if self.lean is not None:
            self.remembered = (row.version, day, row.total)
        return row, row.total
