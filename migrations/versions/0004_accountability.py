"""accountability: each distinct disclosed field list stored once

Revision ID: 0004
Revises: 0003

`ledger_workers.fields` (the field names, repeated for every worker of every entry) becomes a
reference to `ledger_field_lists`, which keeps each distinct list once under its SHA-256 digest.
Existing rows are converted; their signed payloads are unchanged and still verify.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    lists = op.create_table(
        "ledger_field_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_field_lists")),
        sa.UniqueConstraint("digest", name=op.f("uq_ledger_field_lists_digest")),
    )
    with op.batch_alter_table("ledger_workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field_list_id", sa.Integer(), nullable=True))
    connection = op.get_bind()
    distinct = [row[0] for row in connection.execute(sa.text("SELECT DISTINCT fields FROM ledger_workers"))]
    for number, fields in enumerate(distinct, start=1):
        digest = hashlib.sha256(fields.encode()).hexdigest()
        op.bulk_insert(lists, [{"id": number, "digest": digest, "fields": fields}])
        connection.execute(
            sa.text("UPDATE ledger_workers SET field_list_id = :id WHERE fields = :fields"),
            {"id": number, "fields": fields},
        )
    with op.batch_alter_table("ledger_workers", schema=None) as batch_op:
        batch_op.alter_column("field_list_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_workers_field_list_id_ledger_field_lists"),
            "ledger_field_lists",
            ["field_list_id"],
            ["id"],
        )
        batch_op.drop_column("fields")


def downgrade() -> None:
    with op.batch_alter_table("ledger_workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fields", sa.Text(), nullable=True))
    op.execute(
        "UPDATE ledger_workers SET fields = (SELECT l.fields FROM ledger_field_lists l"
        " WHERE l.id = ledger_workers.field_list_id)"
    )
    with op.batch_alter_table("ledger_workers", schema=None) as batch_op:
        batch_op.alter_column("fields", existing_type=sa.Text(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_ledger_workers_field_list_id_ledger_field_lists"), type_="foreignkey"
        )
        batch_op.drop_column("field_list_id")
    op.drop_table("ledger_field_lists")
