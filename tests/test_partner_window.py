"""A Chinese office sees a worker only within a placement's window (issue 18, point 1).

Every worker here is built through the API by the offices whose duty each step is (one earlier
trip is loaded as history: through the API an exit needs a placement made by its day), with dates
chosen so that the rule's text alone says what the partner office must see: open from the
placement's creation (or its start) until `partnerAccessDays` (default 90) after the later of its
end and the worker's return; a cancelled placement until 30 days after the cancellation. Outside
the window a worker does not exist for the office: in lists, `node()`, counts, cursors, exports and
the ledger's count of a search's matches.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, event, func, literal, select, text

import models
from models.opaque import decode_id, encode_id
from models.sealing import configure_keyring
from planner.engine import CompiledReads
from policies import windows
from policies.sessions import internal_session, scoped_session
from policies.tokens import identity_of
from procedure import calendar as clock
from procedure.rules import window_opens
from schema.context import RequestContext
from schema.criteria import searches_personal
from service.operations import run_operation
from service.registry import Registry
from settings import normalise_url
from tests import plain_http
from tests import procedure_steps as steps
from tests.conftest import Database, run_cli
from tests.paging import all_nodes

DAY = 24 * 60  # minutes
NODE = (
    "query($id: ID!) { node(id: $id) { id ... on Worker { crossings(first: 100) { crossedAt direction } } } }"
)
BY_PASS = """query($n: String!) { workers(first: 5, filter: {borderPassNumber: $n}) {
  totalCount nodes { id } } }"""
CANCEL = """mutation($input: CancelPlacementInput!) {
  cancelPlacement(input: $input) { placement { id status } errors { field code } } }"""
VOID = """mutation($input: VoidRecordInput!) { voidRecord(input: $input) { errors { field code } } }"""
REQUIREMENTS = """mutation($input: UpdateAgreementRequirementsInput!) {
  updateAgreementRequirements(input: $input) {
    agreement { requirements { partnerAccessDays } } errors { field code message } } }"""
LC, HG = "VN-LC", "VN-HG"
NO_DAY = literal(dt.date(2000, 1, 1))  # a day to ask about where a window has no last day


@pytest.fixture(scope="module")
def engine(database: Database):
    configure_keyring(database.key_file)  # to read a global ID's row, as the server does
    engine = create_engine(normalise_url(database.url))
    yield engine
    engine.dispose()


# -- building a worker's history through the API -------------------------------------------------
def _ok(result: dict[str, Any]) -> dict[str, Any]:
    assert result["errors"] == [], result["errors"]
    return result


def _registered_and_cleared(as_office, province: str, start_days_ago: int) -> tuple[str, str]:
    """A new worker with the clearance and health check a placement starting then relies on."""
    passport = f"BP{next(steps._serial):07d}"
    labour = as_office(steps.LABOUR[province], "worker-registration")
    # The province's last commune: the first ones are those other tests count residents of.
    commune = steps.communes(labour, steps.CURRENT[province])[-1]
    registered = labour.data(
        steps.REGISTER, {"input": steps.registration(province, commune, borderPassNumber=passport)}
    )["registerWorker"]
    worker = _ok(registered)["worker"]["id"]
    police = as_office(steps.POLICE[province]).data(
        steps.CLEARANCE,
        {"input": {"workerId": worker, "issuedOn": steps.days_ago(start_days_ago + 10), "result": "CLEAR"}},
    )
    _ok(police["recordPoliceClearance"])
    health = as_office(steps.HEALTH[province]).data(
        steps.HEALTH_CHECK,
        {"input": {"workerId": worker, "checkedOn": steps.days_ago(start_days_ago + 5), "result": "FIT"}},
    )
    _ok(health["recordHealthCheck"])
    return worker, passport


def _placed(as_office, province: str, worker: str, agreement: str, county: str, start_days_ago: int) -> str:
    labour = as_office(steps.LABOUR[province])
    agreement_id, employer = steps.ids(labour, agreement, county)
    data = steps.placement_input(worker, agreement_id, employer, startDate=steps.days_ago(start_days_ago))
    return _ok(labour.data(steps.PLACE, {"input": data})["createPlacement"])["placement"]["id"]


def _crossed(as_office, office: str, worker: str, direction: str, gate: str, days_ago: float) -> str:
    return _ok(steps.cross(as_office, office, worker, direction, gate, minutes_ago=days_ago * DAY))[
        "crossing"
    ]["id"]


def _worked(as_office, cn_office: str, placement: str, end_days_ago: int | None) -> None:
    partner = as_office(cn_office)
    confirm = {"placementId": placement, "workPermitNumber": steps.work_permit()}
    _ok(partner.data(steps.CONFIRM, {"input": confirm})["confirmPlacementStart"])
    if end_days_ago is not None:
        end = {"placementId": placement, "endDate": steps.days_ago(end_days_ago), "outcome": "COMPLETED"}
        _ok(partner.data(steps.END, {"input": end})["reportPlacementEnd"])


def _loaded(database: Database, worker: str, direction: models.Direction, gate: str, days_ago: float) -> str:
    """A crossing of the worker's written straight into the database, as history loaded in bulk is:
    through the API an exit must leave for a placement made by its day (`placement_left_for`)."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    return encode_id("Crossing", steps.load_crossing(database, worker, direction, gate, at))


