"""Due alerts (issue 20 item 1, issue 22 item 3): what falls due is told as an event, once, to the
offices that may read the row it is about, raised by a scan that `serve` runs itself under one
leader, or on demand with `borderlabour events scan-due`.

Each row is built through the API by the offices whose duty each step is, with dates chosen so that
the thresholds of `events/due.toml` alone say the alert is due today: a placement ended 8 days ago
with no return (7 days); a planned start after the clearance's 6 months and the health check's 12
run out (the newer checks voided); an agreement whose validity ends in 30 days (60 days' notice);
an action item due today. Who must be told is DOMAIN.md's table: the rows' readers, never others.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from events.due import Due, raise_due
from events.due_rules import DueRulesRefused, load_thresholds, thresholds_on
from harness.databases import demo_copy
from models.database import make_engine, session_factory
from policies.sessions import internal_session
from procedure import calendar as clock
from tests import plain_http
from tests import procedure_steps as steps
from tests.conftest import Server, office_clients, run_cli
from tests.waiting import until

DAY = 24 * 60  # minutes
FEED = """query($after: String, $kinds: [EventKind!]) { events(after: $after, first: 100, kinds: $kinds) {
  edges { cursor node { kind record { __typename id } } } pageInfo { hasNextPage endCursor } } }"""
VOID = """mutation($input: VoidRecordInput!) { voidRecord(input: $input) { errors { field code } } }"""
CREATE_AGREEMENT = """mutation($input: CreateAgreementInput!) {
  createAgreement(input: $input) { agreement { id } errors { field code } } }"""
MINUTES = """mutation($input: AddTalksMinutesInput!) {
  addTalksMinutes(input: $input) { talksMinutes { id } errors { field code } } }"""
ITEM = """mutation($input: AddActionItemInput!) {
  addActionItem(input: $input) { actionItem { id } errors { field code } } }"""
UPDATE_ITEM = """mutation($input: UpdateActionItemInput!) {
  updateActionItem(input: $input) { actionItem { id } errors { field code } } }"""
ALERTS = ["NO_RETURN_AFTER_END", "CHECK_EXPIRES_BEFORE_START", "AGREEMENT_ENDING", "ACTION_ITEM_DUE"]
READERS = ["cn-hekou", "cn-wenshan", "lc-home-affairs", "lc-police", "lc-health", "tq-home-affairs"]


def _ok(result: dict) -> dict:
    assert result["errors"] == [], result["errors"]
    return result


def _told(client, kinds: list[str]) -> list[tuple[str, str]]:
    """(kind, record id) of every event of `kinds` the office reads, from the first."""
    told: list[tuple[str, str]] = []
    after = None
    while True:
        page = client.data(FEED, {"after": after, "kinds": kinds})["events"]
        told.extend((e["node"]["kind"], e["node"]["record"]["id"]) for e in page["edges"])
        after = page["pageInfo"]["endCursor"] or after
        if not page["pageInfo"]["hasNextPage"]:
            return told


def _worker_with_checks(as_office, clearances: list[int], health_checks: list[int]) -> tuple[str, list, list]:
    """A new Lào Cai worker with CLEAR clearances and FIT checks dated the given days ago."""
    worker = steps.register(as_office)
    police, health = as_office("lc-police"), as_office("lc-health")
    made = [
        _ok(
            police.data(
                steps.CLEARANCE,
                {"input": {"workerId": worker, "issuedOn": steps.days_ago(d), "result": "CLEAR"}},
            )["recordPoliceClearance"]
        )["policeClearance"]["id"]
        for d in clearances
    ]
    checked = [
        _ok(
            health.data(
                steps.HEALTH_CHECK,
                {"input": {"workerId": worker, "checkedOn": steps.days_ago(d), "result": "FIT"}},
            )["recordHealthCheck"]
        )["healthCheck"]["id"]
        for d in health_checks
    ]
    return worker, made, checked


def _placed(as_office, worker: str, start_days_ago: int) -> str:
    return _ok(steps.place(as_office, worker, startDate=steps.days_ago(start_days_ago)))["placement"]["id"]


def _ended(as_office, returned_days_ago: int | None = None) -> str:
    """A placement that started 40 days ago and ended 8 days ago; the worker came back on the day
    given, or not at all."""
    worker, _, _ = _worker_with_checks(as_office, [60], [55])
    placement = _placed(as_office, worker, 40)
    _ok(steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=39 * DAY))
    hekou = as_office("cn-hekou")
    confirm = {"placementId": placement, "workPermitNumber": steps.work_permit()}
    _ok(hekou.data(steps.CONFIRM, {"input": confirm})["confirmPlacementStart"])
    end = {"placementId": placement, "endDate": steps.days_ago(8), "outcome": "COMPLETED"}
    _ok(hekou.data(steps.END, {"input": end})["reportPlacementEnd"])
    if returned_days_ago is not None:
        minutes = returned_days_ago * DAY
        _ok(steps.cross(as_office, "lc-border-guard", worker, "ENTER_VIETNAM", minutes_ago=minutes))
    return placement


def _checks_running_out(as_office) -> tuple[str, str]:
    """(clearance, health check) a placement starting in 30 days relies on once the newer ones are
    voided: issued 175 days before today (205 before the start), checked 350 days before (380)."""
    worker, clearances, checks = _worker_with_checks(as_office, [175, 20], [350, 10])
    _placed(as_office, worker, -30)
    reason = "Ghi nhầm ngày cấp, sẽ cấp lại"
    _ok(
        as_office("lc-police").data(VOID, {"input": {"recordId": clearances[1], "reason": reason}})[
            "voidRecord"
        ]
    )
    _ok(as_office("lc-health").data(VOID, {"input": {"recordId": checks[1], "reason": reason}})["voidRecord"])
    return clearances[0], checks[0]


def _agreement_ending(client, ends_in_days: int) -> str:
    """A new Lào Cai – Hekou agreement whose last valid day is `ends_in_days` from today."""
    data = {
        "code": f"AGR-LC-HK-D{next(steps._serial)}",
        "title": "Biên bản hợp tác ngắn hạn",
        "vietnamesePartyCode": "VN-LC",
        "chinesePartyCode": "CN-YN-HH-HK",
        "signedOn": "2024-01-10",
        "validFrom": "2024-01-10",
        "validTo": steps.days_ago(-ends_in_days),
        "borderGateCodes": ["GATE-LAOCAI-HEKOU"],
    }
    return _ok(client.data(CREATE_AGREEMENT, {"input": data})["createAgreement"])["agreement"]["id"]


def _item_due_today(client, agreement: str, status: str = "OPEN") -> str:
    """Talks minutes of the agreement with an action item due today, left in `status`: the minutes' ID."""
    minutes = {
        "agreementId": agreement,
        "heldOn": steps.days_ago(20),
        "vietnameseDelegation": "Sở Nội vụ tỉnh Lào Cai",
        "chineseDelegation": "河口县劳动力市场管理办公室",
        "summary": "Thống nhất rà soát danh sách người lao động.",
    }
    held = _ok(client.data(MINUTES, {"input": minutes})["addTalksMinutes"])["talksMinutes"]["id"]
    item = {
        "minutesId": held,
        "textVi": "Gửi danh sách người lao động về nước",
        "textZh": "发送回国劳动者名单",
        "ownerOfficeCode": "cn-hekou",
        "dueOn": steps.today().isoformat(),
    }
    added = _ok(client.data(ITEM, {"input": item})["addActionItem"])["actionItem"]["id"]
    if status != "OPEN":
        update = {"actionItemId": added, "status": status}
        _ok(client.data(UPDATE_ITEM, {"input": update})["updateActionItem"])
    return held


