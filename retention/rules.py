"""The retention rules file: periods per kind of record, dated, and what holds a worker's data.

Every problem is refused with a message naming the field (`workers[1].days`), before anything is
read from the database: a rule that cannot be trusted must not erase anything.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The kinds of record whose personal values have a period, in the order they are reported.
KINDS = ("workers", "placements", "health_checks", "police_clearances", "incidents")
HOLDS = ("open_incidents", "recorded_holds")
MAX_DAYS = 36500  # a hundred years: more is a typing error, not a retention period


class RulesRefused(ValueError):
    """The rules file (or a day given with it) is not acceptable; the message names the field."""


@dataclass(frozen=True)
class Period:
    kind: str
    days: int
    valid_from: dt.date
    valid_to: dt.date | None  # the last day in force; none while current

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class RetentionRules:
    periods: tuple[Period, ...]
    open_incidents_hold: bool
    recorded_holds_hold: bool

    def days_on(self, day: dt.date) -> dict[str, int]:
        """kind -> the days kept under the version in force on `day`; kinds with none are kept."""
        return {p.kind: p.days for p in self.periods if p.in_force(day)}


def load_rules(path: Path) -> RetentionRules:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesRefused(f"{path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesRefused(f"{path}: not TOML: {exc}") from exc
    try:
        return parse_rules(raw)
    except RulesRefused as exc:
        raise RulesRefused(f"{path}: {exc}") from exc


def parse_rules(raw: dict[str, Any]) -> RetentionRules:
    unknown = sorted(set(raw) - {*KINDS, "holds"})
    if unknown:
        raise RulesRefused(f"{unknown[0]}: not a kind of record (kinds: {', '.join(KINDS)})")
    holds = raw.get("holds", {})
    if not isinstance(holds, dict):
        raise RulesRefused("holds: must be a table")
    for name in sorted(set(holds) - set(HOLDS)):
        raise RulesRefused(f"holds.{name}: not a hold (holds: {', '.join(HOLDS)})")
    for name in HOLDS:
        if not isinstance(holds.get(name, True), bool):
            raise RulesRefused(f"holds.{name}: must be true or false")
    periods: list[Period] = []
    for kind in KINDS:
        versions = raw.get(kind, [])
        if not isinstance(versions, list):
            raise RulesRefused(f"{kind}: must be a list of periods ([[{kind}]])")
        mine = [_period(kind, f"{kind}[{n}]", version) for n, version in enumerate(versions, start=1)]
        _refuse_overlaps(kind, mine)
        periods.extend(mine)
    return RetentionRules(
        tuple(periods), bool(holds.get("open_incidents", True)), bool(holds.get("recorded_holds", True))
    )


def _period(kind: str, where: str, raw: Any) -> Period:
    if not isinstance(raw, dict):
        raise RulesRefused(f"{where}: must be a table with days and valid_from")
    unknown = sorted(set(raw) - {"days", "valid_from", "valid_to"})
    if unknown:
        raise RulesRefused(f"{where}.{unknown[0]}: unknown field (fields: days, valid_from, valid_to)")
    days = check_days(f"{where}.days", raw.get("days"))
    valid_from = _day(f"{where}.valid_from", raw.get("valid_from"), required=True)
    valid_to = _day(f"{where}.valid_to", raw.get("valid_to"), required=False)
    if valid_from is None:  # _day refused it already; this is for the type checker
        raise RulesRefused(f"{where}.valid_from: is required")
    if valid_to is not None and valid_to < valid_from:
        raise RulesRefused(f"{where}.valid_to: {valid_to} is before valid_from {valid_from}")
    return Period(kind, days, valid_from, valid_to)


def check_days(field: str, value: Any) -> int:
    """A number of days: a whole number from 1 to MAX_DAYS, or `RulesRefused` naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulesRefused(f"{field}: must be a whole number of days, not {value!r}")
    if value < 1:
        raise RulesRefused(f"{field}: {value} days is not a period (at least 1)")
    if value > MAX_DAYS:
        raise RulesRefused(f"{field}: {value} days is more than {MAX_DAYS} (a hundred years)")
    return value


def _day(field: str, value: Any, *, required: bool) -> dt.date | None:
    if value is None:
        if required:
            raise RulesRefused(f"{field}: is required")
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise RulesRefused(f"{field}: must be a day (e.g. 2025-03-01), not {value!r}")
    return value


def _refuse_overlaps(kind: str, periods: list[Period]) -> None:
    ordered = sorted(enumerate(periods, start=1), key=lambda item: item[1].valid_from)
    for (_, before), (n, after) in zip(ordered, ordered[1:], strict=False):
        if before.valid_to is None or after.valid_from <= before.valid_to:
            raise RulesRefused(
                f"{kind}[{n}].valid_from: {after.valid_from} overlaps the version from {before.valid_from}"
            )
