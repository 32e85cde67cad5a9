"""Offices act only while they are valid (issue 18, point 2; DOMAIN.md, "Parties").

Expectations come from DOMAIN.md's dates: the provincial departments of Home Affairs took over the
labour departments' duties on 1 March 2025; on 1 July 2025 every Hà Giang provincial agency passed to
its Tuyên Quang successor, Lào Cai kept its name and agencies, and the district committees closed.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bench.workbooks import workbook, worker_rows
from harness.databases import Template, demo_copy
from harness.server import ROOT
from models import AdminUnit, Office, Token, UnitLevel
from models.offices import Side
from policies.tokens import issue_token
from settings import normalise_url
from tests import plain_http
from tests.conftest import OFFICER_ARGS, Database, run_cli
from tests.policy_expectations import CLOSED, IN_FORCE

ME = {"query": "{ me { code } }"}
HOME_AFFAIRS = dt.date(2025, 3, 1)  # DOMAIN.md: Home Affairs took over labour's duties
REORGANISED = dt.date(2025, 7, 1)  # DOMAIN.md: Hà Giang's agencies passed to Tuyên Quang's
FIRST_DAY = dt.date(2017, 1, 1)


def vietnam_today() -> dt.date:
    """The registry keeps Vietnam's date (UTC+7): an office's last day ends at midnight there."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


@pytest.fixture(scope="module")
def engine(database: Database, demo_tokens: dict[str, str]) -> Iterator[Engine]:
    engine = create_engine(normalise_url(database.url))
    yield engine
    engine.dispose()


def _token_issued_on(engine: Engine, code: str, day: dt.date) -> str:
    """A token the office was given on `day`, while in force, and still holds."""
    with Session(engine) as session, session.begin():
        return issue_token(session, code, None, "issued in its time", on=day)[1]


def _post(live_server, token: str, language: str | None = None, body: dict = ME) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", **({"Accept-Language": language} if language else {})}
    return plain_http.post(f"{live_server.url}/graphql", json=body, headers=headers, timeout=30)


def _error(response: httpx.Response) -> dict:
    assert response.status_code == 401, response.text
    [error] = response.json()["errors"]
    return error


# -- a closed office cannot authenticate -----------------------------------------------------------


def test_hg_labours_token_answers_office_closed_naming_tuyen_quangs_home_affairs_in_vi_and_zh(
    engine, live_server
) -> None:
    token = _token_issued_on(engine, "hg-labour", dt.date(2024, 6, 3))
    vi = _error(_post(live_server, token, "vi"))
    assert vi["extensions"]["code"] == "OFFICE_CLOSED"
    # Hà Giang's labour department -> Hà Giang's Home Affairs -> Tuyên Quang's Home Affairs, in force today
    assert "Sở Nội vụ tỉnh Tuyên Quang" in vi["message"] and "tq-home-affairs" in vi["message"]
    assert vi["message"].startswith("cơ quan hg-labour") and "2025-02-28" in vi["message"]
    zh = _error(_post(live_server, token, "zh-CN,zh;q=0.9"))
    assert zh["extensions"]["code"] == "OFFICE_CLOSED"
    assert zh["message"].startswith("机构 hg-labour") and "职责已移交给" in zh["message"]
    assert "Sở Nội vụ tỉnh Tuyên Quang" in zh["message"] and "tq-home-affairs" in zh["message"]
    en = _error(_post(live_server, token))
    assert en["message"].startswith("the office hg-labour was in force until 2025-02-28")
    assert en["message"].endswith("(tq-home-affairs)")


@pytest.mark.parametrize(
    "closed, last_day, successor",
    [
        ("lc-labour", "2025-02-28", "lc-home-affairs"),
        ("hg-home-affairs", "2025-06-30", "tq-home-affairs"),
        ("hg-police", "2025-06-30", "tq-police"),
        ("hg-border-guard", "2025-06-30", "tq-border-guard"),
        ("hg-health", "2025-06-30", "tq-health"),
        ("hg-foreign-affairs", "2025-06-30", "tq-foreign-affairs"),
        ("hg-meo-vac", "2025-06-30", "tq-home-affairs"),  # its residents passed to the province
    ],
)
def test_every_closed_office_is_refused_naming_the_office_acting_for_it_today(
    engine, live_server, closed: str, last_day: str, successor: str
) -> None:
    token = _token_issued_on(engine, closed, dt.date.fromisoformat(last_day))
    error = _error(_post(live_server, token))
    assert error["extensions"]["code"] == "OFFICE_CLOSED"
    assert f"the office {closed} was in force until {last_day}" in error["message"]
    assert error["message"].endswith(f"({successor})")


