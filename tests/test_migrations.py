"""The migrations build exactly the tables the models declare (`alembic check` finds nothing to add)."""

from __future__ import annotations

from alembic import command

from migrations import alembic_config
from tests.conftest import Database


def test_the_migrated_database_matches_the_models(database: Database, demo_tokens) -> None:
    """The test database was built by `borderlabour demo`, i.e. by the migrations alone; a column,
    index or constraint the models have and the migrations lack (or the reverse) fails here."""
    command.check(alembic_config(database.url))
