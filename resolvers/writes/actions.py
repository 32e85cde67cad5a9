"""The action items of a round of talks: added and followed up by either focal office and by
Foreign Affairs (the policy's duties addActionItem, updateActionItem), so that the next meeting
reviews what the last one decided. An update is a correction: who, when, which fields, why."""

from __future__ import annotations

from sqlalchemy import select

from models import ActionItem, ActionItemStatus, Office, TalksMinutes
from models.base import utcnow
from resolvers.errors import InputError, NotFoundError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find
from resolvers.writes.inputs import AddActionItemData, UpdateActionItemData


def _owner(w: WriteContext, checks: Checks, code: str) -> Office | None:
    office = w.session.scalar(select(Office).where(Office.code == code.strip()[:64]))
    if office is None:
        checks.fail("ownerOfficeCode", "no office with this code", "NOT_FOUND")
    return office


def add_action_item(w: WriteContext, data: AddActionItemData) -> ActionItem:
    checks = Checks()
    minutes = find(w.session, TalksMinutes, "minutesId", data.minutes_id, "TalksMinutes")
    text_vi = checks.text("textVi", data.text_vi, max_len=4000)
    text_zh = checks.text("textZh", data.text_zh, max_len=4000)
    owner = _owner(w, checks, data.owner_office_code)
    due = checks.date("dueOn", data.due_on, earliest=minutes.held_on)
    checks.done()
    if owner is None or due is None or text_vi is None or text_zh is None:  # each refused above
        raise InputError("minutesId", "could not be read", "INVALID")
    item = ActionItem(
        minutes_id=minutes.id,
        text_vi=text_vi,
        text_zh=text_zh,
        owner_office_id=owner.id,
        due_on=due,
        status=ActionItemStatus.OPEN,
    )
    w.session.add(item)
    w.session.flush()
    return item


def update_action_item(w: WriteContext, data: UpdateActionItemData) -> ActionItem:
    session = w.session
    checks = Checks()
    item = find(session, ActionItem, "actionItemId", data.action_item_id, "ActionItem")
    # Only through minutes the office sees: the items of another agreement do not exist for it.
    if session.scalar(select(TalksMinutes.id).where(TalksMinutes.id == item.minutes_id)) is None:
        raise NotFoundError("actionItemId", "ActionItem")
    changed: list[str] = []
    if data.status is not None:
        item.status = ActionItemStatus(data.status.value)
        changed.append("status")
    if data.follow_up is not None:
        item.follow_up = checks.text("followUp", data.follow_up, max_len=8000)
        changed.append("followUp")
    if data.due_on is not None:
        item.due_on = checks.date("dueOn", data.due_on) or item.due_on
        changed.append("dueOn")
    if not changed:
        checks.fail("actionItemId", "nothing to change", "REQUIRED")
    checks.done()
    item.updated_at = utcnow()
    w.correct(item, "updateActionItem", changed, data.reason)
    return item