def test_a_closed_offices_token_gets_no_file_either(engine, live_server) -> None:
    token = _token_issued_on(engine, "lc-labour", dt.date(2024, 12, 2))
    response = plain_http.get(
        f"{live_server.url}/exports/workers.xlsx",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Purpose": "placement-verification",
            "Accept-Language": "vi",
        },
        timeout=30,
    )
    error = _error(response)
    assert error["extensions"]["code"] == "OFFICE_CLOSED" and "lc-home-affairs" in error["message"]
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def _test_office(engine: Engine, valid_from: dt.date | None, valid_to: dt.date | None) -> str:
    """An office the test builds with the given dates, Tuyên Quang's Home Affairs as successor."""
    code = f"test-office-{uuid.uuid4().hex[:8]}"
    with Session(engine) as session, session.begin():
        successor = session.scalars(select(Office.id).where(Office.code == "tq-home-affairs")).one()
        session.add(
            Office(
                code=code, name="Văn phòng thử (test office)", side=Side.VN, unit_id=None,
                valid_from=valid_from, valid_to=valid_to, successor_id=successor,
            )
        )  # fmt: skip
    return code


def test_an_office_valid_only_from_a_future_day_cannot_authenticate(engine, live_server) -> None:
    opens = vietnam_today() + dt.timedelta(days=1)
    code = _test_office(engine, opens, None)
    token = _token_issued_on(engine, code, opens)
    error = _error(_post(live_server, token, "vi"))
    assert error["extensions"]["code"] == "OFFICE_CLOSED"
    assert error["message"] == f"cơ quan {code} chỉ được hoạt động từ ngày {opens.isoformat()}"


def test_an_offices_tokens_work_through_its_last_day_and_stop_the_day_after(engine, live_server) -> None:
    today = vietnam_today()
    last_day_today = _test_office(engine, None, today)
    assert _post(live_server, _token_issued_on(engine, last_day_today, today)).json() == {
        "data": {"me": {"code": last_day_today}}
    }
    closed_yesterday = _test_office(engine, None, today - dt.timedelta(days=1))
    token = _token_issued_on(engine, closed_yesterday, today - dt.timedelta(days=1))
    assert _error(_post(live_server, token))["extensions"]["code"] == "OFFICE_CLOSED"


def test_an_office_closed_by_a_data_change_stops_at_once(engine, live_server) -> None:
    """Closing is a data change: a token that worked a moment ago is refused on its next lookup."""
    code = _test_office(engine, None, None)
    token = _token_issued_on(engine, code, vietnam_today())
    assert _post(live_server, token).status_code == 200
    with Session(engine) as session, session.begin():
        office = session.scalars(select(Office).where(Office.code == code)).one()
        office.valid_to = vietnam_today() - dt.timedelta(days=1)
    deadline = dt.datetime.now() + dt.timedelta(seconds=10)  # past the verifier's few seconds of cache
    while _post(live_server, token).status_code == 200:
        assert dt.datetime.now() < deadline, "the closed office's token kept working"
        time.sleep(0.2)
    assert _error(_post(live_server, token))["extensions"]["code"] == "OFFICE_CLOSED"


# -- no credential for a closed office --------------------------------------------------------------


def test_token_issue_refuses_a_closed_office_in_one_line_and_issues_nothing(database, engine) -> None:
    def issued() -> int:
        with Session(engine) as session:
            return session.scalar(
                select(func.count()).select_from(Token).join(Office).where(Office.code == "hg-labour")
            )

    before = issued()
    result = run_cli(database, "token", "issue", "--office", "hg-labour", "--expires", "90d", check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "borderlabour: error: the office hg-labour was in force until 2025-02-28; its duties passed to "
        "Sở Nội vụ tỉnh Tuyên Quang (Tuyên Quang Dept. of Home Affairs) (tq-home-affairs)"
    ]
    assert issued() == before


def test_the_demos_tokens_are_those_of_the_offices_in_force_today(demo_tokens, live_server) -> None:
    assert sorted(demo_tokens) == sorted(IN_FORCE)
    assert not CLOSED & set(demo_tokens)
    for code in IN_FORCE:
        assert _post(live_server, demo_tokens[code]).json() == {"data": {"me": {"code": code}}}


# -- the succession has no gap ---------------------------------------------------------------------