def _hekou_stay(as_office, start: int, end: int, back: int, earlier_trip: Any = None) -> dict[str, Any]:
    """A Lào Cai worker placed in Hekou `start` days ago, ended `end` days ago, back `back` days ago;
    with `earlier_trip` (a database), a trip 200 to 190 days before the start, loaded into it."""
    worker, passport = _registered_and_cleared(as_office, LC, start)
    placement = _placed(as_office, LC, worker, "AGR-LC-HK", "CN-YN-HH-HK", start)
    gate = "GATE-LAOCAI-HEKOU"
    crossings = {}
    if earlier_trip is not None:  # a trip long before the placement: outside every window of Hekou's
        crossings["before-out"] = _loaded(
            earlier_trip, worker, models.Direction.EXIT_VIETNAM, gate, start + 200
        )
        crossings["before-in"] = _loaded(
            earlier_trip, worker, models.Direction.ENTER_VIETNAM, gate, start + 190
        )
    crossings["out"] = _crossed(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", gate, start - 1)
    _worked(as_office, "cn-hekou", placement, end)
    crossings["back"] = _crossed(as_office, "lc-border-guard", worker, "ENTER_VIETNAM", gate, back)
    return {"id": worker, "passport": passport, "placement": placement, "crossings": crossings}


@pytest.fixture(scope="module")
def returned_long_ago(as_office) -> dict[str, Any]:
    return _hekou_stay(as_office, start=300, end=102, back=100)


@pytest.fixture(scope="module")
def returned_lately(as_office, database) -> dict[str, Any]:
    return _hekou_stay(as_office, start=200, end=12, back=10, earlier_trip=database)


def _sees(client, worker: dict[str, Any]) -> bool:
    return client.data(NODE, {"id": worker["id"]})["node"] is not None


def _export_ids(live_server) -> set[str]:
    headers = {
        "Authorization": f"Bearer {live_server.tokens['cn-hekou']}",
        "X-Purpose": "placement-verification",
    }
    response = plain_http.get(f"{live_server.url}/exports/workers.xlsx", headers=headers, timeout=120)
    assert response.status_code == 200, response.text
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("Record ID")  # the export heads its columns in the reader's language
    return {row[column] for row in rows[1:]}


def _matched_of_last_search(engine, office: str) -> int:
    with engine.connect() as conn:
        payload = conn.execute(
            text(
                "SELECT e.payload FROM ledger_entries e JOIN offices o ON o.id = e.office_id "
                "WHERE o.code = :o ORDER BY e.id DESC LIMIT 1"
            ),
            {"o": office},
        ).scalar_one()
    (criteria,) = json.loads(payload)["criteria"]
    return int(criteria["matched"])


# -- the window's ends ----------------------------------------------------------------------------
def test_a_worker_back_100_days_ago_does_not_exist_for_hekou_anywhere(
    as_office, live_server, engine, returned_long_ago
) -> None:
    hekou = as_office("cn-hekou")
    worker = returned_long_ago
    assert not _sees(hekou, worker)
    assert worker["id"] not in {w["id"] for w in all_nodes(hekou, "workers", "id")}  # every page, by cursor
    assert hekou.data(BY_PASS, {"n": worker["passport"]})["workers"] == {"totalCount": 0, "nodes": []}
    assert _matched_of_last_search(engine, "cn-hekou") == 0
    assert worker["id"] not in _export_ids(live_server)
    assert hekou.data(NODE, {"id": worker["placement"]})["node"] is None
    crossings = {c["id"] for c in all_nodes(hekou, "crossings", "id")}
    assert not crossings & set(worker["crossings"].values())
    # Its own labour department still sees it, exactly as before.
    labour = as_office("lc-home-affairs")
    assert labour.data(BY_PASS, {"n": worker["passport"]})["workers"]["totalCount"] == 1


def test_a_worker_back_10_days_ago_is_seen_with_only_its_windows_crossings(
    as_office, live_server, engine, returned_lately
) -> None:
    hekou = as_office("cn-hekou")
    worker = returned_lately
    node = hekou.data(NODE, {"id": worker["id"]})["node"]
    assert node is not None
    assert worker["id"] in {w["id"] for w in all_nodes(hekou, "workers", "id")}
    assert hekou.data(BY_PASS, {"n": worker["passport"]})["workers"]["totalCount"] == 1
    assert _matched_of_last_search(engine, "cn-hekou") == 1
    assert worker["id"] in _export_ids(live_server)
    # The exit for the placement and the return; not the trip 390 days ago.
    assert len(node["crossings"]) == 2
    assert [c["direction"] for c in node["crossings"]] == ["ENTER_VIETNAM", "EXIT_VIETNAM"]
    seen = {c["id"] for c in all_nodes(hekou, "crossings", "id")}
    ids = worker["crossings"]
    assert {ids["out"], ids["back"]} <= seen and not {ids["before-out"], ids["before-in"]} & seen
    labour_view = as_office("lc-home-affairs").data(NODE, {"id": worker["id"]})["node"]
    assert len(labour_view["crossings"]) == 4


def test_hekou_sees_the_health_check_the_placement_relied_on_and_not_a_later_one(
    as_office, returned_lately
) -> None:
    worker = returned_lately["id"]
    later = as_office(steps.HEALTH[LC]).data(
        steps.HEALTH_CHECK, {"input": {"workerId": worker, "checkedOn": steps.days_ago(3), "result": "FIT"}}
    )
    _ok(later["recordHealthCheck"])
    query = "query($id: ID!) { node(id: $id) { ... on Worker { healthChecks { checkedOn } } } }"
    seen = as_office("cn-hekou").data(query, {"id": worker})["node"]["healthChecks"]
    assert [c["checkedOn"] for c in seen] == [steps.days_ago(205)]
    labour = as_office("lc-home-affairs").data(query, {"id": worker})["node"]["healthChecks"]
    assert len(labour) == 2


def test_voiding_the_return_moves_the_window_at_once(as_office) -> None:
    # Ended 95 days ago, back 80 days ago: open until 10 days from now. Without the return, the
    # window counts from the end date and closed 5 days ago.
    worker = _hekou_stay(as_office, start=250, end=95, back=80)
    hekou = as_office("cn-hekou")
    assert _sees(hekou, worker)
    void = {"recordId": worker["crossings"]["back"], "reason": "Ghi nhầm người qua cửa khẩu"}
    _ok(as_office("lc-border-guard").data(VOID, {"input": void})["voidRecord"])
    assert not _sees(hekou, worker)
    assert hekou.data(BY_PASS, {"n": worker["passport"]})["workers"]["totalCount"] == 0


def test_a_corrected_end_date_changes_what_hekou_sees_at_once(as_office, engine) -> None:
    # Back 100 days ago: closed. An end date corrected to 5 days ago (the worker went back across
    # unrecorded) opens the window again, without any cache serving the old answer.
    worker = _hekou_stay(as_office, start=300, end=102, back=100)
    hekou = as_office("cn-hekou")
    assert hekou.data(BY_PASS, {"n": worker["passport"]})["workers"]["totalCount"] == 0
    _set_end_date(engine, worker, steps.days_ago(5))
    assert hekou.data(BY_PASS, {"n": worker["passport"]})["workers"]["totalCount"] == 1
    assert _sees(hekou, worker)
    _set_end_date(engine, worker, steps.days_ago(102))
    assert not _sees(hekou, worker)


def _set_end_date(engine, worker: dict[str, Any], day: str) -> None:
    """Corrects the end date in the database itself: the registry has no write for it yet."""
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE placements SET end_date = :d WHERE id = :p"),
            {"d": day, "p": _placement_row_id(worker["placement"])},
        ).rowcount
    assert changed == 1


