"""Events as an office reads them: its kind, when, and the row it is about through the office's schema.

The row (`record`) is the very object `node(id:)` gives the office: the same type, the same fields
its schema publishes, the same global IDs and enums. Nothing else of the row is in an event, so an
event can never tell an office a field its schema does not have. The feed (`events.feed`) has
already dropped every event whose row the office cannot read.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

import models
from events.feed import kinds_for, read_feed, seq_of
from events.kinds import SHOWN_AS, event_kinds
from models import EventRecord
from resolvers.errors import InputError
from schema.context import Info
from schema.types.node import Node


@strawberry.enum(description="What happened.")
class EventKind(enum.Enum):
    PLACEMENT_PLANNED = "PLACEMENT_PLANNED"
    PLACEMENT_CONFIRMED = "PLACEMENT_CONFIRMED"
    PLACEMENT_ENDED = "PLACEMENT_ENDED"
    PLACEMENT_CANCELLED = "PLACEMENT_CANCELLED"
    CROSSING_RECORDED = "CROSSING_RECORDED"
    INCIDENT_REPORTED = "INCIDENT_REPORTED"
    INCIDENT_UPDATED = "INCIDENT_UPDATED"
    WORKER_STATUS_CHANGED = "WORKER_STATUS_CHANGED"
    REQUIREMENTS_CHANGED = "REQUIREMENTS_CHANGED"
    RECORD_VOIDED = "RECORD_VOIDED"
    RECORD_CORRECTED = "RECORD_CORRECTED"
    NO_RETURN_AFTER_END = "NO_RETURN_AFTER_END"
    CHECK_EXPIRES_BEFORE_START = "CHECK_EXPIRES_BEFORE_START"
    AGREEMENT_ENDING = "AGREEMENT_ENDING"
    ACTION_ITEM_DUE = "ACTION_ITEM_DUE"


if {k.value for k in EventKind} != set(event_kinds().names):  # the enum follows events/kinds.csv
    raise RuntimeError("EventKind differs from the kinds of events/kinds.csv")


@strawberry.type(description="Something that happened to a row your office may read.")
class Event:
    db: strawberry.Private[Any]  # the row the event is about, read through the office's scoped session
    wrap: strawberry.Private[Any]
    kind: EventKind
    occurred_at: dt.datetime = strawberry.field(description="When the change was committed.")

    @strawberry.field(description="The row the event is about, as your office reads it now.")
    def record(self) -> Node:
        return self.wrap(db=self.db)  # type: ignore[no-any-return]


@strawberry.type
class EventEdge:
    cursor: str
    node: Event


@strawberry.type
class EventPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="Events in the order they were committed.")
class EventConnection:
    edges: list[EventEdge]
    page_info: EventPageInfo
    count_rows: strawberry.Private[Any]
    # The feed is not a search: no personal criteria, so no worker is marked as matched by it.
    matched_workers: strawberry.Private[Any] = None


Kinds = Annotated[
    list[EventKind] | None, strawberry.argument(description="Only these kinds; all yours when none.")
]
After = Annotated[str | None, strawberry.argument(description="Resume after this event's cursor.")]


def events_after(
    info: Info, after: str | None, first: int, kinds: list[EventKind] | None, upto: int | None = None
) -> tuple[EventConnection, int]:
    """A page of the office's feed, and the last event number looked at (for the subscriptions)."""
    from schema.query import NODE_TYPES

    grant, session = info.context.grant, info.context.session
    chosen = kinds_for(grant, [k.value for k in kinds] if kinds is not None else None)
    page = read_feed(session, grant, seq_of(grant, after), first, chosen, upto)
    rows: dict[tuple[str, int], Any] = {}
    by_type: dict[str, set[int]] = {}
    for e in page.events:
        by_type.setdefault(e.record_type, set()).add(e.record_id)
    for type_name, ids in by_type.items():
        shown, via = SHOWN_AS.get(type_name, (type_name, None))
        model: Any = NODE_TYPES[shown][0]
        if via is None:
            rows.update(
                ((type_name, r.id), r) for r in session.scalars(select(model).where(model.id.in_(ids)))
            )
            continue
        gate: Any = getattr(models, type_name)
        pairs = session.execute(select(gate.id, getattr(gate, via)).where(gate.id.in_(ids))).all()
        owners = {p[1] for p in pairs}
        found = {r.id: r for r in session.scalars(select(model).where(model.id.in_(owners)))}
        rows.update(((type_name, g), found[o]) for g, o in pairs if o in found)
    edges = [
        EventEdge(cursor=cursor, node=_event(e, rows[(e.record_type, e.record_id)], NODE_TYPES))
        for e, cursor in zip(page.events, page.cursors, strict=True)
        if (e.record_type, e.record_id) in rows  # read twice in one transaction: kept only if still there
    ]
    end = edges[-1].cursor if edges else None
    info_ = EventPageInfo(has_next_page=page.has_next_page, end_cursor=end)
    return EventConnection(edges=edges, page_info=info_, count_rows=lambda: len(edges)), page.scanned_to


def _event(record: EventRecord, row: Any, node_types: dict[str, tuple[type, type]]) -> Event:
    return Event(
        db=row,
        wrap=node_types[SHOWN_AS.get(record.record_type, (record.record_type, None))[0]][1],
        kind=EventKind(record.kind),
        occurred_at=record.occurred_at,
    )


def events(
    info: Info,
    after: After = None,
    first: Annotated[int, strawberry.argument(description="Page size, 0 to 100.")] = 20,
    kinds: Kinds = None,
) -> EventConnection:
    return events_after(info, after, first, kinds)[0]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Replays your events after `after`, then streams each as it is committed. Over "
        "WebSocket (graphql-transport-ws) at /graphql; token and purpose in `connection_init`."
    )
    async def events(
        self, info: Info, kinds: Kinds = None, after: After = None
    ) -> AsyncGenerator[Event, None]:
        raise InputError(None, "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")
        yield  # pragma: no cover - an async generator, as strawberry requires of a subscription
