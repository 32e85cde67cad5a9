"""The small-cell rule: one decision, shared by every figure, both read engines and every format.

An aggregate broken down by a field (a worker's home district, sex, age) tells whoever reads it
something about the few workers in a small group: an office that may not read that field, but can
list the workers of the group, would learn it. So a count under the threshold in such a breakdown
is shown to that office as the text "< 5" (the threshold is data: `policies/small_cells.toml`).
An office that may read the field gets the count as it is.

A whole breakdown whose total the reader knows (the statistics root: an office counts the workers it
lists) goes through `SmallCells.breakdown`, which also withholds enough other cells, shown as "≥ 5",
that no withheld cell can be worked out from the total (complementary suppression). The yearly
agreement report (`reports/withholding.py`) applies `shown` cell by cell, as before: its figures are
signed by both focal offices (`reports/signing.py`), and changing what is signed is for them to decide.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policies.grants import Grant
from procedure import calendar as clock

RULES = Path(__file__).with_name("small_cells.toml")

Cell = int | str
"""A count as shown: the number, or the text "< N" (a count under the threshold) or "≥ N" (a count
at or over it, withheld so that a "< N" beside it cannot be worked out) where it is withheld."""


@dataclass(frozen=True)
class Threshold:
    minimum: int
    valid_from: dt.date
    valid_to: dt.date | None

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@cache
def thresholds(path: Path = RULES) -> tuple[Threshold, ...]:
    raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    found = []
    for entry in raw.get("threshold", []):
        minimum = entry["minimum"]
        if not isinstance(minimum, int) or minimum < 2:
            raise ValueError(f"{path.name}: minimum must be a whole number of at least 2")
        found.append(Threshold(minimum, entry["valid_from"], entry.get("valid_to")))
    return tuple(found)


def minimum_on(day: dt.date | None = None) -> int:
    """The threshold in force on `day` (by default the registry's today, Vietnam's date, as the
    versions are dated; not the server's local date)."""
    day = day or clock.today()
    for threshold in thresholds():
        if threshold.in_force(day):
            return threshold.minimum
    raise LookupError(f"{RULES.name}: no threshold in force on {day.isoformat()}")


class SmallCells:
    """The rule for one reader: `shown(resource, n)` is what it sees of a count broken down by `resource`."""

    def __init__(self, grant: Grant | None, day: dt.date | None = None) -> None:
        self.grant = grant
        self.minimum = minimum_on(day)

    def withholds(self, resource: str) -> bool:
        """A reader that may not read the field the figure is broken down by (or no reader at all)."""
        return self.grant is None or not self.grant.can_read(resource)

    @property
    def under(self) -> str:
        """The text of a count under the threshold (zero too), withheld for its own sake."""
        return f"< {self.minimum}"

    @property
    def over(self) -> str:
        """The text of a count at or over the threshold withheld beside small ones (true of it)."""
        return f"≥ {self.minimum}"

    def shown(self, resource: str, count: int) -> Cell:
        if count < self.minimum and self.withholds(resource):
            return self.under
        return count

    def breakdown(
        self, resource: str, counts: Mapping[str, int], domain: Iterable[str]
    ) -> list[tuple[str, Cell]]:
        """A whole breakdown by `resource` as this reader sees it: `counts` per key (a key absent has
        none), `domain` every key the breakdown can have for this reader.

        A reader that may read the field gets the counts as they are, in the order given (a key
        with no count may stay absent). A reader that `withholds(resource)` gets:

        - every key of the domain, so that a key left out cannot say its count is 0;
        - each count under the threshold N, zero included, as "< N" (the primary cells): a zero
          shown beside "< N" would point at the group;
        - complementary suppression. The reader knows the breakdown's total (it counts the rows it
          lists; `workerCount` says it too), so it knows S, the sum of the withheld cells: the total
          less the cells shown. It also knows this rule: each primary cell lies in [0, N-1]; each
          cell withheld beside them (secondary) is at least N and, being the smallest cell shown
          when it was withheld (the first in key order among equals), at most every count still
          shown (below it, if that one's key comes first). A primary cell then lies in
          [max(0, S - the others' highest sum), min(N-1, S - the others' lowest sum)]; while that
          range is a single value for some primary cell, the smallest cell still shown is withheld
          too, as "≥ N" (true of it: it is not under the threshold), until none is pinned or none is
          left to withhold.

        The withholding reader's keys are in key order (Python's, the same on every database).
        """
        if not self.withholds(resource):
            return [(key, count) for key, count in counts.items()]
        n = self.minimum
        keys = sorted(set(domain) | set(counts))
        value = {key: counts.get(key, 0) for key in keys}
        primary = [key for key in keys if value[key] < n]
        secondary: list[str] = []
        shown = [key for key in keys if value[key] >= n]

        def highest(key: str) -> int | None:
            """A secondary cell's largest possible value, as the reader bounds it (None: none)."""
            return min((value[c] if key < c else value[c] - 1 for c in shown), default=None)

        def pinned() -> bool:
            s = sum(value[key] for key in primary + secondary)
            bounds = {key: (0, n - 1) for key in primary} | {key: (n, highest(key)) for key in secondary}
            for key in primary:
                others = [bound for other, bound in bounds.items() if other != key]
                low = sum(lo for lo, _ in others)
                highs = [hi for _, hi in others]
                high = None if None in highs else sum(h for h in highs if h is not None)
                if (0 if high is None else max(0, s - high)) == min(n - 1, s - low):
                    return True
            return False

        while shown and pinned():
            smallest = min(shown, key=lambda key: (value[key], key))
            shown.remove(smallest)
            secondary.append(smallest)
        text = {key: self.under for key in primary} | {key: self.over for key in secondary}
        return [(key, text.get(key, value[key])) for key in keys]
