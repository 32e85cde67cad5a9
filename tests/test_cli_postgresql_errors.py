"""What the command line says of a PostgreSQL server that holds no such database: one line, status 2.

Apart from tests/test_cli_errors.py, which runs on SQLite alone (engine independent), because it
needs the PostgreSQL server the suite is given: it skips on SQLite and runs in the PostgreSQL run.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DB_ENV
from tests.test_cli_errors import USAGE, assert_refused, borderlabour


def test_a_missing_postgresql_database_is_one_line_and_status_2(tmp_path) -> None:
    server = os.environ.get(TEST_DB_ENV)
    if not server:
        pytest.skip(f"needs a PostgreSQL server ({TEST_DB_ENV})")
    url = make_url(server).set(database="borderlabour_no_such_database").render_as_string(hide_password=False)
    result = borderlabour(
        "token", "list", "--database-url", url, BORDERLABOUR_KEY_FILE=str(tmp_path / "k.json")
    )
    assert_refused(result, USAGE, "borderlabour_no_such_database", "does not exist")
