"""window locks in order: the triggers of 0023 lock the placements a write bears on in id order

Revision ID: 0024
Revises: 0023

On PostgreSQL each trigger of migration 0023 locks the placements its write bears on before it sets
their window days: a requirement version's change locks its agreement's placements, a return the
worker's. It took them in whatever order its statement's plan read them, so two writes whose sets
overlap (a version's change and a return of a worker with two placements under that agreement; two
changes of one agreement's versions) could each hold a placement the other waited for, and
PostgreSQL would abort one of them (a deadlock). Taken in the order of their ids, the later write
waits for the first placement the earlier one holds, holding none the earlier one still wants: the
two queue, and cannot deadlock on placements. The functions are otherwise those of 0023, byte for
byte; SQLite has one writer and keeps its triggers.
"""

from __future__ import annotations

from alembic import op

from migrations import version_module

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

IN_PLAN_ORDER = " FOR NO KEY UPDATE; "
IN_ID_ORDER = " ORDER BY placements.id FOR NO KEY UPDATE; "


def functions(in_id_order: bool) -> list[str]:
    """0023's trigger functions (a migration's text never changes), each replacing the one of its
    name; `in_id_order`: locking in id order."""
    made = [
        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        for statement in version_module("0023_window_closes.py")._postgresql_triggers()
        # The placements' own function locks nothing: its row is locked by the write that fired it.
        if statement.startswith("CREATE FUNCTION") and IN_PLAN_ORDER in statement
    ]
    if not in_id_order:
        return made
    ordered = [statement.replace(IN_PLAN_ORDER, IN_ID_ORDER) for statement in made]
    assert sum(s.count(IN_ID_ORDER) for s in ordered) == sum(s.count(IN_PLAN_ORDER) for s in made) == 9
    return ordered


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in functions(in_id_order=True):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in functions(in_id_order=False):
            op.execute(statement)
