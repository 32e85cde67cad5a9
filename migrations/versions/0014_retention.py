"""retention: the day a worker was de-identified, and the holds that keep a worker's data

Revision ID: 0014
Revises: 0012

`workers.deidentified_on` is set by `borderlabour retention apply` in the same transaction that
erases the worker's personal values; the row scopes leave such workers out of every office's
lists. `retention_holds` keeps what `holdRecord` recorded: a worker under a hold is never
de-identified while the hold is in force.

The column is added, never the table rebuilt: on SQLite a rebuild of `workers` would drop the
triggers of migrations 0010 and 0011.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workers", sa.Column("deidentified_on", sa.Date(), nullable=True))
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_until", sa.Date(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_retention_holds_worker_id_workers")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_retention_holds_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_holds")),
    )
    op.create_index(op.f("ix_retention_holds_worker_id"), "retention_holds", ["worker_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_retention_holds_worker_id"), table_name="retention_holds")
    op.drop_table("retention_holds")
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_column("deidentified_on")
