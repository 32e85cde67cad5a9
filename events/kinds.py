"""The kinds of event, as data (`kinds.csv`): which write tells which kind, about which row, and
which fields a correction may have changed."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from policies.grants import Grant

KINDS_FILE = Path(__file__).with_name("kinds.csv")
STATUS_CHANGED = "WORKER_STATUS_CHANGED"
# A row that is no node of its own is shown as the node it belongs to: (type shown, its key column).
# An office is told of such a row only if its read finds both the row and the node it is shown as.
SHOWN_AS = {"StatusChange": ("Worker", "worker_id"), "ActionItem": ("TalksMinutes", "minutes_id")}


@dataclass(frozen=True)
class EventKinds:
    by_write: dict[tuple[str, str], str]  # (duty, record type) -> kind
    record_types: dict[str, frozenset[str]]  # kind -> the types of row it may be about
    needs: dict[str, dict[str, str]]  # kind -> record type -> what the office must be granted
    # kind -> record type -> the fields its write may change (a correction); none for other kinds
    fields: dict[str, dict[str, frozenset[str]]]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.record_types)

    def of_write(self, duty: str, record_type: str) -> str | None:
        return self.by_write.get((duty, record_type))

    def changes_fields(self, kind: str, record_type: str) -> bool:
        """Whether an event of `kind` about a `record_type` keeps the names of the fields changed."""
        return bool(self.fields[kind].get(record_type))

    def readable_types(self, grant: Grant, kind: str) -> frozenset[str]:
        """The types of row of `kind` the office may ever read (of a correction: with one of the
        fields its write may change)."""
        return frozenset(
            t
            for t, need in self.needs[kind].items()
            if _granted(grant, need)
            and (not self.fields[kind][t] or _reads_one(grant, t, self.fields[kind][t]))
        )

    def tells(self, grant: Grant, kind: str, record_type: str, changed: str | None) -> bool:
        """Whether the office may read what an event changed, its row apart (the scoped read finds it).

        An event of a kind that lists no fields tells of its row: yes. A correction's, if the office may
        read one of the fields `changed` (the names the event keeps, comma-separated). One kept without
        them (before migration 0025) may have changed any listed field: only an office that may read
        every one is told of it."""
        listed = self.fields[kind].get(record_type, frozenset())
        if not listed:
            return True
        if changed is None:
            return all(grant.can_read(f"{record_type}.{name}") for name in listed)
        return _reads_one(grant, record_type, changed.split(","))

    def visible_to(self, grant: Grant) -> frozenset[str]:
        """The kinds the office may ever receive."""
        return frozenset(k for k in self.record_types if self.readable_types(grant, k))

    def refused(self, grant: Grant, asked: Iterable[str]) -> list[str]:
        """The asked kinds the office may never receive."""
        visible = self.visible_to(grant)
        return [k for k in asked if k not in visible]


def _granted(grant: Grant, need: str) -> bool:
    return grant.can_read(need) if "." in need else grant.sees_type(need)


def _reads_one(grant: Grant, record_type: str, fields: Iterable[str]) -> bool:
    return any(grant.can_read(f"{record_type}.{name}") for name in fields if name)


@cache
def event_kinds() -> EventKinds:
    lines = [line for line in KINDS_FILE.read_text("utf-8").splitlines() if not line.startswith("#")]
    by_write: dict[tuple[str, str], str] = {}
    types: dict[str, set[str]] = {}
    needs: dict[str, dict[str, str]] = {}
    fields: dict[str, dict[str, frozenset[str]]] = {}
    for row in csv.DictReader(lines):
        types.setdefault(row["kind"], set()).add(row["record_type"])
        needs.setdefault(row["kind"], {})[row["record_type"]] = row["needs"]
        fields.setdefault(row["kind"], {})[row["record_type"]] = frozenset(row["fields"].split())
        if row["duty"]:
            by_write[(row["duty"], row["record_type"])] = row["kind"]
    return EventKinds(by_write, {k: frozenset(v) for k, v in types.items()}, needs, fields)
