"""A write PostgreSQL aborts for a concurrent transaction is run again, and the office's request goes
through as if the two had come one after the other (`service.transaction`, `models.conflicts`).

PostgreSQL breaks a deadlock by aborting one of the transactions in it; its manual asks the
application to run that transaction again. Here a border post records a worker's return through
the API while another transaction (an operator's script, say) holds one of the worker's placements
and then asks for the worker: the request's transaction holds the worker and waits for the
placement (its trigger keeps the window's last day, migration 0023), so the two wait for each other.
The other transaction waits longer before looking for a deadlock, so PostgreSQL aborts the request's.
A server told not to run it again (`BORDERLABOUR_CONFLICT_RETRIES=0`) answers that the write met
another and was not made, in the reader's language, and records nothing. And the writes that lock
a worker and its placements take the worker first, so that such deadlocks do not arise from the
API's own writes: an absconding reported while a return holds the worker waits holding nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from tests import procedure_steps as steps
from tests.conftest import TEST_DB_ENV, AsOffice, Database, OfficeClient, OwnRegistry, Server, office_clients
from tests.own_registry_fixtures import as_office, database, engine, live_server, registry  # noqa: F401
from tests.paging import all_nodes
from tests.waiting import a_lock_is_waited_for

pytestmark = pytest.mark.skipif(not os.environ.get(TEST_DB_ENV), reason="SQLite has one writer at a time")

RECORD = """mutation($input: RecordCrossingInput!) {
  recordCrossing(input: $input) { crossing { id direction } errors { field code message } } }"""


def _a_deployed_worker_abroad(as_office: AsOffice) -> str:  # noqa: F811
    """A deployed worker with a border pass whose last crossing is an exit: a return is in order."""
    fields = "id borderPassNumber crossings(first: 1) { direction }"
    deployed = all_nodes(as_office("lc-border-guard"), "workers", fields, ", filter: {status: [DEPLOYED]}")
    return next(
        w["id"]
        for w in reversed(deployed)
        if w["borderPassNumber"] and w["crossings"] and w["crossings"][0]["direction"] == "EXIT_VIETNAM"
    )


@pytest.fixture(scope="module")
def never_again(
    registry: OwnRegistry,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """A second server over the module's database that runs no aborted write again."""
    log = tmp_path_factory.mktemp("never_again") / "server.log"
    server = Server(registry.database, registry.server.tokens, log, BORDERLABOUR_CONFLICT_RETRIES="0")
    yield server
    server.stop()


def _return_in_a_deadlock(guard: OfficeClient, worker: str, worker_id: int, engine: Engine) -> dict[str, Any]:  # noqa: F811
    """The worker's return sent by `guard` while another transaction holds one of the worker's
    placements and then asks for the worker: (status, body) of the answer, and the return's moment."""
    crossed_at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
    answer: dict[str, Any] = {"crossed_at": dt.datetime.fromisoformat(crossed_at)}

    def record() -> None:
        data = {
            "workerId": worker,
            "gateCode": "GATE-LAOCAI-HEKOU",
            "direction": "ENTER_VIETNAM",
            "crossedAt": crossed_at,
            "document": "BORDER_PASS",
        }
        response = guard.post(
            {"query": RECORD, "variables": {"input": data}}, headers={"Accept-Language": "vi"}
        )
        answer["status"], answer["body"] = response.status_code, response.json()

    other = engine.connect()
    held = other.begin()
    recording = threading.Thread(target=record)
    try:
        other.execute(text("SET LOCAL deadlock_timeout = '60s'"))  # the request's backend looks first
        placement = other.scalar(
            text("SELECT id FROM placements WHERE worker_id = :w ORDER BY id LIMIT 1 FOR UPDATE"),
            {"w": worker_id},
        )
        assert placement is not None, "the worker has no placement: its return would lock nothing"
        recording.start()
        waited = a_lock_is_waited_for(engine, 20)
        assert waited, "the request never waited for the placement: nothing was raced"
        # Wait for the worker the request holds: a deadlock, which PostgreSQL breaks by aborting the
        # request's transaction (its deadlock_timeout is the server's default, 1 s, against 60 s here).
        other.execute(text("SELECT id FROM workers WHERE id = :w FOR UPDATE"), {"w": worker_id})
    finally:
        held.rollback()
        other.close()
        if recording.ident is not None:  # started: its request ends once nothing holds its locks
            recording.join(timeout=60)
    return answer


