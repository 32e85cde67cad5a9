"""The procedure's steps as each office takes them over HTTP, for tests that need a worker at a step.

Every worker is new (a fresh CCCD number consistent with the birth date and sex), so tests do not
depend on each other or on the demo's histories.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import select

from harness.databases import run_cli
from models import BorderGate, Crossing, Direction, Office, TravelDocument
from models.database import make_engine
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring

# The first three digits of a CCCD: the province of birth registration (procedure/identity_provinces.csv).
CCCD_PROVINCE = {"VN-LC": "010", "VN-HG": "002"}
# Registrations today use today's units: from 1 July 2025 communes lie directly under the merged
# provinces, and the Home Affairs departments hold the labour departments' duties.
CURRENT = {"VN-LC": "VN-LC-2025", "VN-HG": "VN-TQ-2025"}
LABOUR = {"VN-LC": "lc-home-affairs", "VN-HG": "tq-home-affairs"}
POLICE = {"VN-LC": "lc-police", "VN-HG": "tq-police"}
HEALTH = {"VN-LC": "lc-health", "VN-HG": "tq-health"}
_serial = itertools.count(int(dt.datetime.now().timestamp()) % 500_000)

REGISTER = """mutation($input: RegisterWorkerInput!) {
  registerWorker(input: $input) { worker { id status } errors { field code message } } }"""
CLEARANCE = """mutation($input: RecordPoliceClearanceInput!) {
  recordPoliceClearance(input: $input) { policeClearance { id } errors { field code } } }"""
HEALTH_CHECK = """mutation($input: RecordHealthCheckInput!) {
  recordHealthCheck(input: $input) { healthCheck { id } errors { field code } } }"""
PLACE = """mutation($input: CreatePlacementInput!) {
  createPlacement(input: $input) { placement { id status } errors { field code message } } }"""
CROSS = """mutation($input: RecordCrossingInput!) {
  recordCrossing(input: $input) { crossing { id direction } errors { field code } } }"""
CONFIRM = """mutation($input: ConfirmPlacementStartInput!) {
  confirmPlacementStart(input: $input) { placement { id status } errors { field code } } }"""
END = """mutation($input: ReportPlacementEndInput!) {
  reportPlacementEnd(input: $input) { placement { id status } errors { field code } } }"""
CREATE_AGREEMENT = """mutation($input: CreateAgreementInput!) {
  createAgreement(input: $input) { agreement { id code } errors { field code } } }"""
REGISTER_EMPLOYER = """mutation($input: RegisterEmployerInput!) {
  registerEmployer(input: $input) { employer { id } errors { field code } } }"""
STATUS = "query($id: ID!) { node(id: $id) { ... on Worker { status } } }"


def today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


def days_ago(days: int) -> str:
    return (today() - dt.timedelta(days=days)).isoformat()


def moment(minutes_ago: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)).isoformat()


def cccd(province: str, born: dt.date, female: bool, serial: int) -> str:
    digit = (born.year // 100 - 19) * 2 + (1 if female else 0)
    return f"{CCCD_PROVINCE[province]}{digit}{born.year % 100:02d}{serial:06d}"


def communes(client, parent: str) -> list[str]:
    query = "query($p: String) { administrativeUnits(parentCode: $p) { code } }"
    return [u["code"] for u in client.data(query, {"p": parent})["administrativeUnits"]]


def registration(province: str, commune: str, born: dt.date = dt.date(1996, 5, 4), **extra: Any) -> dict:
    """A registration input for a new person (a fresh CCCD and border pass) living in `commune`."""
    serial = next(_serial)
    return {
        "fullName": "Lý Seo Chứ",
        "dateOfBirth": born.isoformat(),
        "sex": "MALE",
        "ethnicity": "Hmong",
        "nationalIdNumber": cccd(province, born, False, serial),
        "homeCommuneCode": commune,
        "borderPassNumber": f"BP{serial:07d}",
        **extra,
    }


def a_commune(client, province: str) -> str:
    """A commune in force today in the province (of the person's CCCD) as it is now."""
    return communes(client, CURRENT[province])[0]


def register(as_office, province: str = "VN-LC", born: dt.date = dt.date(1996, 5, 4), **extra: Any) -> str:
    labour = as_office(LABOUR[province], "worker-registration")
    data = registration(province, a_commune(labour, province), born, **extra)
    result = labour.data(REGISTER, {"input": data})["registerWorker"]
    assert result["errors"] == [], result["errors"]
    return result["worker"]["id"]


def clear(as_office, worker: str, province: str = "VN-LC", clearance_days_ago: int = 20) -> None:
    police = as_office(POLICE[province]).data(
        CLEARANCE,
        {"input": {"workerId": worker, "issuedOn": days_ago(clearance_days_ago), "result": "CLEAR"}},
    )
    assert police["recordPoliceClearance"]["errors"] == []
    health = as_office(HEALTH[province]).data(
        HEALTH_CHECK, {"input": {"workerId": worker, "checkedOn": days_ago(15), "result": "FIT"}}
    )
    assert health["recordHealthCheck"]["errors"] == []


def ids(client, agreement_code: str, county: str) -> tuple[str, str]:
    """(agreement id, id of an employer in the county) as the client sees them."""
    agreements = client.data("{ agreements { id code } }")["agreements"]
    agreement = next(a["id"] for a in agreements if a["code"] == agreement_code)
    employers = client.data(
        "query($c: String) { employers(first: 5, filter: {countyCode: $c}) { nodes { id } } }", {"c": county}
    )
    return agreement, employers["employers"]["nodes"][0]["id"]


def placement_input(worker: str, agreement: str, employer: str, **extra: Any) -> dict[str, Any]:
    return {
        "workerId": worker,
        "employerId": employer,
        "agreementId": agreement,
        "job": "Công nhân lắp ráp linh kiện điện tử",
        "monthlyWageCny": "3800",
        "startDate": today().isoformat(),
        **extra,
    }


def place(
    as_office, worker: str, agreement: str = "AGR-LC-HK", county: str = "CN-YN-HH-HK", **extra: Any
) -> dict:
    labour = as_office(LABOUR["VN-LC"])
    agreement_id, employer = ids(labour, agreement, county)
    return labour.data(PLACE, {"input": placement_input(worker, agreement_id, employer, **extra)})[
        "createPlacement"
    ]


def cross(
    as_office,
    office: str,
    worker: str,
    direction: str,
    gate: str = "GATE-LAOCAI-HEKOU",
    minutes_ago: float = 0,
) -> dict:
    """A crossing the office records; by default at this moment, after whatever the test recorded
    before it. A crossing dated before a placement the test has just made is, for the 30 minutes
    after midnight in Vietnam, dated on the day before that placement's window opens (DOMAIN.md,
    "Row scopes": the window opens on the placement's creation): the Chinese office would not see
    the exit, and a requirement version dated today would not apply to it."""
    data = {
        "workerId": worker,
        "gateCode": gate,
        "direction": direction,
        "crossedAt": moment(minutes_ago),
        "document": "BORDER_PASS",
    }
    return as_office(office).data(CROSS, {"input": data})["recordCrossing"]


def status(client, worker: str) -> str:
    return client.data(STATUS, {"id": worker})["node"]["status"]


def work_permit() -> str:
    """A work permit number no other test uses (they are unique)."""
    return f"YNHK-{next(_serial):08d}"


def new_agreement(
    as_office, yearly_quota: int | None = None, gates: tuple[str, ...] = ("GATE-LAOCAI-HEKOU",)
) -> str:
    """A new Lào Cai – Hekou agreement, so a test may suspend it or fill its quota alone."""
    data = {
        "code": f"AGR-LC-HK-T{next(_serial)}",
        "title": "Biên bản hợp tác thử nghiệm",
        "vietnamesePartyCode": "VN-LC",
        "chinesePartyCode": "CN-YN-HH-HK",
        "signedOn": "2024-01-10",
        "validFrom": "2024-01-10",
        "yearlyQuota": yearly_quota,
        "borderGateCodes": list(gates),
    }
    result = as_office("lc-home-affairs").data(CREATE_AGREEMENT, {"input": data})["createAgreement"]
    assert result["errors"] == []
    return result["agreement"]["code"]


def new_employer(as_office, quota: int) -> str:
    """A new Hekou employer with the approved quota, as the Chinese office registers it."""
    serial = next(_serial)
    data = {
        "nameZh": f"河口测试电子有限公司{serial}",
        "nameVi": f"Công ty TNHH Điện tử thử nghiệm {serial}",
        "socialCreditCode": f"91532532MA{serial:08d}",
        "countyCode": "CN-YN-HH-HK",
        "address": "云南省红河州河口瑶族自治县河口镇",
        "sector": "electronics assembly",
        "contact": "+86 873 342 0000",
        "approvedQuota": quota,
    }
    result = as_office("cn-hekou").data(REGISTER_EMPLOYER, {"input": data})["registerEmployer"]
    assert result["errors"] == []
    return result["employer"]["id"]


def ready(as_office, province: str = "VN-LC", **registration: Any) -> str:
    """A new worker, cleared: a clear police clearance and a fit health check."""
    worker = register(as_office, province, **registration)
    clear(as_office, worker, province)
    return worker


def procedure_check(database) -> tuple[int, dict[str, dict[str, str]]]:
    """`borderlabour procedure check` over the database, run as an operator runs it: its exit status
    and what it reports, by record ("Crossing 7") and rule, each with its detail."""
    checked = run_cli(database, "procedure", "check", "--show", "10000000", check=False)
    found: dict[str, dict[str, str]] = {}
    for line in checked.stdout.splitlines():
        record, rule, detail = line.split("\t", 2)
        found.setdefault(record, {})[rule] = detail
    return checked.returncode, found


def load_crossing(database, worker: str, direction: Direction, gate: str, at: dt.datetime) -> int:
    """A crossing written straight into the database, past the write's rules, as history loaded in
    bulk is (`demo`, `generate`, a migration from another system); its row id."""
    set_keyring(Keyring.load(database.key_file))  # to read the worker's global ID
    engine = make_engine(database.url)
    try:
        with engine.begin() as conn:
            row = {
                "worker_id": decode_id(worker, "Worker")[1],
                "gate_id": select(BorderGate.id).where(BorderGate.code == gate).scalar_subquery(),
                "direction": direction,
                "crossed_at": at,
                "document": TravelDocument.BORDER_PASS,
                "recorded_by_office_id": select(Office.id)
                .where(Office.code == "lc-border-guard")
                .scalar_subquery(),
            }
            table = Crossing.__table__
            return int(conn.execute(table.insert().values(row).returning(table.c.id)).scalar_one())
    finally:
        engine.dispose()
