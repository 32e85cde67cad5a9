"""accountability: criteria, field lists, checkpoints

Revision ID: 0004
Revises: 0003

Reserved for the accountability work (issue 7);
empty until that work lands, so the revision chain never has a gap.
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