def _returns_at(engine: Engine, worker_id: int, at: dt.datetime) -> int:  # noqa: F811
    with engine.connect() as conn:
        return int(
            conn.scalar(
                text(
                    "SELECT count(*) FROM crossings WHERE worker_id = :w "
                    "AND direction = 'enter_vietnam' AND crossed_at = :at"
                ),
                {"w": worker_id, "at": at},
            )
        )


def test_a_return_the_database_aborts_in_a_deadlock_is_recorded_once_when_run_again(
    as_office: AsOffice,  # noqa: F811
    database: Database,  # noqa: F811
    engine: Engine,  # noqa: F811
) -> None:
    set_keyring(Keyring.load(database.key_file))
    worker = _a_deployed_worker_abroad(as_office)
    worker_id = decode_id(worker, "Worker")[1]
    answer = _return_in_a_deadlock(as_office("lc-border-guard"), worker, worker_id, engine)
    assert answer["status"] == 200, answer
    payload = answer["body"]["data"]["recordCrossing"]
    assert payload["errors"] == [] and payload["crossing"]["direction"] == "ENTER_VIETNAM", answer["body"]
    assert _returns_at(engine, worker_id, answer["crossed_at"]) == 1, "recorded more than once, or not at all"


def test_a_write_not_run_again_is_refused_as_a_conflict_in_the_readers_language_and_keeps_nothing(
    as_office: AsOffice,  # noqa: F811
    database: Database,  # noqa: F811
    engine: Engine,  # noqa: F811
    never_again: Server,
) -> None:
    set_keyring(Keyring.load(database.key_file))
    worker = _a_deployed_worker_abroad(as_office)
    worker_id = decode_id(worker, "Worker")[1]
    answer = _return_in_a_deadlock(office_clients(never_again)("lc-border-guard"), worker, worker_id, engine)
    assert answer["status"] == 503, answer
    assert answer["body"]["errors"][0]["extensions"]["code"] == "WRITE_CONFLICT", answer["body"]
    # locales/vi.po: the write met another one made at the same moment and was not made; retry it
    assert "trùng thời điểm" in answer["body"]["errors"][0]["message"], answer["body"]
    assert _returns_at(engine, worker_id, answer["crossed_at"]) == 0, "a refused write kept its return"


def test_a_placements_end_waits_for_its_worker_before_it_takes_the_placement(
    as_office: AsOffice,  # noqa: F811
    database: Database,  # noqa: F811
    engine: Engine,  # noqa: F811
) -> None:
    """A return holds the worker, then its trigger locks the worker's placements; an absconding
    reported meanwhile must wait for the worker holding none of them (`hold_worker`), or the two
    would wait for each other. While another transaction holds the worker as a return does, the
    report waits, and the placement stays free for that transaction to lock."""
    worker = steps.ready(as_office)
    placement = steps.place(as_office, worker)["placement"]["id"]
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=0)["errors"] == []
    hekou = as_office("cn-hekou")
    hekou.data(steps.CONFIRM, {"input": {"placementId": placement, "workPermitNumber": steps.work_permit()}})
    set_keyring(Keyring.load(database.key_file))
    worker_id, placement_id = decode_id(worker, "Worker")[1], decode_id(placement, "Placement")[1]
    answer: dict[str, Any] = {}

    def report() -> None:
        data = {"placementId": placement, "endDate": steps.today().isoformat(), "outcome": "ABSCONDED"}
        response = hekou.post({"query": steps.END, "variables": {"input": data}})
        answer["status"], answer["body"] = response.status_code, response.json()

    other = engine.connect()
    held = other.begin()
    other.execute(text("SELECT id FROM workers WHERE id = :w FOR NO KEY UPDATE"), {"w": worker_id})
    reporting = threading.Thread(target=report)
    reporting.start()
    try:
        waited = a_lock_is_waited_for(engine, 20)
        assert waited, "the report never waited for the worker: nothing was raced"
        free = other.scalar(
            text("SELECT id FROM placements WHERE id = :p FOR UPDATE SKIP LOCKED"), {"p": placement_id}
        )
        assert free == placement_id, "the report locked the placement before it had the worker"
    finally:
        held.commit()
        other.close()
        reporting.join(timeout=60)
    assert answer["status"] == 200 and answer["body"]["data"]["reportPlacementEnd"]["errors"] == [], answer
    assert steps.status(as_office("lc-home-affairs"), worker) == "ABSCONDED"