def _scans_at_once(database, count: int) -> list[list[Due]]:
    """`count` scans started at the same instant, each in its own thread and transaction: what
    each raised."""
    engine = make_engine(database.url)
    sessions = session_factory(engine)
    at_once = threading.Barrier(count)

    def scan() -> list[Due]:
        with internal_session(sessions) as session:
            at_once.wait(30)
            return raise_due(session, clock.today())

    try:
        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(lambda _: scan(), range(count)))
    finally:
        engine.dispose()


def test_each_alert_is_raised_once_and_told_only_to_the_offices_that_read_its_row(
    as_office, database
) -> None:
    placement, returned = _ended(as_office), _ended(as_office, returned_days_ago=5)
    clearance, health_check = _checks_running_out(as_office)
    labour = as_office("lc-home-affairs")
    agreement = _agreement_ending(labour, 30)
    minutes, done = _item_due_today(labour, agreement), _item_due_today(labour, agreement, "DONE")

    scans = _scans_at_once(database, 2)  # two scans racing: the database's key lets one raise each
    raised = [(d.kind, d.record_type, d.record_id) for scan in scans for d in scan]
    assert len(raised) == len(set(raised))
    # A later scan, as after a restart, from the command line: it raises none of them again.
    again = run_cli(database, "events", "scan-due").stdout.splitlines()
    assert again[-1].startswith("due alerts raised on ")
    assert not {tuple(line.split()[:3]) for line in again[:-1]} & {(k, t, str(i)) for k, t, i in raised}

    told = {code: _told(as_office(code), ALERTS) for code in READERS if code != "lc-health"}
    health = as_office("lc-health")  # it reads no placement, so may never be told of one
    refused = health.query(FEED, {"after": None, "kinds": ["NO_RETURN_AFTER_END"]})["errors"]
    assert [e["extensions"]["code"] for e in refused] == ["KIND_REFUSED"]
    told["lc-health"] = _told(health, ALERTS[1:])
    expected = {
        ("NO_RETURN_AFTER_END", placement): {"cn-hekou", "lc-home-affairs", "lc-police"},
        ("CHECK_EXPIRES_BEFORE_START", clearance): {"lc-home-affairs", "lc-police"},
        ("CHECK_EXPIRES_BEFORE_START", health_check): {"lc-home-affairs", "lc-health"},
        ("AGREEMENT_ENDING", agreement): {"cn-hekou", "lc-home-affairs", "lc-police", "lc-health"},
        ("ACTION_ITEM_DUE", minutes): {"cn-hekou", "lc-home-affairs", "lc-police", "lc-health"},
        ("NO_RETURN_AFTER_END", returned): set(),  # the worker came back: nothing is due
        ("ACTION_ITEM_DUE", done): set(),  # done already
    }
    # The partner office reads the health check its placement relies on (DOMAIN.md: "the clearance
    # and health check the placement relied on"): it is told of it exactly when its own read finds it.
    node = as_office("cn-hekou").data("query($id: ID!) { node(id: $id) { id } }", {"id": health_check})[
        "node"
    ]
    if node is not None:
        expected[("CHECK_EXPIRES_BEFORE_START", health_check)].add("cn-hekou")
    for alert, readers in expected.items():
        for code in READERS:
            count = told[code].count(alert)
            assert count == (1 if code in readers else 0), f"{code} was told {alert} {count} times"


