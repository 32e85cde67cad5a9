"""An office's feed: the events about rows it may read, in commit order, from any cursor.

Access is not decided here. Whether the office may read an event's row is asked of its scoped
session (`policies.sessions`): the very row scopes and partner windows every read of the office
runs under, so an event reaches an office exactly when the office's own read finds its row. A
correction reaches it only if its grant also reads one of the fields changed (`events.kinds`). An
event about a row it cannot read, or a correction of fields it cannot read, is skipped whole: not
its kind, not its time, not its number.
What the office is told about the row is then read through its own schema (`schema.types.events`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from events.kinds import SHOWN_AS, event_kinds
from locales import N_
from models import EventRecord
from models.opaque import InvalidIdError, decode_cursor, encode_cursor
from policies.grants import Grant
from resolvers.errors import InputError
from resolvers.pages import check_first

SCAN = 500  # events read per statement while looking for the page's readable ones
AUDIENCE = "event_outbox"


class KindRefused(InputError):
    """A kind the office may never receive: refused before anything is read."""

    def __init__(self, kinds: Sequence[str]) -> None:
        super().__init__(
            "kinds",
            N_("your office may not receive events of kind {kinds}"),
            "KIND_REFUSED",
            kinds=", ".join(kinds),
        )


@dataclass(frozen=True)
class FeedPage:
    events: list[EventRecord]
    cursors: list[str]
    has_next_page: bool
    scanned_to: int  # the last seq looked at (readable or not): never shown to the office


def kinds_for(grant: Grant, asked: Iterable[str] | None) -> frozenset[str]:
    """The kinds to read for the office: those asked (all it may receive when none are), or the
    refusal of those it may never receive."""
    kinds = event_kinds()
    if asked is None:
        return kinds.visible_to(grant)
    asked = list(dict.fromkeys(asked))
    refused = kinds.refused(grant, asked)
    if refused:
        raise KindRefused(refused)
    return frozenset(asked)


def cursor_for(grant: Grant, seq: int) -> str:
    return encode_cursor([seq], f"{grant.office.code}/{AUDIENCE}")


def seq_of(grant: Grant, cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        (seq,) = decode_cursor(cursor, f"{grant.office.code}/{AUDIENCE}")
        return int(seq)
    except (InvalidIdError, ValueError, TypeError) as exc:
        raise InputError("after", "not a valid cursor", "INVALID_CURSOR") from exc


def readable(session: Session, events: Sequence[EventRecord]) -> set[tuple[str, int]]:
    """The (type, id) rows of `events` the session's office finds: one scoped read per type (a row
    shown as another node, joined to it: both must be found)."""
    by_type: dict[str, set[int]] = {}
    for e in events:
        by_type.setdefault(e.record_type, set()).add(e.record_id)
    found: set[tuple[str, int]] = set()
    for type_name, ids in by_type.items():
        model = getattr(models, type_name)
        stmt = select(model.id).where(model.id.in_(ids))
        if type_name in SHOWN_AS:
            shown, via = SHOWN_AS[type_name]
            node = getattr(models, shown)
            stmt = stmt.join(node, node.id == getattr(model, via))
        found.update((type_name, i) for i in session.scalars(stmt))
    return found


def read_feed(
    session: Session, grant: Grant, after: int, first: int, kinds: frozenset[str], upto: int | None = None
) -> FeedPage:
    """Up to `first` events after `after` (up to `upto`) whose rows the session's office reads."""
    check_first(first)
    known = event_kinds()
    seen_types = [t for k in kinds for t in known.readable_types(grant, k)]
    chosen: list[EventRecord] = []
    scanned = after
    while len(chosen) <= first and seen_types:
        stmt = (
            select(EventRecord)
            .where(EventRecord.seq > scanned, EventRecord.kind.in_(sorted(kinds)))
            .where(EventRecord.record_type.in_(sorted(set(seen_types))))
            .order_by(EventRecord.seq)
            .limit(SCAN)
        )
        if upto is not None:
            stmt = stmt.where(EventRecord.seq <= upto)
        batch = list(session.scalars(stmt))
        # A correction of fields the office may not read is skipped like a row it cannot read.
        told = [e for e in batch if known.tells(grant, e.kind, e.record_type, e.fields)]
        found = readable(session, told)
        shown = {e.seq for e in told if (e.record_type, e.record_id) in found}
        for e in batch:
            scanned = e.seq
            if e.seq in shown:
                chosen.append(e)
                if len(chosen) > first:
                    break
        if len(batch) < SCAN:
            break
    page = chosen[:first]
    if len(chosen) <= first and upto is not None:
        scanned = max(scanned, upto)
    elif len(chosen) > first:
        scanned = page[-1].seq if page else after
    return FeedPage(page, [cursor_for(grant, e.seq) for e in page], len(chosen) > first, scanned)
