"""a partner office's window: `partner_access_days` on each requirement version

Revision ID: 0013
Revises: 0012

A Chinese office sees a worker while one of the worker's placements in its jurisdiction is open
to it: until this many days after the later of the placement's end and the worker's return. Every
existing version gets the default, 90 days, so the registry's data says what the scope applies.
The index serves the scope's look-up of a cancellation's day, per placement.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreement_requirement_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("partner_access_days", sa.Integer(), nullable=False, server_default="90")
        )
    op.create_index("ix_corrections_record", "corrections", ["record_type", "record_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_corrections_record", table_name="corrections")
    with op.batch_alter_table("agreement_requirement_versions", schema=None) as batch_op:
        batch_op.drop_column("partner_access_days")
