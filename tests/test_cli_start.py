"""A `borderlabour` command loads what it runs, not what the other commands need (issue 16).

Every command builds the whole parser, and the suite starts the command line hundreds of times: a
command that only shows help, or checks a file, must not load the tables, the policy engine, the
GraphQL schema or the report writers. What the parser shows without them (the report formats, the
newest migration) must still be what those modules say.
"""

from __future__ import annotations

import json

import pytest
from alembic.script import ScriptDirectory

import migrations
from reports.documents import FORMATS as AGREEMENT_WRITERS
from reports.formats import AGREEMENT_REPORT, TRANSFER_REGISTER
from reports.transfers import FORMATS as TRANSFER_WRITERS
from tests.test_cli_language import borderlabour, loaded

pytestmark = pytest.mark.engine_independent("which libraries a command loads; no database")

# The registry's own heavy parts and the libraries only some commands need.
NOT_FOR_HELP = {
    "models",
    "migrations",
    "service",
    "schema",
    "casbin",
    "cryptography",
    "strawberry",
    "openpyxl",
    "fpdf",
    "alembic",
    "uvicorn",
}


@pytest.mark.parametrize(
    "args",
    [["--help"], ["report", "agreement", "--help"], ["keys", "rotate", "--help"], ["audit", "log", "--help"]],
)
def test_help_loads_no_table_engine_schema_or_writer(args):
    shown = borderlabour(*args)
    assert shown.returncode == 0, shown.stderr
    assert not NOT_FOR_HELP & loaded(shown)


def test_checking_a_report_file_offline_opens_no_database(tmp_path):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"code": "AGR-X", "year": 2025, "totals": {}, "signatures": []}))
    checked = borderlabour("report", "verify", str(report))
    assert checked.returncode == 1  # no signature: the check fails, as it should
    assert "no signature" in checked.stdout
    assert not {"models", "migrations", "casbin", "strawberry"} & loaded(checked)


def test_the_formats_offered_are_the_formats_written():
    assert set(AGREEMENT_REPORT) == set(AGREEMENT_WRITERS)
    assert set(TRANSFER_REGISTER) == set(TRANSFER_WRITERS)


def test_the_newest_migration_read_from_the_files_is_alembics():
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))
    assert migrations.newest_revisions() == frozenset(script.get_heads())
