"""the yearly evaluation: a confirmation's window on each requirement version, offices' signing keys,
signatures of the yearly report, and the talks minutes' action items

Revision ID: 0019
Revises: 0015

`confirm_days_before_start`: how many days before a placement's start the Chinese office may
confirm it (the worker has exited by then); every existing version gets the default, 1 day.
`office_signing_keys` holds each office's Ed25519 public key (enrolled by admin);
`report_signatures` a focal office's signature over the digest of an agreement's yearly figures;
`action_items` what a meeting decided, who does it and by when, followed to the next meeting.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreement_requirement_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confirm_days_before_start", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement_requirement_versions", schema=None) as batch_op:
        batch_op.drop_column("confirm_days_before_start")
