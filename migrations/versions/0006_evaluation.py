"""evaluation: the day an incident was resolved (the yearly report's days-to-resolve) and the office
that registered a worker (an import uploaded again answers ALREADY_REGISTERED)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("resolved_on", sa.Date(), nullable=True))
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("registered_by_office_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_workers_registered_by_office_id_offices"), "offices", ["registered_by_office_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.drop_constraint(op.f("fk_workers_registered_by_office_id_offices"), type_="foreignkey")
        batch.drop_column("registered_by_office_id")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("resolved_on")
