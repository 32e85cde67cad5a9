"""The command line acts as an office only in a person's name (DOMAIN.md: "Every ledger entry records
the office and the officer").

`report agreement`, `import workers` and `subject statement` reach personal data as an office, and at
the terminal no token says who is there: each takes the officer as `--officer-id` and
`--officer-name`, every ledger entry it makes names that officer, and without an officer, or with one
no token could be issued to, it refuses to run, leaving no ledger entry and no file. Entries are read
back with `borderlabour audit log`, the ledger's end from its table.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bench.workbooks import workbook, worker_rows
from tests import own_registry_fixtures as own
from tests import plain_http
from tests.conftest import Database, run_cli

# A registry of its own (`tests.own_registry_fixtures`): the ledger's newest entries are the ones
# this module's commands made.
registry, database, as_office, live_server, engine = (
    own.registry,
    own.database,
    own.as_office,
    own.live_server,
    own.engine,
)

# "export-read-back": an export imported again is compared with the records (read, never written).
OFFICES = {
    "report": "lc-home-affairs",
    "import": "tq-home-affairs",
    "export-read-back": "tq-home-affairs",
    "statement": "lc-home-affairs",
}
NAMES = list(OFFICES)

IMPORTING = "worker-registration"
# A command's arguments without the officer, and the file it writes.
Command = Callable[[str, Path], tuple[list[str], Path]]


@pytest.fixture(scope="module")
def command(as_office, live_server) -> Command:
    found = as_office("lc-home-affairs").data("{ workers(first: 1) { nodes { id } } }")
    worker = found["workers"]["nodes"][0]["id"]
    units = as_office("tq-home-affairs").data('{ administrativeUnits(parentCode: "VN-TQ-2025") { code } }')
    communes = [u["code"] for u in units["administrativeUnits"]]
    serials = itertools.count(980_000, 100)
    exported = plain_http.get(
        f"{live_server.url}/exports/workers.xlsx",
        params={"status": "DEPLOYED"},
        headers={"Authorization": f"Bearer {live_server.tokens['tq-home-affairs']}", "X-Purpose": IMPORTING},
        timeout=120,
    )
    assert exported.status_code == 200, exported.text

    def made(name: str, folder: Path) -> tuple[list[str], Path]:
        if name == "report":
            out = folder / "report.json"
            return [
                *("report", "agreement", "--office", OFFICES[name], "--agreement", "AGR-LC-HK"),
                *("--year", "2024", "--format", "json", "--output", str(out)),
            ], out
        if name in ("import", "export-read-back"):
            book = folder / "workers.xlsx"
            if name == "import":
                book.write_bytes(workbook(worker_rows(2, communes, serial_from=next(serials))))
            else:
                book.write_bytes(exported.content)
            out = folder / "marked.xlsx"
            return ["import", "workers", str(book), "--office", OFFICES[name], "--marked", str(out)], out
        out = folder / "statement.json"
        return [
            *("subject", "statement", "--office", OFFICES[name], f"--worker={worker}"),
            *("--format", "json", "--case-ref", f"HS-{uuid.uuid4().hex[:8]}", "--output", str(out)),
        ], out

    return made


def ledger_end(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT coalesce(max(id), 0) FROM ledger_entries")).scalar_one()


def audit_log(database: Database, *filters: str) -> list[dict]:
    shown = run_cli(database, "audit", "log", "--json", "--limit", "1000", *filters).stdout
    return [json.loads(line) for line in shown.splitlines()]


@pytest.mark.parametrize("name", NAMES)
def test_every_ledger_entry_the_command_makes_names_the_officer_given(
    name,
    command,
    database,
    engine,
    tmp_path,
) -> None:
    officer = {"id": f"VN-{uuid.uuid4().hex[:8]}", "name": "Trần Thị Hoa"}
    before = ledger_end(engine)
    args, written = command(name, tmp_path)
    run_cli(database, *args, "--officer-id", officer["id"], "--officer-name", officer["name"])
    assert written.exists()
    made = [line for line in audit_log(database) if line["seq"] > before]
    assert made, "the command made no ledger entry"
    assert [(line["office"], line["officer"]) for line in made] == [(OFFICES[name], officer)] * len(made)
    mine = audit_log(database, "--officer", officer["id"])
    assert [line["seq"] for line in mine] == [line["seq"] for line in made]


@pytest.mark.parametrize(
    "given",
    [(), ("--officer-id", "VN-0042"), ("--officer-name", "Trần Thị Hoa")],
    ids=["no-officer", "id-alone", "name-alone"],
)
@pytest.mark.parametrize("name", NAMES)
def test_without_its_officer_the_command_is_refused_leaving_no_ledger_entry_and_no_file(
    name,
    given,
    command,
    database,
    engine,
    tmp_path,
) -> None:
    before = ledger_end(engine)
    args, written = command(name, tmp_path)
    refused = run_cli(database, *args, *given, check=False)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--officer-id" in refused.stderr and "--officer-name" in refused.stderr, refused.stderr
    assert not written.exists()
    assert ledger_end(engine) == before


@pytest.mark.parametrize(
    ("officer_id", "officer_name", "named"),
    [
        ("   ", "Trần Thị Hoa", "--officer-id"),
        ("V" * 65, "Trần Thị Hoa", "--officer-id"),
        ("VN-0042", "Trần\nThị Hoa", "--officer-name"),
        ("VN-0042", "H" * 201, "--officer-name"),
    ],
    ids=["blank-id", "long-id", "control-character", "long-name"],
)
@pytest.mark.parametrize("name", NAMES)
def test_an_officer_a_token_could_not_be_issued_to_is_refused(
    name,
    officer_id,
    officer_name,
    named,
    command,
    database,
    engine,
    tmp_path,
) -> None:
    """The same shapes as a token's officer (README: 1-64 and 1-200 printable characters)."""
    officer = ("--officer-id", officer_id, "--officer-name", officer_name)
    token = run_cli(database, "token", "issue", "--office", OFFICES[name], *officer, check=False)
    before = ledger_end(engine)
    args, written = command(name, tmp_path)
    refused = run_cli(database, *args, *officer, check=False)
    assert refused.returncode == token.returncode == 2 and "Traceback" not in refused.stderr
    assert named in refused.stderr and named in token.stderr
    assert not written.exists()
    assert ledger_end(engine) == before


@pytest.mark.parametrize(
    ("name", "lang", "env", "said"),
    [
        ("statement", ("--lang", "vi"), {}, "sổ ghi tiết lộ ghi tên cán bộ"),
        ("report", (), {"LANG": "zh_CN.UTF-8"}, "台账须载明代表机构操作的工作人员"),
        ("import", ("--lang", "zh"), {}, "台账须载明代表机构操作的工作人员"),
    ],
)
def test_the_refusal_without_an_officer_is_in_the_language_of_the_terminal(
    name,
    lang,
    env,
    said,
    command,
    database,
    tmp_path,
) -> None:
    args, _ = command(name, tmp_path)
    refused = run_cli(database, *args, *lang, check=False, **env)
    assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    assert "--officer-id" in refused.stderr and "--officer-name" in refused.stderr
