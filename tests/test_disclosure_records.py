"""Every disclosure is recorded, including answers made of counts, IDs, cursors and filters, and an
auditor reads them with `borderlabour audit log`. Expectations from the issue (item 2)."""

from __future__ import annotations

import json

from sqlalchemy import text

from ledger.checkpoints import public_key_text
from models.sealing import Keyring
from schema.criteria import SEALING_CONTEXT
from tests import own_registry_fixtures as own
from tests.conftest import run_cli

# A registry of its own (`tests.own_registry_fixtures`): its tests read back the newest ledger
# entry, which no other test may write.
registry, database, as_office, live_server, engine = (
    own.registry,
    own.database,
    own.as_office,
    own.live_server,
    own.engine,
)

WORKERS = "query($f: WorkerFilter) { workers(first: 100, filter: $f) { totalCount nodes { id } } }"

# The reason a look-up past the row scope is ledgered with (tests/test_side_door.py reviews it).
NUMBER_TAKEN = "a citizen is registered once nationwide: is this identity number taken"


def _last_entry(engine) -> dict:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM ledger_entries ORDER BY id DESC LIMIT 1")).first()
    assert row is not None
    return dict(row._mapping)


def _log(database, *args: str) -> list[dict]:
    result = run_cli(database, "audit", "log", "--json", *args)
    return [json.loads(line) for line in result.stdout.splitlines()]


def _a_worker(client) -> dict:
    query = "{ workers(first: 1) { nodes { id fullName dateOfBirth ethnicity nationalIdNumber } } }"
    return client.data(query)["workers"]["nodes"][0]


def test_a_count_under_personal_filters_records_sealed_criteria_and_the_rows_matched(
    database, engine, as_office
) -> None:
    labour = as_office("tq-home-affairs")
    worker = _a_worker(labour)
    name_part = worker["fullName"].split()[-1]
    born = worker["dateOfBirth"]
    count = labour.data(
        "query($f: WorkerFilter) { workers(filter: $f) { totalCount } }",
        {"f": {"fullNameContains": name_part, "bornAfter": born, "bornBefore": born}},
    )["workers"]["totalCount"]
    assert count >= 1
    entry = _last_entry(engine)
    payload = json.loads(entry["payload"])
    (criteria,) = payload["criteria"]
    assert criteria["names"] == ["Worker.dateOfBirth", "Worker.fullName"]
    assert criteria["matched"] == count and criteria["root"] == "workers"
    assert name_part not in entry["payload"] and born not in entry["payload"]
    opened = json.loads(Keyring.load(database.key_file).open_fixed(criteria["sealed"], SEALING_CONTEXT))
    assert opened == {"filter": {"fullNameContains": name_part, "bornAfter": born, "bornBefore": born}}
    (line,) = _log(database, "--limit", "1")
    assert line["criteria"] == ["Worker.dateOfBirth", "Worker.fullName"] and line["matched"] == count
    assert line["office"] == "tq-home-affairs" and line["purpose"] == "placement-verification"
    assert criteria["sealed"] not in json.dumps(line)


def test_a_list_of_ids_under_a_status_filter_records_those_workers(database, engine, as_office) -> None:
    labour = as_office("tq-home-affairs")
    page = labour.data(WORKERS, {"f": {"status": ["REGISTERED"]}})["workers"]
    ids = sorted(n["id"] for n in page["nodes"])
    assert ids
    (line,) = _log(database, "--limit", "1")
    assert sorted(line["workers"]) == ids
    assert line["fields"] == ["Worker.id"] and line["criteria"] == ["Worker.status"]
    assert line["matched"] == page["totalCount"]


def test_an_id_number_tied_to_an_ethnicity_is_recorded_as_criteria(database, as_office) -> None:
    labour = as_office("tq-home-affairs")
    worker = _a_worker(labour)
    query = "query($f: WorkerFilter) { workers(filter: $f) { totalCount } }"
    found = {"nationalIdNumber": worker["nationalIdNumber"], "ethnicity": worker["ethnicity"]}
    assert labour.data(query, {"f": found})["workers"]["totalCount"] == 1
    (line,) = _log(database, "--limit", "1")
    assert line["criteria"] == ["Worker.ethnicity", "Worker.nationalIdNumber"] and line["matched"] == 1
    assert worker["nationalIdNumber"] not in json.dumps(line)


def test_cursors_alone_identify_and_record_their_workers(database, as_office) -> None:
    hekou = as_office("cn-hekou")
    edges = hekou.data("{ workers(first: 3) { edges { cursor } pageInfo { endCursor } } }")["workers"][
        "edges"
    ]
    assert len(edges) == 3
    (line,) = _log(database, "--limit", "1", "--office", "cn-hekou")
    assert len(line["workers"]) == 3 and line["fields"] == ["Worker.cursor"]
    hekou.data("{ placements(first: 2) { pageInfo { endCursor } } }")
    (line,) = _log(database, "--limit", "1", "--office", "cn-hekou")
    assert len(line["workers"]) == 1 and line["fields"] == ["Placement.cursor"]


