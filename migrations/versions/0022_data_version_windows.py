"""data version: writes to the tables a partner office's window reads move the counter too

Revision ID: 0022
Revises: 0021

Since the partner window (0013), a partner office's row scope reads when each placement's worker
came back (`crossings`), whether it was cancelled (`corrections`), the requirement version in force
(`agreement_requirement_versions`) and later checks (`health_checks`, `police_clearances`). Those
tables did not move the counter, so the planner could not tell that a partner office's count was
still exact and counted every deployed worker the office sees on every page: at 100,000 workers,
most of a Chinese liaison office's page. With these triggers the count is remembered for a partner
office as for a Vietnamese one (`planner.memo`).

Same triggers as 0011: deferred to the commit and once per transaction on PostgreSQL, one per row
and operation on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# A copy, not an import: a migration must not change when the code does (`models.data_version`).
TABLES = (
    "agreement_requirement_versions",
    "corrections",
    "crossings",
    "health_checks",
    "police_clearances",
)
OPERATIONS = ("insert", "update", "delete")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
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
    for table in TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER data_version_{table} ON {table}")
        else:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER data_version_{table}_{operation}")
