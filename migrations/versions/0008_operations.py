"""operations: no schema change

Revision ID: 0008
Revises: 0007

The operations work (settings, errors, metrics) needed no schema change. Kept so that
databases already at this revision stay on the chain.
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