def test_a_duplicate_registration_is_a_recorded_look_past_the_row_scope_in_the_holders_record(
    database, engine, as_office
) -> None:
    elsewhere = _a_worker(as_office("lc-home-affairs"))
    labour = as_office("tq-home-affairs", "worker-registration")  # Hà Giang's labour duties since 2025
    commune = labour.data('{ administrativeUnits(parentCode: "VN-TQ-2025") { code } }')[
        "administrativeUnits"
    ][0]["code"]
    register = (
        """mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { errors { field code } } }"""
    )
    errors = labour.data(
        register,
        {
            "i": {
                "fullName": "Lò Văn Thử",
                "dateOfBirth": elsewhere["dateOfBirth"],
                "sex": "MALE",
                "ethnicity": "Giáy",
                "nationalIdNumber": elsewhere["nationalIdNumber"],
                "homeCommuneCode": commune,
            }
        },
    )["registerWorker"]["errors"]
    assert {"field": "nationalIdNumber", "code": "DUPLICATE"} in errors
    entry = _last_entry(engine)
    index = Keyring.load(database.key_file).blind_index(elsewhere["nationalIdNumber"])
    assert json.loads(entry["payload"])["lookups"] == [
        {"criterion": "Worker.nationalIdNumber", "index": index, "outcome": "DUPLICATE", "why": NUMBER_TAKEN}
    ]
    assert entry["purpose"] == "worker-registration" and elsewhere["nationalIdNumber"] not in entry["payload"]
    (line,) = _log(database, "--limit", "1", "--office", "tq-home-affairs")
    assert line["lookups"] == [{"criterion": "Worker.nationalIdNumber", "outcome": "DUPLICATE"}]
    # DOMAIN.md: the worker may ask who saw their data. The holder's record names the look-up, as a
    # search that matched them, and no field of theirs: nothing about them was sent.
    assert line["workers"] == [elsewhere["id"]] and line["fields"] == []
    assert line["searchedBy"] == ["Worker.nationalIdNumber"]
    holders = _log(database, f"--worker={elsewhere['id']}", "--office", "tq-home-affairs", "--limit", "1")
    assert [e["seq"] for e in holders] == [line["seq"]]


def test_audit_log_filters_by_office_worker_time_and_limit_newest_first(database, as_office) -> None:
    hekou = as_office("cn-hekou")
    hekou.data("{ workers(first: 2) { nodes { id } } }")  # the log holds two entries at least
    worker = hekou.data("{ workers(first: 1) { nodes { id fullName } } }")["workers"]["nodes"][0]
    entries = _log(database, f"--worker={worker['id']}", "--limit", "5")  # an ID may start with "-"
    assert entries and all(worker["id"] in e["workers"] for e in entries)
    assert [e["seq"] for e in entries] == sorted((e["seq"] for e in entries), reverse=True)
    newest = entries[0]
    assert newest["office"] == "cn-hekou" and "Worker.fullName" in newest["fields"]
    assert {"seq", "at", "office", "purpose", "workers", "fields", "criteria", "matched"} <= set(newest)
    later = _log(database, "--since", newest["at"], "--office", "cn-hekou")
    assert later and all(e["at"] >= newest["at"] and e["office"] == "cn-hekou" for e in later)
    assert len(_log(database, "--limit", "2")) == 2


def test_a_page_of_100_workers_costs_at_most_2_kb_of_entry(database, engine, as_office) -> None:
    labour = as_office("tq-home-affairs")
    nodes = labour.data(
        "{ workers(first: 100) { nodes { id fullName dateOfBirth sex status ethnicity nationalIdNumber"
        " passportNumber phone homeProvince { code } placements { job startDate employer { nameZh } } } } }"
    )["workers"]["nodes"]
    assert len(nodes) == 100
    entry = _last_entry(engine)
    size = sum(len(str(v).encode()) for v in entry.values() if v is not None)
    assert size <= 2048, size
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT count(*) FROM ledger_workers WHERE entry_id = {entry['id']}")
        ).scalar()
    assert rows == 100


def test_any_office_reads_a_ledger_checkpoint_without_purpose_and_verify_holds_it(
    database, as_office, tmp_path
) -> None:
    as_office("cn-hekou").data("{ workers(first: 1) { nodes { id } } }")  # an entry to sign
    body = as_office("cn-hekou", purpose=None).data(
        "{ ledgerCheckpoint { seq entryHash signedAt signature publicKey } }"
    )["ledgerCheckpoint"]
    assert body["seq"] >= 1
    held = tmp_path / "checkpoint.json"
    held.write_text(json.dumps(body))
    pinned = tmp_path / "pinned.pem"
    pinned.write_text(run_cli(database, "audit", "public-key").stdout)
    from ledger.checkpoints import load_public_key

    assert public_key_text(load_public_key(pinned)) == body["publicKey"]
    result = run_cli(database, "audit", "verify", "--public-key", str(pinned), "--checkpoint", str(held))
    assert "ledger OK" in result.stdout and "1 checkpoint(s) held" in result.stdout
    written = tmp_path / "cli-checkpoint.json"
    run_cli(database, "audit", "checkpoint", "--output", str(written))
    assert json.loads(written.read_text())["seq"] >= body["seq"]


def test_a_cursor_asked_for_through_a_fragment_is_recorded(database, as_office) -> None:
    hekou = as_office("cn-hekou")
    hekou.data("{ incidents(first: 1) { pageInfo { ...Ends } } } fragment Ends on PageInfo { endCursor }")
    (line,) = _log(database, "--limit", "1", "--office", "cn-hekou")
    assert line["fields"] == ["Incident.cursor"] and len(line["workers"]) == 1
