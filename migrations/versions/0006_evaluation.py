"""evaluation: reports and imports

Revision ID: 0006
Revises: 0005

Reserved for the evaluation work (issue 10);
empty until that work lands, so the revision chain never has a gap.
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
