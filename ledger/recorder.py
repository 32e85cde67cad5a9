"""The one place a request notes what it disclosed, searched by, looked up and wrote.

The service makes one `DisclosureRecorder` per transaction and hands it down through the contexts
of whatever runs in it: the GraphQL execution and the compiled planner (workers disclosed, the rows
a search matched), the writers (rows written, numbers looked up past the row scope), the file
routes' imports and reports. The ledger's entry is made from it (`disclosure`) when the
transaction ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ledger.entries import SEARCH_NAMES_WORKERS, SEARCHED_BY, Criteria, Disclosure, Lookup


class DisclosureRecorder:
    def __init__(self) -> None:
        self.workers: dict[int, set[str]] = {}
        self.written: list[tuple[str, str, int]] = []
        self.criteria: list[Criteria] = []
        self.lookups: list[Lookup] = []
        # response key of a root list -> how many rows its filters matched (counted only if ledgered)
        self.matched: dict[str, Callable[[], int]] = {}
        # response key of a root list -> the workers its filters matched (asked only for a few rows)
        self.matched_workers: dict[str, Callable[[], list[int]]] = {}
        self.abandoned = False

    def disclosed(self, worker: int, fields: Iterable[str]) -> None:
        """`fields` (`Type.field`s) of what is about `worker` were sent."""
        self.workers.setdefault(worker, set()).update(fields)

    def wrote(self, items: Iterable[tuple[str, str, int]]) -> None:
        """Rows written, as (duty, record type, id)."""
        self.written.extend(items)

    def looked_up(self, lookup: Lookup) -> None:
        self.lookups.append(lookup)

    def matching(
        self, key: str, count: Callable[[], int], workers: Callable[[], list[int]] | None = None
    ) -> None:
        """How to count the rows the root list at `key` matched, if its search is ledgered, and how
        to list the workers they are about (at most `SEARCH_NAMES_WORKERS` + 1)."""
        self.matched[key] = count
        if workers is not None:
            self.matched_workers[key] = workers

    def searched_workers(self, key: str, names: Iterable[str], matched: int) -> None:
        """A search at `key` by `names` matched `matched` rows: if few, each worker they are about
        has it in their record (the per-worker index, `Worker.disclosures`)."""
        workers = self.matched_workers.get(key)
        if workers is None or matched > SEARCH_NAMES_WORKERS:
            return
        marks = {SEARCHED_BY + name for name in names}
        for worker in workers():
            self.disclosed(worker, marks)

    def searched(self, criteria: Iterable[Criteria]) -> None:
        self.criteria.extend(criteria)

    def abandon(self) -> None:
        """The transaction is rolled back: nothing it wrote stays, so nothing written is ledgered."""
        self.abandoned = True
        self.written.clear()

    def disclosure(self) -> Disclosure:
        return Disclosure(self.workers, self.written, self.criteria, self.lookups)

    def __bool__(self) -> bool:
        return bool(self.disclosure())
