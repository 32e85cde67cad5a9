"""retention: the day a worker was de-identified, and the holds that keep a worker's data

Revision ID: 0014
Revises: 0013

`workers.deidentified_on` is set by `borderlabour retention apply` in the same transaction that
erases the worker's personal values; the row scopes leave such workers out of every office's
lists. `retention_holds` keeps what `holdRecord` recorded: a worker under a hold is never
de-identified while the hold is in force.

The column is added, never the table rebuilt: on SQLite a rebuild of `workers` would drop the
triggers of migrations 0010 and 0011.

The counts per commune and status (0010) leave de-identified workers out, as the row scopes do: the
triggers are replaced by ones that count a worker only while `deidentified_on` is empty, and take
the worker out of its count in the statement that sets it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The upsert of migration 0010's triggers, adding `d` to the count of the OLD or NEW row.
_SQLITE_ADD = """INSERT INTO worker_counts (commune_id, status, n)
        VALUES ({row}.home_commune_id, {row}.status, {d})
        ON CONFLICT (commune_id, status) DO UPDATE SET n = n {sign} 1;"""
SQLITE_TRIGGERS = (
    f"""
    CREATE TRIGGER worker_counts_insert AFTER INSERT ON workers WHEN NEW.deidentified_on IS NULL BEGIN
        {_SQLITE_ADD.format(row="NEW", d=1, sign="+")}
    END
    """,
    f"""
    CREATE TRIGGER worker_counts_delete AFTER DELETE ON workers WHEN OLD.deidentified_on IS NULL BEGIN
        {_SQLITE_ADD.format(row="OLD", d=-1, sign="-")}
    END
    """,
    f"""
    CREATE TRIGGER worker_counts_update AFTER UPDATE OF status, home_commune_id ON workers
    WHEN OLD.deidentified_on IS NULL AND NEW.deidentified_on IS NULL
        AND (OLD.status IS NOT NEW.status OR OLD.home_commune_id IS NOT NEW.home_commune_id) BEGIN
        {_SQLITE_ADD.format(row="OLD", d=-1, sign="-")}
        {_SQLITE_ADD.format(row="NEW", d=1, sign="+")}
    END
    """,
    f"""
    CREATE TRIGGER worker_counts_deidentify AFTER UPDATE OF deidentified_on ON workers
    WHEN OLD.deidentified_on IS NULL AND NEW.deidentified_on IS NOT NULL BEGIN
        {_SQLITE_ADD.format(row="OLD", d=-1, sign="-")}
    END
    """,
    f"""
    CREATE TRIGGER worker_counts_reidentify AFTER UPDATE OF deidentified_on ON workers
    WHEN OLD.deidentified_on IS NOT NULL AND NEW.deidentified_on IS NULL BEGIN
        {_SQLITE_ADD.format(row="NEW", d=1, sign="+")}
    END
    """,
)
SQLITE_TRIGGERS_0010 = ("worker_counts_insert", "worker_counts_delete", "worker_counts_update")

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION worker_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_counted boolean := false;
    is_counted boolean := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was_counted := OLD.deidentified_on IS NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        is_counted := NEW.deidentified_on IS NULL;
    END IF;
    IF was_counted AND is_counted THEN
        IF OLD.status IS DISTINCT FROM NEW.status
            OR OLD.home_commune_id IS DISTINCT FROM NEW.home_commune_id THEN
            INSERT INTO worker_counts AS c (commune_id, status, n)
            SELECT k.commune_id, k.status, k.d
            FROM (VALUES (OLD.home_commune_id, OLD.status, -1), (NEW.home_commune_id, NEW.status, 1))
                AS k (commune_id, status, d)
            ORDER BY k.commune_id, k.status
            ON CONFLICT (commune_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
        END IF;
    ELSIF was_counted THEN
        INSERT INTO worker_counts AS c (commune_id, status, n)
        VALUES (OLD.home_commune_id, OLD.status, -1)
        ON CONFLICT (commune_id, status) DO UPDATE SET n = c.n - 1;
    ELSIF is_counted THEN
        INSERT INTO worker_counts AS c (commune_id, status, n)
        VALUES (NEW.home_commune_id, NEW.status, 1)
        ON CONFLICT (commune_id, status) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER worker_counts_follow
AFTER INSERT OR DELETE OR UPDATE OF status, home_commune_id, deidentified_on
ON workers FOR EACH ROW EXECUTE FUNCTION worker_counts_follow()
"""


def upgrade() -> None:
    op.add_column("workers", sa.Column("deidentified_on", sa.Date(), nullable=True))
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_until", sa.Date(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_retention_holds_worker_id_workers")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_retention_holds_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_holds")),
    )
    op.create_index(op.f("ix_retention_holds_worker_id"), "retention_holds", ["worker_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER worker_counts_follow ON workers")
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        for name in SQLITE_TRIGGERS_0010:
            op.execute(f"DROP TRIGGER {name}")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    from importlib import import_module

    # The triggers as migration 0010 made them: this is its state being restored.
    counts = import_module("migrations.versions.0010_worker_counts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER worker_counts_follow ON workers")
        op.execute("DROP FUNCTION worker_counts_follow()")
        for statement in counts.POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for name in (*SQLITE_TRIGGERS_0010, "worker_counts_deidentify", "worker_counts_reidentify"):
            op.execute(f"DROP TRIGGER {name}")
        for statement in counts.SQLITE_TRIGGERS:
            op.execute(statement)
    # De-identified workers were out of the counts; after the downgrade every row counts again.
    op.execute("DELETE FROM worker_counts")
    op.execute(
        "INSERT INTO worker_counts (commune_id, status, n) "
        "SELECT home_commune_id, status, count(*) FROM workers GROUP BY home_commune_id, status"
    )
    op.drop_index(op.f("ix_retention_holds_worker_id"), table_name="retention_holds")
    op.drop_table("retention_holds")
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_column("deidentified_on")