def _moment(days_ago: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)


def _placement_row_id(global_id: str) -> int:
    type_name, row_id = decode_id(global_id)
    assert type_name == "Placement"
    return row_id


def test_a_cancelled_placement_is_open_for_30_days_after_the_cancellation(as_office, engine) -> None:
    worker, passport = _registered_and_cleared(as_office, LC, 0)
    placement = _placed(as_office, LC, worker, "AGR-LC-HK", "CN-YN-HH-HK", 0)
    labour = as_office(steps.LABOUR[LC])
    cancel = {"placementId": placement, "reason": "Người lao động không đi nữa"}
    _ok(labour.data(CANCEL, {"input": cancel})["cancelPlacement"])
    hekou = as_office("cn-hekou")
    assert hekou.data(BY_PASS, {"n": passport})["workers"]["totalCount"] == 1
    for days_ago, seen in ((30, 1), (31, 0)):  # the cancellation, moved back in time
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE corrections SET at = :at WHERE record_type = 'Placement' AND record_id = :p "
                    "AND duty = 'cancelPlacement'"
                ),
                {"at": _moment(days_ago), "p": _placement_row_id(placement)},
            )
        assert hekou.data(BY_PASS, {"n": passport})["workers"]["totalCount"] == seen, days_ago


def test_wenshan_does_not_read_a_worker_it_had_during_his_napo_years(as_office) -> None:
    # Wenshan from 330 to 200 days ago, back the next day: its window closed 109 days ago. Napo
    # since 150 days ago. (All within this year and the last: the 2024 reports stay the demo's.)
    worker, passport = _registered_and_cleared(as_office, HG, 330)
    wenshan = _placed(as_office, HG, worker, "AGR-HG-WS", "CN-YN-WS-MLP", 330)
    gate = "GATE-THANHTHUY-TIANBAO"
    first_out = _crossed(as_office, "tq-border-guard", worker, "EXIT_VIETNAM", gate, 329)
    _worked(as_office, "cn-wenshan", wenshan, 200)
    first_back = _crossed(as_office, "tq-border-guard", worker, "ENTER_VIETNAM", gate, 199)
    for office, kind in ((steps.POLICE[HG], "CLEARANCE"), (steps.HEALTH[HG], "HEALTH_CHECK")):
        field = "issuedOn" if kind == "CLEARANCE" else "checkedOn"
        result = "CLEAR" if kind == "CLEARANCE" else "FIT"
        answer = as_office(office).data(
            getattr(steps, kind),
            {"input": {"workerId": worker, field: steps.days_ago(160), "result": result}},
        )
        assert all(not v["errors"] for v in answer.values())
    napo = _placed(as_office, HG, worker, "AGR-HG-BS", "CN-GX-BS-NP", 150)
    napo_out = _crossed(as_office, "tq-border-guard", worker, "EXIT_VIETNAM", gate, 149)
    _worked(as_office, "cn-napo", napo, None)
    assert not _sees(as_office("cn-wenshan"), {"id": worker})
    assert as_office("cn-wenshan").data(BY_PASS, {"n": passport})["workers"]["totalCount"] == 0
    node = as_office("cn-napo").data(NODE, {"id": worker})["node"]
    assert node is not None and len(node["crossings"]) == 1  # the Napo exit, not the Wenshan years
    query = "query($id: ID!) { node(id: $id) { ... on Worker { placements { id } } } }"
    assert as_office("cn-napo").data(query, {"id": worker})["node"]["placements"] == [{"id": napo}]
    seen = {c["id"] for c in all_nodes(as_office("cn-napo"), "crossings", "id")}
    assert napo_out in seen and not {first_out, first_back} & seen


