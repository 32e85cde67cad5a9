"""The due alerts' thresholds as data (`events/due.toml`): dated versions, read and checked once.

A threshold is a rule both sides may renegotiate (7 days to return, 60 days' notice of an
agreement's end), so it is data with validity dates like the policy and the retention periods,
never a constant in code. Every problem is refused naming the field (`AGREEMENT_ENDING[1].ahead_days`)
before any scan runs: a scan under rules that cannot be trusted must not tell anyone anything.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "due.toml"
MAX_DAYS = 3650
# The alerts, and the fields each version holds besides its dates.
FIELDS = {
    "NO_RETURN_AFTER_END": ("days_after_end", "ahead_days", "late_days"),
    "CHECK_EXPIRES_BEFORE_START": ("ahead_days", "late_days"),
    "AGREEMENT_ENDING": ("ahead_days", "late_days"),
    "ACTION_ITEM_DUE": ("ahead_days", "late_days"),
}


class DueRulesRefused(ValueError):
    """The rules file is not acceptable; the message names the field."""


@dataclass(frozen=True)
class Threshold:
    """One version of an alert's rule: raised on day T for a due day D when D - ahead <= T <= D + late."""

    kind: str
    ahead_days: int
    late_days: int
    valid_from: dt.date
    valid_to: dt.date | None
    days_after_end: int = 0

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def due_between(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The due days a scan on `day` raises alerts for (both included)."""
        return day - dt.timedelta(days=self.late_days), day + dt.timedelta(days=self.ahead_days)


def thresholds_on(day: dt.date, path: Path = RULES_FILE) -> dict[str, Threshold]:
    """kind -> the version in force on `day`; an alert with none in force is not raised that day."""
    return {t.kind: t for t in load_thresholds(path) if t.in_force(day)}


@cache
def load_thresholds(path: Path = RULES_FILE) -> tuple[Threshold, ...]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DueRulesRefused(f"{path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DueRulesRefused(f"{path}: not TOML: {exc}") from exc
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise DueRulesRefused(f"{path}: {unknown[0]}: not a due alert (alerts: {', '.join(FIELDS)})")
    found: list[Threshold] = []
    for kind, versions in raw.items():
        if not isinstance(versions, list):
            raise DueRulesRefused(f"{path}: {kind}: must be a list of versions ([[{kind}]])")
        mine = [_version(kind, f"{path}: {kind}[{n}]", v) for n, v in enumerate(versions, start=1)]
        for a in mine:
            for b in mine:
                if a is not b and a.in_force(b.valid_from):
                    raise DueRulesRefused(
                        f"{path}: {kind}: versions from {a.valid_from} and {b.valid_from} overlap"
                    )
        found.extend(mine)
    return tuple(found)


def _version(kind: str, where: str, raw: Any) -> Threshold:
    if not isinstance(raw, dict):
        raise DueRulesRefused(f"{where}: must be a table")
    fields = FIELDS[kind]
    unknown = sorted(set(raw) - {*fields, "valid_from", "valid_to"})
    if unknown:
        raise DueRulesRefused(
            f"{where}.{unknown[0]}: unknown field (fields: {', '.join(fields)}, valid_from, valid_to)"
        )
    days = {name: _days(f"{where}.{name}", raw.get(name)) for name in fields}
    valid_from, valid_to = raw.get("valid_from"), raw.get("valid_to")
    for name, value in (("valid_from", valid_from), ("valid_to", valid_to)):
        if (value is not None or name == "valid_from") and (
            isinstance(value, dt.datetime) or not isinstance(value, dt.date)
        ):
            raise DueRulesRefused(f"{where}.{name}: must be a day (e.g. 2025-03-01), not {value!r}")
    assert isinstance(valid_from, dt.date)  # refused above otherwise; for the type checker
    if valid_to is not None and valid_to < valid_from:
        raise DueRulesRefused(f"{where}.valid_to: {valid_to} is before valid_from {valid_from}")
    return Threshold(kind=kind, valid_from=valid_from, valid_to=valid_to, **days)


def _days(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise DueRulesRefused(f"{field}: must be a whole number of days from 0 to {MAX_DAYS}, not {value!r}")
    return value
