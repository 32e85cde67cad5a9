"""The action items a yearly report reviews: those the previous year's talks decided, with where
each stands, and whether it is overdue (due before today, neither done nor dropped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ActionItem, ActionItemStatus, Office, TalksMinutes

PENDING = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ItemLine:
    held_on: dt.date
    text_vi: str
    text_zh: str
    owner_office: str
    due_on: dt.date
    status: str
    follow_up: str | None
    overdue: bool


def last_years_items(session: Session, agreement_id: int, year: int, today: dt.date) -> tuple[ItemLine, ...]:
    """The items of the agreement's talks held in the year before `year`, by talks then due date."""
    rows = session.execute(
        select(ActionItem, TalksMinutes.held_on, Office.code)
        .join(TalksMinutes, TalksMinutes.id == ActionItem.minutes_id)
        .join(Office, Office.id == ActionItem.owner_office_id)
        .where(
            TalksMinutes.agreement_id == agreement_id,
            TalksMinutes.held_on.between(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
        )
        .order_by(TalksMinutes.held_on, ActionItem.due_on, ActionItem.id)
    )
    return tuple(
        ItemLine(
            held_on=held_on,
            text_vi=item.text_vi,
            text_zh=item.text_zh,
            owner_office=code,
            due_on=item.due_on,
            status=item.status.value,
            follow_up=item.follow_up,
            overdue=item.status in PENDING and item.due_on < today,
        )
        for item, held_on, code in rows
    )