# -- the days, as data --------------------------------------------------------------------------
def test_partner_access_days_is_a_requirement_refused_when_negative_or_absurd(as_office) -> None:
    labour = as_office(steps.LABOUR[LC])
    agreement, _ = steps.ids(labour, "AGR-LC-HK", "CN-YN-HH-HK")
    for days in (-1, 731, 100_000):
        refused = labour.data(REQUIREMENTS, {"input": {"agreementId": agreement, "partnerAccessDays": days}})
        errors = refused["updateAgreementRequirements"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("partnerAccessDays", "OUT_OF_RANGE")]
        assert "0" in errors[0]["message"] and "730" in errors[0]["message"]
    translated = as_office(steps.LABOUR[LC]).query(
        REQUIREMENTS,
        {"input": {"agreementId": agreement, "partnerAccessDays": -5}},
        headers={"Accept-Language": "vi"},
    )["data"]["updateAgreementRequirements"]["errors"][0]["message"]
    assert translated != errors[0]["message"] and "730" in translated
    current = labour.data("{ agreements { code requirements { partnerAccessDays } } }")["agreements"]
    assert next(a for a in current if a["code"] == "AGR-LC-HK")["requirements"] == {"partnerAccessDays": 90}


CREATE_AGREEMENT = """mutation($input: CreateAgreementInput!) {
  createAgreement(input: $input) { agreement { id code } errors { field code } } }"""


