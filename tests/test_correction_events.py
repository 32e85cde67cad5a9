"""A correction is told only to the offices that may read one of the fields it changed (DOMAIN.md,
"Events": each office receives only events about rows and fields it may read).

The expectations come from tests/expected_access.csv (which office reads which field, reviewed against
DOMAIN.md) and from the write's own input type, never from the policy code; events/kinds.csv is only
checked against that input. Every office here reads the corrected worker's row (its home province, or
its placement with a Hekou employer), so an event it is not told of is withheld for the fields alone.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from models import EventRecord, Office
from models.base import utcnow
from models.database import make_engine
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from tests.policy_expectations import expected_visible
from tests.procedure_steps import place, ready
from tests.test_event_subscriptions import _ack, _socket, _subscribe

CORRECTOR = "lc-home-affairs"
# Offices of the worker's province and the Chinese office of its employer: each reads the worker.
OFFICES = ["lc-home-affairs", "lc-police", "lc-health", "lc-customs", "lc-border-guard", "cn-hekou"]
UPDATE_WORKER = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { id } errors { field code } } }"""
FEED = """query($after: String, $first: Int!) {
  events(after: $after, first: $first, kinds: [RECORD_CORRECTED]) {
    edges { cursor node { kind record { id } } } pageInfo { hasNextPage endCursor } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
INPUT_FIELDS = "query($t: String!) { __type(name: $t) { inputFields { name } } }"
_numbers = iter(range(10_000_000, 99_999_999, 7919))


def _corrected(fields: tuple[str, ...]) -> dict[str, str]:
    """New values for the fields named: a phone and a name are all these tests correct."""
    number = next(_numbers)
    values = {"phone": f"09{number:08d}", "fullName": f"Lý Seo Chứ {number}"}
    return {field: values[field] for field in fields}


def _correct(as_office, worker: str, fields: tuple[str, ...]) -> None:
    answer = as_office(CORRECTOR).data(
        UPDATE_WORKER, {"input": {"workerId": worker, "reason": "Sửa theo hồ sơ gốc", **_corrected(fields)}}
    )
    assert answer["updateWorker"]["errors"] == []


def _page(client, after: str | None, first: int = 100) -> dict[str, Any]:
    return client.data(FEED, {"after": after, "first": first})["events"]


def _newest(client) -> str | None:
    """The cursor of the office's newest correction event now: what a test reads after."""
    after = None
    while True:
        page = _page(client, after)
        after = page["pageInfo"]["endCursor"] or after
        if not page["pageInfo"]["hasNextPage"]:
            return after


def _told(client, after: str | None, worker: str) -> int:
    """How many correction events about the worker the office reads after `after`."""
    count = 0
    while True:
        page = _page(client, after)
        count += sum(1 for e in page["edges"] if e["node"]["record"]["id"] == worker)
        after = page["pageInfo"]["endCursor"] or after
        if not page["pageInfo"]["hasNextPage"]:
            return count


def _placed_worker(as_office) -> str:
    """A new worker of Lào Cai placed with a Hekou employer, which every office of OFFICES reads."""
    worker = ready(as_office)
    assert place(as_office, worker)["errors"] == []
    for code in OFFICES:
        assert as_office(code).data(NODE, {"id": worker})["node"] is not None, f"{code} cannot read it"
    return worker


@pytest.mark.parametrize(
    "fields", [("phone",), ("fullName", "phone"), ("fullName",)], ids=["phone", "name-and-phone", "name"]
)
def test_a_correction_reaches_exactly_the_offices_that_read_one_of_the_fields_it_changed(
    as_office, fields
) -> None:
    worker = _placed_worker(as_office)
    since = {code: _newest(as_office(code)) for code in OFFICES}
    _correct(as_office, worker, fields)
    for code in OFFICES:
        reads_one = any(expected_visible(code, f"Worker.{field}") for field in fields)
        assert _told(as_office(code), since[code], worker) == (1 if reads_one else 0), code


