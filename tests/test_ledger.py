"""The disclosure ledger: every answer with personal data is recorded, signed and chained, and
`borderlabour audit verify` notices any edit, deletion, reordering or truncation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import text

from tests import own_registry_fixtures as own
from tests import procedure_steps as steps
from tests.conftest import run_cli
from tests.office_history import back_in_force

# A registry of its own (`tests.own_registry_fixtures`): its tests read back the ledger's newest
# entries and tamper with them.
registry, database, as_office, live_server, engine = (
    own.registry,
    own.database,
    own.as_office,
    own.live_server,
    own.engine,
)

READ_ONE = "{ workers(first: 1) { nodes { id fullName passportNumber placements { job } } } }"
DISCLOSURES = """query($id: ID!) { node(id: $id) { ... on Worker {
  disclosures { at office { code } purpose fields } } } }"""


def test_a_chinese_offices_read_shows_in_the_workers_disclosures(as_office) -> None:
    worker = as_office("cn-hekou").data(READ_ONE)["workers"]["nodes"][0]
    seen = as_office("lc-home-affairs", "data-subject-request", "HS-2026/0001").data(
        DISCLOSURES, {"id": worker["id"]}
    )["node"]
    latest = seen["disclosures"][0]
    assert latest["office"] == {"code": "cn-hekou"} and latest["purpose"] == "placement-verification"
    assert set(latest["fields"]) == {
        "Worker.id",
        "Worker.fullName",
        "Worker.passportNumber",
        "Worker.placements",
        "Placement.job",
    }


def test_the_district_saw_disclosures_and_the_chinese_office_does_not(
    as_office, database, live_server
) -> None:
    body = as_office("cn-hekou").query("{ workers(first: 1) { nodes { disclosures { at } } } }")
    assert body["errors"][0]["message"] == "Cannot query field 'disclosures' on type 'Worker'."
    with back_in_force(database, live_server, "hg-meo-vac"):  # the district committee closed in 2025
        district = as_office("hg-meo-vac", "data-subject-request", "HS-2026/0001")
        resident = district.data("{ workers(first: 1) { nodes { id } } }")["workers"]["nodes"][0]["id"]
        # The province's labour department reads the district's resident...
        as_office("tq-home-affairs").data(
            "query($id: ID!) { node(id: $id) { ... on Worker { phone } } }", {"id": resident}
        )
        # ...and the district sees that read among its resident's disclosures.
        seen = district.data(DISCLOSURES, {"id": resident})["node"]["disclosures"]
        assert seen[0]["office"] == {"code": "tq-home-affairs"} and seen[0]["fields"] == ["Worker.phone"]


def test_an_untouched_ledger_verifies(database, as_office) -> None:
    as_office("tq-home-affairs").data(READ_ONE)
    result = run_cli(database, "audit", "verify")
    assert "ledger OK" in result.stdout


def _last_id(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT coalesce(max(id), 0) FROM ledger_entries")).scalar_one()


@contextmanager
def _tampered(engine, statements: list[str], undo: list[str]) -> Iterator[None]:
    # Driver SQL: a payload's JSON (`"matched":3`) must not read as a bind parameter.
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    try:
        yield
    finally:
        with engine.begin() as conn:
            for sql in undo:
                conn.exec_driver_sql(sql)


def _verify_fails_at(database, seq: int) -> None:
    result = run_cli(database, "audit", "verify", check=False)
    assert result.returncode != 0, result.stdout
    assert f"entry {seq}" in result.stderr, result.stderr


def _row(engine, table: str, where: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table} WHERE {where}"))]


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _insert(table: str, row: dict) -> str:
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(_literal(v) for v in row.values())})"


def test_editing_an_entry_breaks_verification(database, engine, as_office) -> None:
    as_office("cn-hekou").data(READ_ONE)
    as_office("cn-hekou").data(READ_ONE)  # the entry edited has one after it
    seq = _last_id(engine) - 1
    purpose = _row(engine, "ledger_entries", f"id = {seq}")[0]["purpose"]
    with _tampered(
        engine,
        [f"UPDATE ledger_entries SET purpose = 'statistics' WHERE id = {seq}"],
        [f"UPDATE ledger_entries SET purpose = '{purpose}' WHERE id = {seq}"],
    ):
        _verify_fails_at(database, seq)
    assert run_cli(database, "audit", "verify").returncode == 0


def test_hiding_a_disclosure_from_the_per_worker_index_breaks_verification(
    database, engine, as_office
) -> None:
    as_office("cn-hekou").data(READ_ONE)
    seq = _last_id(engine)
    rows = _row(engine, "ledger_workers", f"entry_id = {seq}")
    with _tampered(
        engine,
        [f"DELETE FROM ledger_workers WHERE entry_id = {seq}"],
        [_insert("ledger_workers", r) for r in rows],
    ):
        _verify_fails_at(database, seq)


def test_deleting_an_entry_breaks_verification(database, engine, as_office) -> None:
    as_office("cn-hekou").data(READ_ONE)
    as_office("cn-hekou").data(READ_ONE)
    seq = _last_id(engine) - 1
    entry = _row(engine, "ledger_entries", f"id = {seq}")[0]
    workers = _row(engine, "ledger_workers", f"entry_id = {seq}")
    with _tampered(
        engine,
        [
            f"DELETE FROM ledger_workers WHERE entry_id = {seq}",
            f"DELETE FROM ledger_entries WHERE id = {seq}",
        ],
        [_insert("ledger_entries", entry), *[_insert("ledger_workers", w) for w in workers]],
    ):
        _verify_fails_at(database, seq)


def test_reordering_entries_breaks_verification(database, engine, as_office) -> None:
    as_office("cn-hekou").data(READ_ONE)
    as_office("tq-home-affairs").data(READ_ONE)
    last = _last_id(engine)
    a, b = (
        _row(engine, "ledger_entries", f"id = {last - 1}")[0],
        _row(engine, "ledger_entries", f"id = {last}")[0],
    )
    columns = [c for c in a if c != "id"]

    def rewrite(target: int, source: dict) -> str:
        values = ", ".join(_literal(source[c]) for c in columns)
        return f"UPDATE ledger_entries SET ({', '.join(columns)}) = ({values}) WHERE id = {target}"

    with _tampered(
        engine, [rewrite(last - 1, b), rewrite(last, a)], [rewrite(last - 1, a), rewrite(last, b)]
    ):
        _verify_fails_at(database, last - 1)


def test_cutting_off_the_tail_is_caught_by_the_signed_head_outside_the_database(
    database, engine, as_office
) -> None:
    as_office("cn-hekou").data(READ_ONE)
    as_office("cn-hekou").data(READ_ONE)  # the tail cut off has an entry before it
    last = _last_id(engine)
    entry = _row(engine, "ledger_entries", f"id = {last}")[0]
    workers = _row(engine, "ledger_workers", f"entry_id = {last}")
    head = _row(engine, "ledger_head", "id = 1")[0]
    with _tampered(
        engine,
        [
            f"DELETE FROM ledger_workers WHERE entry_id = {last}",
            f"DELETE FROM ledger_entries WHERE id = {last}",
            f"UPDATE ledger_head SET seq = {last - 1}, entry_hash = '{entry['prev_hash']}' WHERE id = 1",
        ],
        [
            _insert("ledger_entries", entry),
            *[_insert("ledger_workers", w) for w in workers],
            f"UPDATE ledger_head SET seq = {head['seq']}, entry_hash = '{head['entry_hash']}' WHERE id = 1",
        ],
    ):
        _verify_fails_at(database, last)
    assert run_cli(database, "audit", "verify").returncode == 0


def ledger_refused(engine) -> AbstractContextManager[None]:
    """The database itself refuses every new ledger entry (a trigger) until the block ends."""
    if engine.dialect.name == "sqlite":
        refuse = [
            "CREATE TRIGGER refuse_ledger BEFORE INSERT ON ledger_entries BEGIN SELECT RAISE(ABORT, 'no'); END"
        ]
        allow = ["DROP TRIGGER refuse_ledger"]
    else:
        refuse = [
            "CREATE FUNCTION refuse_ledger() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_ledger BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_ledger()",
        ]
        allow = ["DROP TRIGGER refuse_ledger ON ledger_entries", "DROP FUNCTION refuse_ledger()"]
    return _tampered(engine, refuse, allow)


def test_an_answer_is_not_sent_when_its_disclosure_cannot_be_recorded(database, engine, as_office) -> None:
    with ledger_refused(engine):
        response = as_office("cn-hekou").post({"query": READ_ONE})
        assert response.status_code == 503
        assert "data" not in response.json()
        assert response.json()["errors"][0]["extensions"]["code"] == "LEDGER_UNAVAILABLE"
        # Reading only the office itself discloses nothing, so it still works.
        assert as_office("cn-hekou").data("{ me { code } }") == {"me": {"code": "cn-hekou"}}
    assert as_office("cn-hekou").data(READ_ONE)["workers"]["nodes"]


def test_writes_are_ledgered_with_what_changed(database, engine, as_office) -> None:
    before = _last_id(engine)
    health = as_office("lc-health")
    worker = health.data("{ workers(first: 1) { nodes { id } } }")["workers"]["nodes"][0]["id"]
    health.data(
        "mutation($w: ID!, $on: Date!) { recordHealthCheck(input: {workerId: $w, checkedOn: $on, result: FIT}) "
        "{ errors { field } } }",
        {"w": worker, "on": steps.days_ago(2)},
    )
    entries = _row(engine, "ledger_entries", f"id > {before}")
    assert any('"written":[["recordHealthCheck","HealthCheck",' in e["payload"] for e in entries)