def test_an_agreements_partner_access_days_decide_its_windows_from_the_version_in_force(
    as_office, engine
) -> None:
    labour = as_office(steps.LABOUR[LC])
    code = f"AGR-LC-HK-W{next(steps._serial)}"
    created = labour.data(
        CREATE_AGREEMENT,
        {
            "input": {
                "code": code,
                "title": "Biên bản hợp tác thử nghiệm thời hạn chia sẻ",
                "vietnamesePartyCode": "VN-LC",
                "chinesePartyCode": "CN-YN-HH-HK",
                "signedOn": "2024-01-10",
                "validFrom": "2024-01-10",
                "borderGateCodes": ["GATE-LAOCAI-HEKOU"],
            }
        },
    )["createAgreement"]
    _ok(created)
    # Ten days from 400 days ago on: a placement of this agreement ended 52 days ago and back 50
    # days ago closed 40 days ago; under the default 90 days it would still be open.
    changed = labour.data(
        REQUIREMENTS,
        {
            "input": {
                "agreementId": created["agreement"]["id"],
                "partnerAccessDays": 10,
                "validFrom": steps.days_ago(400),
            }
        },
    )["updateAgreementRequirements"]
    assert _ok(changed)["agreement"]["requirements"] == {"partnerAccessDays": 10}
    with engine.connect() as conn:
        ledgered = (
            conn.execute(text("SELECT payload FROM ledger_entries ORDER BY id DESC LIMIT 20")).scalars().all()
        )
    assert any("updateAgreementRequirements" in entry for entry in ledgered)
    worker, passport = _registered_and_cleared(as_office, LC, 300)
    placement = _placed(as_office, LC, worker, code, "CN-YN-HH-HK", 300)
    gate = "GATE-LAOCAI-HEKOU"
    _crossed(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", gate, 299)
    _worked(as_office, "cn-hekou", placement, 52)
    _crossed(as_office, "lc-border-guard", worker, "ENTER_VIETNAM", gate, 50)
    assert as_office("cn-hekou").data(BY_PASS, {"n": passport})["workers"]["totalCount"] == 0
    assert as_office("lc-home-affairs").data(BY_PASS, {"n": passport})["workers"]["totalCount"] == 1


# -- explain-row ----------------------------------------------------------------------------------
def test_explain_row_names_the_placement_and_the_last_day_an_office_sees_a_worker(
    database, returned_lately, returned_long_ago
) -> None:
    # `--worker=ID`: a global ID may begin with "-", which argparse would take for an option.
    seen = run_cli(
        database, "policy", "explain-row", "--office", "cn-hekou", f"--worker={returned_lately['id']}"
    )
    assert f"cn-hekou SEES worker {returned_lately['id']}" in seen.stdout
    assert f"placement {returned_lately['placement']}" in seen.stdout
    last_day = steps.today() + dt.timedelta(days=90 - 10)  # back 10 days ago, 90 days after it
    assert f"seen until: {last_day.isoformat()}" in seen.stdout
    unseen = run_cli(
        database,
        "policy",
        "explain-row",
        "--office",
        "cn-hekou",
        f"--worker={returned_long_ago['id']}",
        check=False,
    )
    assert unseen.returncode == 1
    closed = steps.today() - dt.timedelta(days=100 - 90)
    assert f"DOES NOT SEE worker {returned_long_ago['id']}" in unseen.stdout
    assert f"until {closed.isoformat()}: closed" in unseen.stdout
    labour = run_cli(
        database,
        "policy",
        "explain-row",
        "--office",
        "lc-home-affairs",
        f"--worker={returned_long_ago['id']}",
    )
    assert "SEES" in labour.stdout and "no window" in labour.stdout


# -- today is an input ----------------------------------------------------------------------------
SEARCH = (
    "query($n: String!) { workers(first: 5, filter: {borderPassNumber: $n}) { totalCount nodes { id } } }"
)


def _searcher(registry: Registry, code: str) -> Callable[[str], tuple[int, int, bool]]:
    """Runs the search in-process as the server does (compiled, one plan cache): the total count,
    the ledger's count of matches, and whether a statement counted rows."""
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == code)).one()
        grant = registry.access.grant_for(identity_of(office))
    schema, compiled = registry.schemas.schema_for(grant), CompiledReads(searches_personal)
    prepared = schema.operations.prepare(SEARCH, None)
    statements: list[str] = []
    event.listen(registry.engine, "before_cursor_execute", lambda _c, _k, sql, *_: statements.append(sql))

    def search(passport: str) -> tuple[int, int, bool]:
        statements.clear()
        session = scoped_session(registry.sessions, grant)
        try:
            context = RequestContext(
                grant=grant,
                session=session,
                request_id="window",
                purpose="placement-verification",
                ledger_key=registry.ledger_key,
                compiled=compiled,
            )
            result = run_operation(schema, prepared, context, SEARCH, {"n": passport}, None)
            assert result.errors is None
            total = result.data["workers"]["totalCount"]
            return total, context.recorder.matched["workers"](), any("count(" in s for s in statements)
        finally:
            session.rollback()
            session.close()

    return search


