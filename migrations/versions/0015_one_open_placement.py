"""one open placement per worker as a partial unique index: the rule holds when requests race

Revision ID: 0015
Revises: 0014

`createPlacement` counted a worker's planned and active placements, then inserted: ten requests
for one worker at the same moment all counted none, and several were accepted. The database now
refuses a second open placement whatever the timing (the write answers ALREADY_PLACED).
A database that already holds such a pair fails here: `borderlabour procedure check` names it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OPEN = "status IN ('planned', 'active')"


def upgrade() -> None:
    op.create_index(
        "uq_placements_open_worker",
        "placements",
        ["worker_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_placements_open_worker", table_name="placements")
