"""ledger index rows without foreign keys: `audit verify` checks them against the signed payloads

Revision ID: 0012
Revises: 0011

A page of 100 workers writes 100 rows of `ledger_workers`, and each row's two foreign keys cost
PostgreSQL two look-ups (about 0.7 ms a page, a tenth of the database's work for it). The rows
are an index of what each signed payload names, written in the entry's own transaction by the
appender, and `audit verify` already compares them with the payloads, worker by worker: a row
without its entry, or naming a field list that does not exist, fails the check. The foreign keys
proved less than that, on every append.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FOREIGN_KEYS = (
    ("fk_ledger_workers_entry_id_ledger_entries", "ledger_entries", "entry_id"),
    ("fk_ledger_workers_field_list_id_ledger_field_lists", "ledger_field_lists", "field_list_id"),
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_workers", schema=None) as batch_op:
        for name, _table, _column in FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("ledger_workers", schema=None) as batch_op:
        for name, table, column in FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ["id"])