def test_a_window_closes_when_its_last_day_passes_with_no_write(
    registry: Registry, returned_lately, monkeypatch
) -> None:
    search = _searcher(registry, "cn-hekou")
    today = steps.today()
    assert search(returned_lately["passport"])[:2] == (1, 1)
    last_day = today + dt.timedelta(days=90 - 10)  # back 10 days ago
    monkeypatch.setattr(clock, "today", lambda: last_day)
    assert search(returned_lately["passport"])[:2] == (1, 1)
    monkeypatch.setattr(clock, "today", lambda: last_day + dt.timedelta(days=1))
    assert search(returned_lately["passport"])[:2] == (0, 0)


def test_a_window_closes_for_every_scoped_session_when_its_last_day_passes(
    registry: Registry, returned_lately, monkeypatch
) -> None:
    """What reads through a session's row scope (the reference engine, writes, files, reports) gets
    the scope's SQL kept from one statement to the next; the registry's day is read as each runs."""
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == "cn-hekou")).one()
        grant = registry.access.grant_for(identity_of(office))
    worker_id = decode_id(returned_lately["id"], "Worker")[1]

    def seen() -> bool:
        with scoped_session(registry.sessions, grant) as session:
            return (
                session.scalars(select(models.Worker).where(models.Worker.id == worker_id)).first()
                is not None
            )

    last_day = steps.today() + dt.timedelta(days=90 - 10)  # back 10 days ago
    assert seen() and seen()
    monkeypatch.setattr(clock, "today", lambda: last_day)
    assert seen()
    monkeypatch.setattr(clock, "today", lambda: last_day + dt.timedelta(days=1))
    assert not seen()


