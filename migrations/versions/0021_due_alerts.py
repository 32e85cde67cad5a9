"""due alerts raised once: the key of each alert the scheduler inside `serve` raised

Revision ID: 0021
Revises: 0020

`due_alerts` holds one row per alert raised (its kind, the row it is about, the day it is due for)
and the outbox number of the event that told it. Its unique key makes "raised once" the database's
guarantee: two scans racing, on two hosts or after a restart, insert the key once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "due_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_alerts")),
        sa.UniqueConstraint("kind", "record_type", "record_id", "due_on", name=op.f("uq_due_alerts_kind")),
    )


def downgrade() -> None:
    op.drop_table("due_alerts")
