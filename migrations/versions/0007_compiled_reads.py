"""compiled reads: no schema change

Revision ID: 0007
Revises: 0006

The compiled read path needed no new table or index. Kept so that databases already at this
revision stay on the chain.
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
