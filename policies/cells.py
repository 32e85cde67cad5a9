"""The small-cell rule: one decision, shared by every figure, both read engines and every format.

An aggregate broken down by a field (a worker's home district, sex, age) tells whoever reads it
something about the few workers in a small group: an office that may not read that field, but can
list the workers of the group, would learn it. So a count under the threshold in such a breakdown
is shown to that office as the text "< 5" (the threshold is data: `policies/small_cells.toml`).
An office that may read the field gets the count as it is.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policies.grants import Grant
from procedure import calendar as clock

RULES = Path(__file__).with_name("small_cells.toml")

Cell = int | str
"""A count as shown: the number, or the text "< N" where it is withheld."""


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

    def shown(self, resource: str, count: int) -> Cell:
        if count < self.minimum and self.withholds(resource):
            return f"< {self.minimum}"
        return count