def test_a_remembered_count_is_made_again_on_a_new_day(registry: Registry, as_office, monkeypatch) -> None:
    # A Vietnamese office's counts are remembered (they read only tables the data version follows);
    # on the next day the count is made again, though nothing was written.
    _, passport = _registered_and_cleared(as_office, LC, 0)
    search = _searcher(registry, steps.LABOUR[LC])
    assert search(passport) == (1, 1, True)
    assert search(passport) == (1, 1, False)
    tomorrow = steps.today() + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    assert search(passport) == (1, 1, True)
    assert search(passport) == (1, 1, False)


def test_the_kept_last_day_answers_as_its_definition_does(
    engine, returned_long_ago, returned_lately, as_office
) -> None:
    """`windows.lasts_until` reads the kept last day (`placements.window_closes`); on every
    placement, on its last day, the day after and today, it must say what `closes` says."""
    worker, _ = _registered_and_cleared(as_office, LC, 0)
    cancelled = _placed(as_office, LC, worker, "AGR-LC-HK", "CN-YN-HH-HK", 0)
    cancel = {"placementId": cancelled, "reason": "Người lao động không đi nữa"}
    _ok(as_office(steps.LABOUR[LC]).data(CANCEL, {"input": cancel})["cancelPlacement"])
    placement = models.Placement.__table__.alias("p")
    last = windows.closes(placement)
    last_or_any = func.coalesce(last, NO_DAY)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                placement.c.status,
                placement.c.end_date,
                windows.returned_on(placement),
                last,
                windows.lasts_until(placement, last_or_any),
                windows.lasts_until(placement, windows.DaysAfter(last_or_any, 1)),
                windows.lasts_until(placement, windows.TODAY),
            )
        ).all()
    kinds = {
        "open": any(r[3] is None for r in rows),
        "cancelled": any(r[0] == "cancelled" for r in rows),
        "moved by the return": any(r[2] is not None and r[2] > r[1] for r in rows),
        "ended with no return": any(r[1] is not None and r[2] is None and r[0] != "cancelled" for r in rows),
    }
    assert all(kinds.values()), kinds
    today = steps.today()
    for status, _end, _back, closes, on_last, day_after, on_today in rows:
        expected = [True, True, True] if closes is None else [True, False, closes >= today]
        assert [bool(on_last), bool(day_after), bool(on_today)] == expected, (status, closes)


def test_an_exit_is_judged_by_the_first_day_of_the_window_the_row_scopes_open(
    engine, returned_long_ago, as_office
) -> None:
    """`procedure.rules.window_opens` (by which an exit finds its placement) and `windows.opens` (by
    which a Chinese office sees the exit) must agree on every placement: one recorded after its
    start, one made before it, and one made at 17:30 UTC, which is the next day in Vietnam."""
    worker, _ = _registered_and_cleared(as_office, LC, 0)
    planned = _placed(as_office, LC, worker, "AGR-LC-HK", "CN-YN-HH-HK", -30)  # starts in 30 days
    evening = dt.datetime.combine(clock.today() - dt.timedelta(days=10), dt.time(17, 30), dt.UTC)
    table = models.Placement.__table__
    with engine.begin() as conn:
        conn.execute(
            table.update().where(table.c.id == decode_id(planned, "Placement")[1]).values(created_at=evening)
        )
    placement = table.alias("p")
    with engine.connect() as conn:
        rows = conn.execute(
            select(placement.c.created_at, placement.c.start_date, windows.opens(placement))
        ).all()
    made = [(clock.day_of(created), start) for created, start, _ in rows]
    assert any(day > start for day, start in made), "one recorded after its start"
    assert any(day < start for day, start in made), "one made before its start"
    assert any(created == evening for created, _, _ in rows), "one made in the evening, UTC"
    assert [window_opens(created, start) for created, start, _ in rows] == [opened for *_, opened in rows]
    assert {opened for created, _, opened in rows if created == evening} == {
        evening.date() + dt.timedelta(days=1)
    }