# DOMAIN.md, "Parties": per role and province (by today's province), the offices in turn.
SUCCESSION = {
    ("vn-labour", "VN-TQ-2025"): [
        ("hg-labour", None, HOME_AFFAIRS - dt.timedelta(days=1)),
        ("hg-home-affairs", HOME_AFFAIRS, REORGANISED - dt.timedelta(days=1)),
        ("tq-home-affairs", REORGANISED, None),
    ],
    ("vn-labour", "VN-LC-2025"): [
        ("lc-labour", None, HOME_AFFAIRS - dt.timedelta(days=1)),
        ("lc-home-affairs", HOME_AFFAIRS, None),
    ],
    **{
        (f"vn-{role}", "VN-TQ-2025"): [
            (f"hg-{role}", None, REORGANISED - dt.timedelta(days=1)),
            (f"tq-{role}", REORGANISED, None),
        ]
        for role in ("police", "border-guard", "health", "foreign-affairs")
    },
    **{
        (f"vn-{role}", "VN-LC-2025"): [(f"lc-{role}", None, None)]
        for role in ("police", "border-guard", "health", "foreign-affairs", "customs", "economic-zone")
    },
}


def _roles() -> dict[str, set[str]]:
    roles: dict[str, set[str]] = defaultdict(set)
    for line in (ROOT / "policies" / "offices.csv").read_text(encoding="utf-8").splitlines():
        if line.startswith("g,"):
            _, office, role = (part.strip() for part in line.split(","))
            roles[office].add(role)
    return roles


def _today_province(session: Session, unit_id: int) -> str:
    """The province in force today that holds the unit: up its parents, then along its successors."""
    unit = session.get(AdminUnit, unit_id)
    while unit is not None and unit.parent_id is not None and unit.level is not UnitLevel.PROVINCE:
        unit = session.get(AdminUnit, unit.parent_id)
    while unit is not None and unit.successor_id is not None:
        unit = session.get(AdminUnit, unit.successor_id)
    assert unit is not None
    return unit.code


def test_each_role_in_each_province_has_exactly_one_office_every_day_since_2017(engine) -> None:
    roles = _roles()
    offices: dict[tuple[str, str], list[tuple[str, dt.date | None, dt.date | None]]] = defaultdict(list)
    with Session(engine) as session:
        rows = session.scalars(
            select(Office).where(
                Office.side == Side.VN, Office.unit_id.is_not(None), Office.code.not_like("test-%")
            )
        ).all()
        for office in rows:
            unit = session.get(AdminUnit, office.unit_id)
            if unit is not None and unit.level is UnitLevel.DISTRICT:
                continue  # the district committees: below
            for role in roles[office.code]:
                offices[(role, _today_province(session, office.unit_id))].append(
                    (office.code, office.valid_from, office.valid_to)
                )
    assert {
        key: sorted(found, key=lambda o: o[1] or FIRST_DAY) for key, found in offices.items()
    } == SUCCESSION
    today = vietnam_today()
    for key, found in offices.items():
        day = FIRST_DAY
        while day <= today:
            acting = [
                c
                for c, start, end in found
                if (start is None or start <= day) and (end is None or day <= end)
            ]
            assert len(acting) == 1, (key, day, acting)
            day += dt.timedelta(days=1)


def test_each_closed_office_names_the_next_office_of_its_role(engine) -> None:
    expected = {
        closed: successor
        for chain in SUCCESSION.values()
        for (closed, _, _), (successor, _, _) in zip(chain, chain[1:], strict=False)
    } | {"hg-meo-vac": "tq-home-affairs"}
    with Session(engine) as session:
        found = {
            office.code: office.successor.code
            for office in session.scalars(select(Office).where(Office.successor_id.is_not(None)))
            if not office.code.startswith("test-")
        }
    assert found == expected


def test_the_district_committee_closed_with_the_district_level(engine) -> None:
    with Session(engine) as session:
        meo_vac = session.scalars(select(Office).where(Office.code == "hg-meo-vac")).one()
        districts = [
            o.code
            for o in session.scalars(select(Office).where(Office.unit_id.is_not(None)))
            if session.get(AdminUnit, o.unit_id).level is UnitLevel.DISTRICT
        ]
    assert meo_vac.valid_to == REORGANISED - dt.timedelta(days=1)
    assert districts == ["hg-meo-vac"]


# -- the CLI acts as the office of a past day -------------------------------------------------------


