"""An import's look-ups past the office's scope are ledgered and bounded, and a dry run does not
stall other offices' reads. Expectations from issue 17, items 2, 4 and 7.

A row whose identity number another province holds answers DUPLICATE, as `registerWorker` does, and
the ledger names the look-up (office, purpose, blind index, outcome) for a dry run as for a real
import. An office's look-ups of a day are bounded (BORDERLABOUR_IMPORT_LOOKUPS_PER_DAY): past it an
import answers 429 LOOKUP_LIMIT, and the command line exits non-zero with the same message. An import
runs chunk by chunk, so personal reads keep answering while it runs; over HTTP it stops between
chunks past its time budget or when the client hangs up.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from bench.workbooks import workbook, worker_rows
from harness.databases import Template
from models.sealing import Keyring
from tests import own_registry_fixtures as own
from tests import plain_http
from tests.conftest import OFFICER_ARGS, AsOffice, OwnRegistry, Server, own_registry, run_cli

# Rows an import of this module's servers registers in one transaction
# (BORDERLABOUR_IMPORT_CHUNK_ROWS): what the tests prove happens between chunks needs several
# chunks, not the default's 500 rows each (a file of 1,500 rows was most of the module's time).
CHUNK = 100
CHUNKED = {"BORDERLABOUR_IMPORT_CHUNK_ROWS": str(CHUNK)}

# A registry of its own (`tests.own_registry_fixtures`): its tests count an office's look-ups of
# the day and read back the newest ledger entries, which no other test may write.
database, as_office, live_server, engine = own.database, own.as_office, own.live_server, own.engine


@pytest.fixture(scope="module")
def registry(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnRegistry]:
    folder = tmp_path_factory.mktemp("import_lookups")
    with own_registry(template, folder, **CHUNKED) as own_one:
        yield own_one


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTER = "tq-home-affairs"  # registers Tuyên Quang's workers; Lào Cai's are another province's
BOUNDED = "lc-home-affairs"  # only the daily-bound test imports as this office
HELD = "{ workers(first: 40) { nodes { nationalIdNumber dateOfBirth } } }"

# The reason a look-up past the row scope is ledgered with (tests/test_side_door.py reviews it).
NUMBER_TAKEN = "a citizen is registered once nationwide: is this identity number taken"


def communes(as_office: AsOffice, office: str, province: str) -> list[str]:
    units = as_office(office).data(f'{{ administrativeUnits(parentCode: "{province}") {{ code }} }}')
    return [u["code"] for u in units["administrativeUnits"]]


def upload(server: Server, content: bytes, office: str, **params: str) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {server.tokens[office]}",
        "Content-Type": XLSX,
        "X-Purpose": "worker-registration",
        "Accept-Language": params.pop("language", "en"),
    }
    return plain_http.post(
        f"{server.url}/imports/workers", params=params, content=content, headers=headers, timeout=300
    )


def held_elsewhere(
    as_office: AsOffice, as_importer: AsOffice, serial_from: int
) -> tuple[list[list], list[str]]:
    """40 rows holding Lào Cai workers' CCCDs and 10 with unused numbers, for Tuyên Quang's office."""
    held = as_office("lc-home-affairs").data(HELD)["workers"]["nodes"]
    assert len(held) == 40
    rows = worker_rows(50, communes(as_importer, IMPORTER, "VN-TQ-2025"), serial_from=serial_from)
    for row, worker in zip(rows, held, strict=False):
        row[1] = worker["dateOfBirth"]
        row[4] = worker["nationalIdNumber"]
    return rows, [w["nationalIdNumber"] for w in held]


def lookups_since(engine, office: str, after: int) -> list[dict]:
    """The look-ups of `office`'s ledger entries after entry `after`, in order."""
    with engine.connect() as conn:
        payloads = conn.execute(
            text(
                "SELECT e.payload, e.purpose FROM ledger_entries e JOIN offices o ON o.id = e.office_id"
                " WHERE o.code = :office AND e.id > :after ORDER BY e.id"
            ),
            {"office": office, "after": after},
        ).all()
    assert all(purpose == "worker-registration" for _, purpose in payloads)
    return [item for payload, _ in payloads for item in json.loads(payload).get("lookups", [])]


