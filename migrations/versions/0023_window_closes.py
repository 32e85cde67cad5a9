"""window closes: each placement keeps the last day of a partner office's window, kept by triggers

Revision ID: 0023
Revises: 0022

A partner office's row scope tests, for every placement it could see, whether the placement's
window is still open (`policies.windows`). Working the last day out reads the requirement version in
force, the placement's cancellation and the worker's return for each placement, on every page: at
100,000 workers it was two of the 7.5 ms of a Chinese liaison office's page of 100 (BENCHMARKS.md).
`placements.window_closes` keeps the day instead, and the scopes read it.

The column is filled from the rows, then triggers keep it on every write that moves a window,
whichever path writes (the API, the imports, the command line, a restore):

  - a placement made, or its status, dates, agreement or worker changed;
  - a worker's entry crossing recorded, changed, voided or deleted (the return);
  - a placement's cancellation recorded (`corrections`);
  - a requirement version added, changed or removed (the days an ended placement stays open).

Each runs `RECOMPUTE` (the statement `policies.windows.keep_closes` builds, compiled for the
database) on the placements the written row bears on. A copy, not an import: a migration must not
change when the code does; `tests/test_window_closes.py` compares the two, so a change of the
definition (or of `partnerAccessDays`' default in `procedure/requirements.toml`) comes with a
migration of its own. `borderlabour policy windows check` compares every kept day with the
definition.

Row triggers that run at once, not deferred: the statement after a write (a scope that reads the
window in the same transaction) sees the day the write made.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

RECOMPUTE = {
    "sqlite": (
        "UPDATE placements SET window_closes=CASE WHEN (placements.status = 'cancelled') THEN "
        "date(date(coalesce((SELECT max(window_cancellations.at) AS max_1 "
        "FROM corrections AS window_cancellations "
        "WHERE window_cancellations.record_type = 'Placement' "
        "AND window_cancellations.record_id = placements.id "
        "AND window_cancellations.duty = 'cancelPlacement'), placements.created_at), '+7 hours'), "
        "'+' || (30) || ' days') "
        "WHEN (placements.end_date IS NULL) THEN NULL "
        "ELSE date(coalesce(date((SELECT min(window_returns.crossed_at) AS min_1 "
        "FROM crossings AS window_returns "
        "WHERE window_returns.worker_id = placements.worker_id "
        "AND window_returns.direction = 'enter_vietnam' AND window_returns.voided_at IS NULL "
        "AND date(window_returns.crossed_at, '+7 hours') >= placements.end_date), '+7 hours'), "
        "placements.end_date), '+' || (coalesce((SELECT window_versions.partner_access_days "
        "FROM agreement_requirement_versions AS window_versions "
        "WHERE window_versions.agreement_id = placements.agreement_id "
        "AND window_versions.valid_from <= placements.start_date "
        "AND (window_versions.valid_to IS NULL OR window_versions.valid_to >= placements.start_date) "
        "ORDER BY window_versions.valid_from DESC LIMIT 1 OFFSET 0), 90)) || ' days') END"
    ),
    "postgresql": (
        "UPDATE placements SET window_closes=CASE WHEN (placements.status = 'cancelled') THEN "
        "(CAST(CAST((coalesce((SELECT max(window_cancellations.at) AS max_1 "
        "FROM corrections AS window_cancellations "
        "WHERE window_cancellations.record_type = 'Placement' "
        "AND window_cancellations.record_id = placements.id "
        "AND window_cancellations.duty = 'cancelPlacement'), placements.created_at) "
        "AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) AS DATE) + (30)) "
        "WHEN (placements.end_date IS NULL) THEN NULL "
        "ELSE (CAST(coalesce(CAST(((SELECT min(window_returns.crossed_at) AS min_1 "
        "FROM crossings AS window_returns "
        "WHERE window_returns.worker_id = placements.worker_id "
        "AND window_returns.direction = 'enter_vietnam' AND window_returns.voided_at IS NULL "
        "AND CAST((window_returns.crossed_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) "
        ">= placements.end_date) AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE), "
        "placements.end_date) AS DATE) + (coalesce((SELECT window_versions.partner_access_days "
        "FROM agreement_requirement_versions AS window_versions "
        "WHERE window_versions.agreement_id = placements.agreement_id "
        "AND window_versions.valid_from <= placements.start_date "
        "AND (window_versions.valid_to IS NULL OR window_versions.valid_to >= placements.start_date) "
        "ORDER BY window_versions.valid_from DESC LIMIT 1), 90))) END"
    ),
}

# Which placements a written row bears on, as `{row}` (NEW or OLD) of each table names them.
# A crossing or a requirement version moves only an ended placement's day.
BEARS_ON = {
    "placements": "placements.id = {row}.id",
    "crossings": "placements.worker_id = {row}.worker_id AND placements.end_date IS NOT NULL",
    "corrections": "placements.id = {row}.record_id",
    "agreement_requirement_versions": (
        "placements.agreement_id = {row}.agreement_id AND placements.end_date IS NOT NULL"
    ),
}
# When a row of each table bears on a window at all.
WHEN = {
    "placements": "TRUE",
    "crossings": "{row}.direction = 'enter_vietnam'",
    "corrections": "{row}.record_type = 'Placement' AND {row}.duty = 'cancelPlacement'",
    "agreement_requirement_versions": "TRUE",
}
# The columns whose change moves a window; a change of any other (a placement's protection, a
# crossing's gate) leaves it.
MOVED_BY = {
    "placements": "status, end_date, start_date, agreement_id, created_at, worker_id",
    "crossings": "crossed_at, direction, voided_at, worker_id",
    "corrections": "record_type, record_id, duty, at",
    "agreement_requirement_versions": "agreement_id, valid_from, valid_to, partner_access_days",
}


def _sqlite_triggers() -> list[str]:
    made = []
    for table, bears_on in BEARS_ON.items():
        for operation, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
            if table == "placements":
                if operation == "delete":
                    continue  # a deleted placement keeps no day
                rows = ("NEW",)  # the same placement before and after
            event = f"UPDATE OF {MOVED_BY[table]}" if operation == "update" else operation.upper()
            when = " OR ".join(f"({WHEN[table].format(row=row)})" for row in rows)
            body = " ".join(f"{RECOMPUTE['sqlite']} WHERE {bears_on.format(row=row)};" for row in rows)
            made.append(
                f"CREATE TRIGGER window_closes_{table}_{operation} AFTER {event} ON {table} "
                f"WHEN {when} BEGIN {body} END"
            )
    return made


def _postgresql_triggers() -> list[str]:
    made = []
    for table, bears_on in BEARS_ON.items():
        steps = []
        for row, operations in (("OLD", "('UPDATE', 'DELETE')"), ("NEW", "('INSERT', 'UPDATE')")):
            if table == "placements" and row == "OLD":
                continue  # the NEW row of an update is the same placement
            steps.append(
                f"IF TG_OP IN {operations} THEN IF {WHEN[table].format(row=row)} THEN "
                f"{RECOMPUTE['postgresql']} WHERE {bears_on.format(row=row)}; END IF; END IF;"
            )
        made.append(
            f"CREATE FUNCTION window_closes_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {' '.join(steps)} RETURN NULL; END $$"
        )
        events = f"INSERT OR UPDATE OF {MOVED_BY[table]}"
        if table != "placements":
            events += " OR DELETE"
        made.append(
            f"CREATE TRIGGER window_closes_{table} AFTER {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION window_closes_{table}()"
        )
    return made


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("placements", sa.Column("window_closes", sa.Date(), nullable=True))
    if dialect == "postgresql":  # no window moved between the fill and the triggers
        op.execute(
            "LOCK TABLE placements, crossings, corrections, agreement_requirement_versions "
            "IN SHARE ROW EXCLUSIVE MODE"
        )
    op.execute(RECOMPUTE[dialect])
    for statement in _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in BEARS_ON:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER window_closes_{table} ON {table}")
            op.execute(f"DROP FUNCTION window_closes_{table}()")
        else:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS window_closes_{table}_{operation}")
    op.execute("ALTER TABLE placements DROP COLUMN window_closes")  # SQLite 3.35 and later too
