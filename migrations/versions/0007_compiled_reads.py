"""compiled reads: counts kept per unit and status

Revision ID: 0007
Revises: 0006

Reserved for the compiled read path (issue 8);
empty until that work lands, so the revision chain never has a gap.
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
