"""a correction's event keeps the fields it changed: it reaches only the offices that read one of them

Revision ID: 0025
Revises: 0024

`event_outbox.fields` holds, for a `RECORD_CORRECTED` event, the names of the fields the correction
changed (`fullName,phone`: never their values); it is null for every other kind. An office is told
of a correction only if its grant reads one of them (`events/kinds.csv`, `events.kinds`), so a
phone-only correction no longer reaches an office that cannot read the phone.

Events written before this migration keep no names, and none are filled in: the correction kept
beside each write names its fields, but in the write's own column names, and which correction an
event tells of could only be guessed from the row, the office and the moment. Such an event is told
as one that may have changed any field its write may change (the list in `events/kinds.csv`), so it
reaches only an office that may read every one of them. That tells no office of a change to a field
it cannot read, which is the rule; an office that reads some of them only misses a past event about
a row whose current fields it can still read, which tells it nothing it is not allowed to know.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, added in place: no rebuild of the outbox, whose numbers (`seq`) must not change.
    op.add_column("event_outbox", sa.Column("fields", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event_outbox") as batch:
        batch.drop_column("fields")
