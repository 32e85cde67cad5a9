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
  - a requirement version added, changed or removed (the days an ended placement stays open), on
    the placements starting within its validity: closing the version in force when a new one is
    added reads the placements from the new one's first day, not the agreement's whole history
    (1.2-1.4 s at 100,000 workers).

Each runs `RECOMPUTE` (the statement `policies.windows.keep_closes` builds, compiled for the
database) on the placements the written row bears on. A copy, not an import: a migration must not
change when the code does; `tests/test_window_closes.py` compares the two, so a change of the
definition (or of `partnerAccessDays`' default in `procedure/requirements.toml`) comes with a
migration of its own. `borderlabour windows check` compares every kept day with the
definition.

Row triggers that run at once, not deferred: the statement after a write (a scope that reads the
window in the same transaction) sees the day the write made. A later migration that rebuilds one of
the four tables on SQLite (Alembic's batch mode copies a table and drops its triggers) must create
its triggers again; the test suite's `windows check` after each copy's writes finds the drift if not.
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

ENDED = "placements.end_date IS NOT NULL"  # a return or a version moves only an ended placement's day
ENTRY = "{row}.direction = 'enter_vietnam'"
CANCELLATION = "{row}.record_type = 'Placement' AND {row}.duty = 'cancelPlacement'"
# The placements a requirement version can be in force for: those starting within its validity.
IN_FORCE = (
    "(placements.start_date >= {row}.valid_from "
    "AND ({row}.valid_to IS NULL OR placements.start_date <= {row}.valid_to))"
)
# A version whose end of validity alone changed (the previous one closed when a new one is added)
# changes the version in force only for the placements it covers before or after, not both: the
# others keep it, or keep another.
VERSION_UPDATED = (
    "CASE WHEN OLD.agreement_id = NEW.agreement_id AND OLD.valid_from = NEW.valid_from "
    "AND OLD.partner_access_days = NEW.partner_access_days "
    "THEN " + IN_FORCE.format(row="OLD") + " <> " + IN_FORCE.format(row="NEW") + " "
    "ELSE " + IN_FORCE.format(row="OLD") + " OR " + IN_FORCE.format(row="NEW") + " END"
)

# For each table and operation: when a written row bears on a window at all; the placements it
# bears on, by columns no write changes; and, of those, the ones whose days it can move ("": all).
#
# PostgreSQL locks the placements it bears on before it sets their days. Each trigger's UPDATE
# runs in a snapshot of its own, taken after the locks: a transaction that wrote an input of a day
# (a return, an end date, a version) holds its placements' locks until it commits, so the day set
# last is set from what both wrote. Without them, an UPDATE that waited for another's lock would set
# the day from a snapshot taken before that one committed (`tests/test_window_closes.py`, the
# concurrent writes). The placements' own trigger locks nothing more: its row is locked by the
# write that fired it. SQLite has one writer.
TRIGGERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "placements": {
        "insert": ("TRUE", "placements.id = NEW.id", ""),
        "update": ("TRUE", "placements.id = NEW.id", ""),
    },
    "crossings": {
        "insert": (ENTRY.format(row="NEW"), "placements.worker_id = NEW.worker_id", ENDED),
        "update": (
            ENTRY.format(row="OLD") + " OR " + ENTRY.format(row="NEW"),
            "placements.worker_id IN (OLD.worker_id, NEW.worker_id)",
            ENDED,
        ),
        "delete": (ENTRY.format(row="OLD"), "placements.worker_id = OLD.worker_id", ENDED),
    },
    "corrections": {
        "insert": (CANCELLATION.format(row="NEW"), "placements.id = NEW.record_id", ""),
        "update": (
            f"({CANCELLATION.format(row='OLD')}) OR ({CANCELLATION.format(row='NEW')})",
            "placements.id IN (OLD.record_id, NEW.record_id)",
            "",
        ),
        "delete": (CANCELLATION.format(row="OLD"), "placements.id = OLD.record_id", ""),
    },
    "agreement_requirement_versions": {
        "insert": (
            "TRUE",
            "placements.agreement_id = NEW.agreement_id",
            ENDED + " AND " + IN_FORCE.format(row="NEW"),
        ),
        "update": (
            "TRUE",
            "placements.agreement_id IN (OLD.agreement_id, NEW.agreement_id)",
            ENDED + " AND " + VERSION_UPDATED,
        ),
        "delete": (
            "TRUE",
            "placements.agreement_id = OLD.agreement_id",
            ENDED + " AND " + IN_FORCE.format(row="OLD"),
        ),
    },
}
# The columns whose change moves a window; a change of any other (a placement's protection, a
# crossing's gate) leaves it.
MOVED_BY = {
    "placements": "status, end_date, start_date, agreement_id, created_at, worker_id",
    "crossings": "crossed_at, direction, voided_at, worker_id",
    "corrections": "record_type, record_id, duty, at",
    "agreement_requirement_versions": "agreement_id, valid_from, valid_to, partner_access_days",
}


def _event(table: str, operation: str) -> str:
    return f"UPDATE OF {MOVED_BY[table]}" if operation == "update" else operation.upper()


def _moved(bears_on: str, moves: str) -> str:
    return f"{bears_on} AND {moves}" if moves else bears_on


def _sqlite_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER window_closes_{table}_{operation} AFTER {_event(table, operation)} ON {table} "
        f"WHEN {when} BEGIN {RECOMPUTE['sqlite']} WHERE {_moved(bears_on, moves)}; END"
        for table, operations in TRIGGERS.items()
        for operation, (when, bears_on, moves) in operations.items()
    ]


def _postgresql_triggers() -> list[str]:
    made = []
    for table, operations in TRIGGERS.items():
        recompute = RECOMPUTE["postgresql"]
        lock = "" if table == "placements" else "PERFORM 1 FROM placements WHERE {} FOR NO KEY UPDATE; "
        branches = " ELSIF ".join(
            f"TG_OP = '{operation.upper()}' THEN IF {when} THEN "
            + lock.format(bears_on)
            + f"{recompute} WHERE {_moved(bears_on, moves)}; END IF;"
            for operation, (when, bears_on, moves) in operations.items()
        )
        made.append(
            f"CREATE FUNCTION window_closes_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {branches} END IF; RETURN NULL; END $$"
        )
        events = " OR ".join(_event(table, operation) for operation in operations)
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
    for table, operations in TRIGGERS.items():
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER window_closes_{table} ON {table}")
            op.execute(f"DROP FUNCTION window_closes_{table}()")
        else:
            for operation in operations:
                op.execute(f"DROP TRIGGER window_closes_{table}_{operation}")
    op.execute("ALTER TABLE placements DROP COLUMN window_closes")  # SQLite 3.35 and later too