def test_a_phone_only_correction_reaches_the_police_but_not_cn_hekou_nor_lc_customs(as_office) -> None:
    """The case reported: cn-hekou and lc-customs may not read Worker.phone (visibility.csv)."""
    assert expected_visible("lc-police", "Worker.phone")
    assert not expected_visible("cn-hekou", "Worker.phone") and not expected_visible(
        "lc-customs", "Worker.phone"
    )
    worker = _placed_worker(as_office)
    since = {code: _newest(as_office(code)) for code in ("lc-police", "cn-hekou", "lc-customs")}
    _correct(as_office, worker, ("phone",))
    assert _told(as_office("lc-police"), since["lc-police"], worker) == 1
    for code in ("cn-hekou", "lc-customs"):
        # Absent, not merely left out of the answer: no edge, no next page, no later cursor.
        page = _page(as_office(code), since[code], first=1)
        assert page == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}, code
        assert _newest(as_office(code)) == since[code], code


def test_a_name_correction_after_a_hidden_phone_correction_is_the_only_one_cn_hekou_hears_of(
    live_server, as_office
) -> None:
    """The same feed over the subscription socket: the hidden event, committed first, never comes."""
    worker = _placed_worker(as_office)
    since = _newest(as_office("cn-hekou"))
    with _socket(live_server, "cn-hekou") as socket:
        _ack(socket)
        _subscribe(socket, {"after": since, "kinds": ["RECORD_CORRECTED"]})
        _correct(as_office, worker, ("phone",))
        _correct(as_office, worker, ("fullName",))
        about: list[dict] = []
        deadline = time.monotonic() + 20
        while not about:
            message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            assert message["type"] == "next", message
            if message["payload"]["data"]["events"]["record"]["id"] == worker:
                about.append(message)
        # Told in commit order: had the phone-only correction reached it, it would have come first,
        # and it is the name's, read now, that names the worker's current record.
        assert len(about) == 1
    assert _told(as_office("cn-hekou"), since, worker) == 1


def test_an_event_kept_without_its_fields_reaches_only_the_offices_that_read_every_correctable_field(
    as_office, database
) -> None:
    """Events written before migration 0025 name no fields: any correctable field may have changed."""
    correctable = {
        f["name"]
        for f in as_office(CORRECTOR).data(INPUT_FIELDS, {"t": "UpdateWorkerInput"})["__type"]["inputFields"]
    } - {"workerId", "reason"}
    assert {"fullName", "phone"} <= correctable
    worker = _placed_worker(as_office)
    since = {code: _newest(as_office(code)) for code in OFFICES}
    set_keyring(Keyring.load(database.key_file))  # to read the worker's global ID
    engine = make_engine(database.url)
    try:
        with engine.begin() as conn:
            office = conn.execute(select(Office.id).where(Office.code == CORRECTOR)).scalar_one()
            conn.execute(
                EventRecord.__table__.insert().values(
                    kind="RECORD_CORRECTED",
                    record_type="Worker",
                    record_id=decode_id(worker, "Worker")[1],
                    office_id=office,
                    occurred_at=utcnow(),
                    fields=None,
                )
            )
    finally:
        engine.dispose()
    for code in OFFICES:
        reads_all = all(expected_visible(code, f"Worker.{field}") for field in correctable)
        assert _told(as_office(code), since[code], worker) == (1 if reads_all else 0), code
    assert _told(as_office("lc-police"), since["lc-police"], worker) == 1  # reads all four
    assert _told(as_office("cn-hekou"), since["cn-hekou"], worker) == 0  # reads no phone


def test_a_correction_kind_lists_every_field_its_write_may_change(as_office) -> None:
    """events/kinds.csv names the fields an event kept without them may have changed: every field the
    write's input may correct, as the offices that correct see it (the quota is the Chinese office's)."""
    from events.kinds import event_kinds

    for record_type in ("Worker", "Employer"):
        names: set[str] = set()
        for code in ("lc-home-affairs", "cn-hekou"):
            given = as_office(code).data(INPUT_FIELDS, {"t": f"Update{record_type}Input"})["__type"]
            names |= {f["name"] for f in given["inputFields"]} if given else set()
        names -= {f"{record_type.lower()}Id", "reason"}
        assert event_kinds().fields["RECORD_CORRECTED"][record_type] == names
