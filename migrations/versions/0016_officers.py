"""officers and case references: the person behind a token and the case behind a request

Revision ID: 0016
Revises: 0015

A token may name the officer it was issued to (`borderlabour token issue --officer-id --officer-name`);
a token naming none is a service token. Every ledger entry records the officer and, for a purpose
that requires one, the request's case reference (`X-Case-Ref`); both are part of the signed entry
when present, so the entries made before this revision verify as they did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns added in place: no table is rebuilt (the ledger may be large).
    op.add_column("tokens", sa.Column("officer_id", sa.String(64), nullable=True))
    op.add_column("tokens", sa.Column("officer_name", sa.String(200), nullable=True))
    op.add_column("ledger_entries", sa.Column("officer_id", sa.String(64), nullable=True))
    op.add_column("ledger_entries", sa.Column("officer_name", sa.String(200), nullable=True))
    op.add_column("ledger_entries", sa.Column("case_ref", sa.String(64), nullable=True))
    op.create_index("ix_ledger_entries_officer", "ledger_entries", ["officer_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_officer", table_name="ledger_entries")
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_column("case_ref")
        batch.drop_column("officer_name")
        batch.drop_column("officer_id")
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("officer_name")
        batch.drop_column("officer_id")
