"""A command that writes while a server writes to the same SQLite file waits its turn.

SQLite lets a transaction that began by reading write only if nobody committed in between: a
command that read the office and then wrote its token failed at once with "database is locked"
when the running server (its ledger, its deliverer) committed in that moment. Every writing
command takes the write lock before its first read, so it waits for the busy timeout instead.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from harness.databases import DB_STEM, demo_copy
from tests.conftest import run_cli

pytestmark = pytest.mark.engine_independent(
    "SQLite's snapshot rule: the test holds the lock of its own SQLite copy of the demo"
)

# Long enough for the command to start and read while the other writer holds the lock.
HELD_SECONDS = 2.0


def test_token_issue_waits_for_a_write_that_commits_while_it_runs(template, tmp_path) -> None:
    if template.server_url is not None:
        pytest.skip("the snapshot rule is SQLite's; this run's registry is PostgreSQL")
    with demo_copy(template, tmp_path / "registry") as database:
        path = tmp_path / "registry" / f"{DB_STEM}.db"
        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        holder.execute("CREATE TABLE another_writer (n INTEGER)")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO another_writer VALUES (1)")  # a change: the command's snapshot goes stale
        results = []
        command = threading.Thread(
            target=lambda: results.append(
                run_cli(database, "token", "issue", "--office", "cn-hekou", check=False)
            )
        )
        command.start()
        time.sleep(HELD_SECONDS)
        holder.execute("COMMIT")
        holder.close()
        command.join(timeout=120)

    [result] = results
    assert "database is locked" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert "token id" in result.stdout
