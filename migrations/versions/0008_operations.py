"""operations

Revision ID: 0008
Revises: 0007

Reserved for the operations work (issue 11);
empty until that work lands, so the revision chain never has a gap.
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