def test_a_report_dated_in_the_past_is_made_as_the_office_of_that_day(
    database, as_office, tmp_path: Path
) -> None:
    args = (
        *("report", "agreement", "--agreement", "AGR-LC-HK", "--year", "2024", "--format", "json"),
        *OFFICER_ARGS,
    )
    refused = run_cli(
        database, *args, "--office", "lc-labour", "--output", str(tmp_path / "x.json"), check=False
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "lc-labour" in refused.stderr and "lc-home-affairs" in refused.stderr
    assert not (tmp_path / "x.json").exists()
    out = tmp_path / "2024.json"
    run_cli(database, *args, "--office", "lc-labour", "--as-of", "2024-12-31", "--output", str(out))
    agreements = as_office("lc-home-affairs", "statistics").data("{ agreements { id code } }")["agreements"]
    agreement = next(a["id"] for a in agreements if a["code"] == "AGR-LC-HK")
    api = as_office("lc-home-affairs", "statistics").data(
        "query($id: ID!) { agreementReport(agreementId: $id, year: 2024) { totals { sent returned } } }",
        {"id": agreement},
    )["agreementReport"]["totals"]
    totals = json.loads(out.read_text())["totals"]
    assert (totals["sent"], totals["returned"]) == (api["sent"], api["returned"]) and api["sent"] > 0


@pytest.mark.parametrize(
    "as_of, message",
    [
        ("2099-01-01", "2099-01-01 is in the future"),
        ("last tuesday", "'last tuesday' is not a day"),
    ],
)
def test_as_of_refuses_a_future_or_malformed_day_naming_the_option(
    database, tmp_path, as_of, message
) -> None:
    result = run_cli(
        database, "report", "agreement", "--office", "lc-home-affairs", *OFFICER_ARGS, "--agreement", "AGR-LC-HK",
        "--year", "2024", "--format", "json", "--output", str(tmp_path / "r.json"), "--as-of", as_of,
        check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--as-of" in result.stderr and message in result.stderr


def test_an_import_dated_in_the_past_registers_as_the_district_committee_of_that_day(
    database, as_office, tmp_path: Path
) -> None:
    """The paper register of Mèo Vạc for 2024, entered now: the district committee of that day,
    the communes of that day; the province's Home Affairs department, its successor, sees them."""
    rows = worker_rows(2, ["VN-HG-MEOVAC-SONVI"], seed=18, serial_from=918_000)
    path = tmp_path / "meo-vac-2024.xlsx"
    path.write_bytes(workbook(rows))
    refused = run_cli(
        database, "import", "workers", str(path), "--office", "hg-meo-vac", *OFFICER_ARGS, "--lang", "vi",
        check=False,
    )  # fmt: skip
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "cơ quan hg-meo-vac chỉ hoạt động đến hết ngày 2025-06-30" in refused.stderr
    done = run_cli(
        database, "import", "workers", str(path), "--office", "hg-meo-vac", *OFFICER_ARGS,
        "--as-of", "2024-06-01",
    )  # fmt: skip
    assert json.loads(done.stdout)["registered"] == 2
    find = "query($n: String!) { workers(first: 5, filter: {nationalIdNumber: $n}) { nodes { homeCommune { code } } } }"
    seen = as_office("tq-home-affairs", "worker-registration").data(find, {"n": rows[1][4]})["workers"][
        "nodes"
    ]
    assert seen == [{"homeCommune": {"code": "VN-HG-MEOVAC-SONVI"}}]


RECORDS = {  # table: (the office column, the day column)
    "crossings": ("recorded_by_office_id", "crossed_at"),
    "health_checks": ("recorded_by_office_id", "checked_on"),
    "police_clearances": ("recorded_by_office_id", "issued_on"),
    "incidents": ("reported_by_office_id", "occurred_on"),
    "worker_status_changes": ("office_id", "at"),
}


def test_every_demo_record_was_made_by_an_office_in_force_on_its_day(
    template: Template, tmp_path: Path
) -> None:
    """The demo loader writes its history as the offices of each day: a check of 2024 by Hà Giang's
    labour department, a status change of April 2025 by its Home Affairs department. On a copy of
    the demo as `borderlabour demo` loaded it for this run, which no other test writes to."""
    with demo_copy(template, tmp_path / "demo") as demo:
        _assert_records_made_in_force(demo)


def _assert_records_made_in_force(demo: Database) -> None:
    made_by: dict[str, set[str]] = defaultdict(set)
    engine = create_engine(demo.url)
    with Session(engine) as session:
        offices = {o.id: o for o in session.scalars(select(Office))}
        for table, (office_column, day_column) in RECORDS.items():
            rows = session.execute(text(f"SELECT {office_column}, {day_column} FROM {table}")).all()
            for office_id, moment in rows:
                day = moment if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime) else None
                if day is None:
                    at = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(str(moment))
                    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
                    day = at.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
                office = offices[office_id]
                made_by[office.code].add(table)
                assert (office.valid_from is None or office.valid_from <= day) and (
                    office.valid_to is None or day <= office.valid_to
                ), (table, office.code, day)
    engine.dispose()
    # Both labour departments and Hà Giang's Home Affairs department made records in their time.
    assert {"hg-labour", "hg-home-affairs", "lc-labour", "lc-home-affairs"} <= set(made_by)
