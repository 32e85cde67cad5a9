"""indexes for pages and aggregates at scale

Revision ID: 0003
Revises: 0002

- `ix_workers_status_name` (status, full_name, id): a page of workers filtered on one status and
  ordered by name reads the index in order and stops after the page; with the status index alone
  both databases read every worker of that status and sort them.
- `ix_workers_commune_status` (home_commune_id, status): counting an office's workers by status
  (a jurisdiction is a set of communes) reads the index only, never the table.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.create_index("ix_workers_status_name", ["status", "full_name", "id"], unique=False)
        batch_op.create_index("ix_workers_commune_status", ["home_commune_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_index("ix_workers_commune_status")
        batch_op.drop_index("ix_workers_status_name")
