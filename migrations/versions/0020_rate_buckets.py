"""each token's request bucket in the database: one rate limit across processes and hosts

Revision ID: 0020
Revises: 0019

Each server process kept its own buckets, so N processes (or hosts) let a token make N times its
rate. The buckets now live in `rate_buckets`, one row per token, counted in one statement.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("token_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("remaining", sa.Float(), nullable=False),
        sa.Column("counted_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("token_id"),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