# -- raised by `serve` itself, one leader ----------------------------------------------------------
SERVE_ENV = {"BORDERLABOUR_DUE_SCAN_SECONDS": "0.5"}


@pytest.fixture(scope="module")
def two_servers(template, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """Two `serve` processes over one registry of their own, scanning every half second."""
    folder = tmp_path_factory.mktemp("due-serve")
    with demo_copy(template, folder) as database, ThreadPoolExecutor(2) as pool:
        starting = [
            pool.submit(Server, database, template.tokens, folder / f"serve-{n}.log", **SERVE_ENV)
            for n in (1, 2)
        ]
        try:  # started side by side, each waiting for its own port
            servers = [s.result() for s in starting]
            yield servers[0], servers[1]
        finally:
            for started in starting:
                if started.exception() is None:
                    started.result().stop()


def _scans(server: Server) -> float:
    lines = plain_http.get(f"{server.url}/metrics").text.splitlines()
    return sum(float(ln.split()[-1]) for ln in lines if ln.startswith("borderlabour_due_scans_total"))


def test_serve_raises_the_alerts_itself_with_one_leader_among_its_processes(two_servers) -> None:
    first, second = two_servers
    labour = office_clients(second)("lc-home-affairs")
    agreement = _agreement_ending(labour, 10)
    alert = ("AGREEMENT_ENDING", agreement)
    until(lambda: alert in _told(labour, ALERTS))
    leaders = [s for s in (first, second) if _scans(s) > 0]
    assert len(leaders) == 1, "both processes scanned: the lease let two lead"
    scanned = _scans(leaders[0])
    until(lambda: _scans(leaders[0]) >= scanned + 2)  # scanned again, twice, after it raised it
    assert _told(labour, ALERTS).count(alert) == 1
    assert _scans(first if leaders[0] is second else second) == 0


# -- the thresholds are dated data -----------------------------------------------------------------
RENEGOTIATED = """
[[AGREEMENT_ENDING]]
ahead_days = 60
late_days = 0
valid_from = 2014-01-01
valid_to = 2026-12-31

[[AGREEMENT_ENDING]]
ahead_days = 90
late_days = 0
valid_from = 2027-01-01
"""


def test_the_threshold_in_force_on_the_day_of_the_scan_decides(tmp_path) -> None:
    rules = tmp_path / "due.toml"
    rules.write_text(RENEGOTIATED)
    assert thresholds_on(dt.date(2026, 12, 31), rules)["AGREEMENT_ENDING"].ahead_days == 60
    assert thresholds_on(dt.date(2027, 1, 1), rules)["AGREEMENT_ENDING"].ahead_days == 90
    assert "NO_RETURN_AFTER_END" not in thresholds_on(
        dt.date(2027, 1, 1), rules
    )  # none in force: none raised


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[[AGREEMENT_ENDING]]\nahead_days = -1\nlate_days = 0\nvalid_from = 2014-01-01\n", "ahead_days"),
        ("[[AGREEMENT_ENDING]]\nahead_days = 60\nvalid_from = 2014-01-01\n", "late_days"),
        ("[[NO_RETURN]]\nahead_days = 1\n", "NO_RETURN"),
        (RENEGOTIATED.replace("2027-01-01", "2026-06-01"), "overlap"),
    ],
)
def test_a_threshold_that_cannot_be_trusted_is_refused_naming_it(tmp_path, text: str, named: str) -> None:
    rules = tmp_path / "due.toml"
    rules.write_text(text)
    with pytest.raises(DueRulesRefused, match=named):
        load_thresholds(rules)
