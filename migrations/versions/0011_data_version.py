"""data version: one counter that every committed write to the tables scopes read moves

Revision ID: 0011
Revises: 0010

A page searched by personal fields records in the ledger how many rows matched; the planner
remembers that count with the counter's value and counts again only when the counter has moved
(see `models.data_version`). The triggers move it on every insert, update and delete of the
tables below, whichever code path writes.

PostgreSQL: a deferred constraint trigger, so the counter's row is locked only at commit, after
every other lock the transaction takes (no deadlock between writers), and moved once per
transaction (a transaction-local setting remembers that it has been). SQLite: a plain trigger per
row; SQLite has one writer at a time.

On SQLite, a later migration that rebuilds one of these tables in batch mode (copy, drop, rename)
drops its triggers with the old table: it must create them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# A copy, not an import: a migration must not change when the code does (`models.data_version`).
TABLES = (
    "admin_units",
    "agreement_gates",
    "agreements",
    "border_gates",
    "employers",
    "placements",
    "unit_closure",
    "workers",
)
OPERATIONS = ("insert", "update", "delete")

POSTGRESQL_FUNCTION = """
CREATE FUNCTION data_version_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('borderlabour.data_version_moved', true) IS DISTINCT FROM 'yes' THEN
        UPDATE data_version SET version = version + 1 WHERE id = 1;
        PERFORM set_config('borderlabour.data_version_moved', 'yes', true);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move()"
            )
        return
    for table in TABLES:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER data_version_{table}_{operation} AFTER {operation.upper()} ON {table} "
                "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER data_version_{table} ON {table}")
        op.execute("DROP FUNCTION data_version_move()")
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER data_version_{table}_{operation}")
    op.drop_table("data_version")