def last_entry(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM ledger_entries")).scalar_one()


def duplicates(answer: dict) -> set[int]:
    return {
        e["row"] for e in answer["errors"] if e["code"] == "DUPLICATE" and e["column"] == "nationalIdNumber"
    }


@pytest.mark.parametrize("params", [{"dryRun": "true"}, {"partial": "true"}], ids=["dry-run", "partial"])
def test_an_imports_duplicate_numbers_are_ledgered_like_register_worker(
    registry, as_office, database, engine, params
) -> None:
    serial = 700_000 if "dryRun" in params else 710_000
    rows, numbers = held_elsewhere(as_office, as_office, serial)
    before = last_entry(engine)
    response = upload(registry.server, workbook(rows), IMPORTER, **params)
    assert response.status_code == 200, response.text
    assert duplicates(response.json()) == set(range(2, 42))  # the 40 held numbers, not the 10 unused
    keyring = Keyring.load(database.key_file)
    looked_up = [
        item
        for item in lookups_since(engine, IMPORTER, before)
        if item["criterion"] == "Worker.nationalIdNumber"
    ]
    assert looked_up == [
        {
            "criterion": "Worker.nationalIdNumber",
            "index": keyring.blind_index(n),
            "outcome": "DUPLICATE",
            "why": NUMBER_TAKEN,
        }
        for n in numbers
    ]
    (line,) = [
        json.loads(x)
        for x in run_cli(
            database, "audit", "log", "--json", "--office", IMPORTER, "--limit", "1"
        ).stdout.splitlines()
    ]
    assert {"criterion": "Worker.nationalIdNumber", "outcome": "DUPLICATE"} in line["lookups"]


def test_past_the_daily_bound_an_import_answers_429_and_the_cli_exits_non_zero(
    registry, as_office, database, engine, template, tmp_path
) -> None:
    limit = 5
    tq = as_office(IMPORTER).data(HELD)["workers"]["nodes"][:12]
    rows = worker_rows(12, communes(as_office, BOUNDED, "VN-LC-2025"), serial_from=720_000)
    for row, worker in zip(rows, tq, strict=True):
        row[1], row[4] = worker["dateOfBirth"], worker["nationalIdNumber"]
    bounded = Server(
        database,
        template.tokens,
        tmp_path / "bounded.log",
        BORDERLABOUR_IMPORT_LOOKUPS_PER_DAY=str(limit),
    )
    try:
        before = last_entry(engine)
        refused = upload(bounded, workbook(rows), BOUNDED, dryRun="true", language="vi")
        assert refused.status_code == 429, refused.text
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "LOOKUP_LIMIT"
        assert "5 lượt tra cứu" in error["message"]
        assert len(lookups_since(engine, BOUNDED, before)) == limit  # it stopped at the bound
        again = upload(bounded, workbook(rows[:1]), BOUNDED, dryRun="true")
        assert again.status_code == 429 and len(lookups_since(engine, BOUNDED, before)) == limit
    finally:
        bounded.stop()
    path = tmp_path / "workers.xlsx"
    path.write_bytes(workbook(rows))
    cli = run_cli(
        database,
        "import",
        "workers",
        str(path),
        "--office",
        BOUNDED,
        *OFFICER_ARGS,
        "--dry-run",
        "--lang",
        "zh",
        check=False,
        BORDERLABOUR_IMPORT_LOOKUPS_PER_DAY=str(limit),
    )
    assert (
        cli.returncode != 0 and "5 次超出范围的身份号码查询" in cli.stderr and "Traceback" not in cli.stderr
    )


def entries_since(engine, after: int) -> list[tuple[int, str, str]]:
    """(id, office code, payload) of the ledger's entries after entry `after`, in order."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT e.id, o.code, e.payload FROM ledger_entries e JOIN offices o ON o.id = e.office_id"
                " WHERE e.id > :after ORDER BY e.id"
            ),
            {"after": after},
        ).all()
    return [(row[0], row[1], row[2]) for row in rows]


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_long_import_does_not_hold_up_personal_reads(
    registry, as_office, database, engine, dry_run
) -> None:
    """Personal reads sent while rows are checked (a dry run) or registered (an import), three
    chunks each, answer, each with its ledger entry; a real import's chunks are committed one by
    one, the reads' entries between them. The real import is partial: a full one checks every chunk first,
    as the dry run does, and only then writes the chunks this test is about."""
    if not database.url.startswith("sqlite"):
        pytest.skip("the write lock held by an import is SQLite's")
    rows = 3 * CHUNK  # two chunks of a dry run once ended within two reads on a busy CI machine
    content = workbook(
        worker_rows(
            rows, communes(as_office, IMPORTER, "VN-TQ-2025"), serial_from=730_000 if dry_run else 740_000
        )
    )
    mode = {"dryRun": "true"} if dry_run else {"partial": "true"}
    answer: dict[str, httpx.Response] = {}
    importing = threading.Thread(
        target=lambda: answer.setdefault("import", upload(registry.server, content, IMPORTER, **mode))
    )
    reader = as_office("cn-hekou")
    statuses: list[int] = []
    before = last_entry(engine)
    importing.start()
    while importing.is_alive():
        # a personal read waits for its ledger entry: it must not wait behind the whole import
        statuses.append(reader.post({"query": "{ workers(first: 3) { nodes { fullName } } }"}).status_code)
    importing.join()
    assert answer["import"].status_code == 200, answer["import"].text
    assert (answer["import"].json()["valid"], answer["import"].json()["registered"]) == (
        rows,
        0 if dry_run else rows,
    )
    assert len(statuses) >= 3 and set(statuses) == {200}
    if not dry_run:
        entries = entries_since(engine, before)
        chunks = [id_ for id_, office, payload in entries if office == IMPORTER and '"written"' in payload]
        reads = [id_ for id_, office, _ in entries if office == "cn-hekou"]
        assert len(chunks) > 1 and any(chunks[0] < read < chunks[-1] for read in reads)


def test_an_import_past_its_time_budget_stops_between_chunks_and_says_how_far_it_went(
    registry, as_office, database, template, tmp_path
) -> None:
    # One chunk and part of a second: the budget must stop it between the two.
    rows = worker_rows(CHUNK + CHUNK // 5, communes(as_office, IMPORTER, "VN-TQ-2025"), serial_from=750_000)
    hurried = Server(
        database, template.tokens, tmp_path / "hurried.log", BORDERLABOUR_IMPORT_SECONDS="0.001", **CHUNKED
    )
    try:
        stopped = upload(hurried, workbook(rows), IMPORTER, partial="true")
    finally:
        hurried.stop()
    assert stopped.status_code == 503, stopped.text
    body = stopped.json()
    assert body["errors"][0]["extensions"]["code"] == "TIME_BUDGET"
    assert body["import"]["stopped"] == {"code": "TIME_BUDGET", "afterRow": CHUNK}  # the first chunk
    assert body["import"]["registered"] == CHUNK
    find = "query($n: String!) { workers(first: 1, filter: {nationalIdNumber: $n}) { totalCount } }"
    registrar = as_office(IMPORTER, "worker-registration")
    assert registrar.data(find, {"n": rows[CHUNK - 1][4]})["workers"]["totalCount"] == 1
    assert registrar.data(find, {"n": rows[CHUNK][4]})["workers"]["totalCount"] == 0


def test_an_import_stops_between_chunks_when_the_client_hangs_up(registry, as_office) -> None:
    # Twenty chunks, seconds of work in all: the client is gone (after a second) long before the last.
    rows = worker_rows(20 * CHUNK, communes(as_office, IMPORTER, "VN-TQ-2025"), serial_from=760_000)
    with pytest.raises(httpx.ReadTimeout):  # the client waits a second for the answer, then hangs up
        plain_http.post(
            f"{registry.server.url}/imports/workers",
            params={"partial": "true"},
            content=workbook(rows),
            headers={
                "Authorization": f"Bearer {registry.server.tokens[IMPORTER]}",
                "Content-Type": XLSX,
                "X-Purpose": "worker-registration",
            },
            timeout=httpx.Timeout(30, read=1),
        )
    deadline = time.monotonic() + 120
    while "(DISCONNECTED)" not in registry.server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "(DISCONNECTED)" in registry.server.log.read_text()
    find = "query($n: String!) { workers(first: 1, filter: {nationalIdNumber: $n}) { totalCount } }"
    registrar = as_office(IMPORTER, "worker-registration")
    assert registrar.data(find, {"n": rows[-1][4]})["workers"]["totalCount"] == 0
