"""worker counts: how many workers each commune holds in each status, kept by triggers on `workers`

Revision ID: 0010
Revises: 0009

The statistics read these counts instead of counting the rows (see `models.worker_counts`). The
table is filled from the rows, then the triggers keep it: every insert and delete of a worker, and
every change of its status or home commune, adds to or takes from the counts in the same
statement, as an atomic upsert (`n = n + 1`), whichever code path writes. On PostgreSQL an update
changes both of its counts in one statement, in key order, so two transactions moving workers in
opposite directions take their row locks in the same order and cannot deadlock on them.

On SQLite, a later migration that rebuilds `workers` in batch mode (copy, drop, rename) drops these
triggers with the old table: it must create them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATUSES = ("registered", "cleared", "deployed", "returned", "suspended", "absconded")

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER worker_counts_insert AFTER INSERT ON workers BEGIN
        INSERT INTO worker_counts (commune_id, status, n) VALUES (NEW.home_commune_id, NEW.status, 1)
        ON CONFLICT (commune_id, status) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER worker_counts_delete AFTER DELETE ON workers BEGIN
        INSERT INTO worker_counts (commune_id, status, n) VALUES (OLD.home_commune_id, OLD.status, -1)
        ON CONFLICT (commune_id, status) DO UPDATE SET n = n - 1;
    END
    """,
    """
    CREATE TRIGGER worker_counts_update AFTER UPDATE OF status, home_commune_id ON workers
    WHEN OLD.status IS NOT NEW.status OR OLD.home_commune_id IS NOT NEW.home_commune_id BEGIN
        INSERT INTO worker_counts (commune_id, status, n) VALUES (OLD.home_commune_id, OLD.status, -1)
        ON CONFLICT (commune_id, status) DO UPDATE SET n = n - 1;
        INSERT INTO worker_counts (commune_id, status, n) VALUES (NEW.home_commune_id, NEW.status, 1)
        ON CONFLICT (commune_id, status) DO UPDATE SET n = n + 1;
    END
    """,
)

POSTGRESQL_TRIGGERS = (
    """
    CREATE FUNCTION worker_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO worker_counts AS c (commune_id, status, n)
            VALUES (NEW.home_commune_id, NEW.status, 1)
            ON CONFLICT (commune_id, status) DO UPDATE SET n = c.n + 1;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO worker_counts AS c (commune_id, status, n)
            VALUES (OLD.home_commune_id, OLD.status, -1)
            ON CONFLICT (commune_id, status) DO UPDATE SET n = c.n - 1;
        ELSIF OLD.status IS DISTINCT FROM NEW.status
            OR OLD.home_commune_id IS DISTINCT FROM NEW.home_commune_id THEN
            INSERT INTO worker_counts AS c (commune_id, status, n)
            SELECT k.commune_id, k.status, k.d
            FROM (VALUES (OLD.home_commune_id, OLD.status, -1), (NEW.home_commune_id, NEW.status, 1))
                AS k (commune_id, status, d)
            ORDER BY k.commune_id, k.status
            ON CONFLICT (commune_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER worker_counts_follow AFTER INSERT OR DELETE OR UPDATE OF status, home_commune_id
    ON workers FOR EACH ROW EXECUTE FUNCTION worker_counts_follow()
    """,
)


def upgrade() -> None:
    op.create_table(
        "worker_counts",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column(
            "status", sa.Enum(*STATUSES, name="workerstatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["admin_units.id"], name=op.f("fk_worker_counts_commune_id_admin_units")
        ),
        sa.PrimaryKeyConstraint("commune_id", "status", name=op.f("pk_worker_counts")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:  # no worker written between the count and the triggers
        op.execute("LOCK TABLE workers IN SHARE MODE")
    op.execute(
        "INSERT INTO worker_counts (commune_id, status, n) "
        "SELECT home_commune_id, status, count(*) FROM workers GROUP BY home_commune_id, status"
    )
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER worker_counts_follow ON workers")
        op.execute("DROP FUNCTION worker_counts_follow()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER worker_counts_{name}")
    op.drop_table("worker_counts")
