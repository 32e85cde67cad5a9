"""the agreed procedure: requirements, status history, corrections, overrides

Revision ID: 0005
Revises: 0004

Reserved for the procedure work (issue 9);
empty until that work lands, so the revision chain never has a gap.
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
