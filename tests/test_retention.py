"""Retention: `borderlabour retention plan|apply` on a demo registry of its own, with workers the test
builds at known distances from today.

The rules file is the test's own (`RULES`): the expected counts and erasures below follow from it
and from the dates in `BUILT`, by the rules of issue 18 (kept for `days` after the end of the
worker's last placement, or after the last crossing for a worker never placed; an open incident
or a hold keeps the worker; once the worker is due, every kind goes with it). The demo's own
workers are counted by the plan too: the plan is read before the test's workers are added, and
the test expects exactly its own workers on top of it.

Everything runs through real parts: the `borderlabour` command, a real SQLite file or PostgreSQL
database (BORDERLABOUR_TEST_DATABASE_URL), and a real server process over HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text

import models.sealing as sealing
from harness import forks
from harness.databases import Template, demo_copy
from models import (
    AdminUnit,
    BorderGate,
    ClearanceResult,
    Crossing,
    Direction,
    HealthCheck,
    HealthResult,
    Incident,
    IncidentKind,
    IncidentStatus,
    LedgerEntry,
    Office,
    Placement,
    PlacementStatus,
    PoliceClearance,
    Sex,
    TravelDocument,
    Worker,
    WorkerStatus,
)
from models.opaque import encode_id
from models.sealing import Keyring, set_keyring
from procedure.calendar import today
from tests.conftest import Database, OfficeClient, Server, cli_env, default_purpose, run_cli
from tests.paging import all_nodes

RULES = """
[holds]
open_incidents = true
recorded_holds = true

[[workers]]
days = 1000
valid_from = 2015-01-01

[[placements]]
days = 1000
valid_from = 2015-01-01

[[health_checks]]
days = 400
valid_from = 2015-01-01

[[police_clearances]]
days = 400
valid_from = 2015-01-01

[[incidents]]
days = 1000
valid_from = 2015-01-01
"""


@dataclass(frozen=True)
class Built:
    """One worker the test builds: where from, and the days (before today) of its records."""

    province: str
    placement_ended: int | None = None  # days ago; None: never placed
    placement_open: bool = False  # started and not ended
    crossed: int | None = None  # days ago, for the last crossing
    health_check: bool = True
    clearance: bool = True
    incident: str | None = None  # "resolved" or "open"
    held: bool = False  # a hold recorded through holdRecord


BUILT = {
    "gone": Built("VN-LC", placement_ended=1500, crossed=1500, incident="resolved"),
    "recent": Built("VN-LC", placement_ended=200, crossed=200),
    "middle": Built("VN-HG", placement_ended=600, crossed=600),
    "incident-open": Built("VN-LC", placement_ended=1500, crossed=1500, incident="open"),
    "held": Built("VN-LC", placement_ended=1500, crossed=1500, held=True),
    "never-placed-long-ago": Built("VN-HG", crossed=1200, health_check=False, clearance=False),
    "never-placed-lately": Built("VN-HG", crossed=800, clearance=False),
    "working": Built("VN-LC", placement_open=True, crossed=100),
}
# By the rules above: workers go after 1000 days (and take every kind with them), checks after 400.
DEIDENTIFIED = {"gone", "never-placed-long-ago"}
CHECKS_ONLY = {"middle": 1, "never-placed-lately": 1}  # health checks erased, the worker kept
EXPECTED_PLAN = {
    "workers": {"VN-LC": 1, "VN-HG": 1},
    "placements": {"VN-LC": 1},  # gone's work permit number
    "health_checks": {"VN-LC": 1, "VN-HG": 2},  # gone; middle, never-placed-lately
    "police_clearances": {"VN-LC": 1, "VN-HG": 1},  # gone; middle
    "incidents": {"VN-LC": 1},  # gone's resolved incident (the open one holds its worker)
}
EXPECTED_WORKERS = 4  # gone, middle, never-placed-long-ago, never-placed-lately

REPORT = """
query($id: ID!, $year: Int!) { agreementReport(agreementId: $id, year: $year) {
  year yearlyQuota
  totals { sent inChina returned absconded terminatedEarly }
  byEmployer { key flows { sent inChina returned absconded terminatedEarly } }
  byHomeDistrict { key flows { sent inChina returned absconded terminatedEarly } }
  incidents { kind status count } medianDaysToResolve
  wagesByEmployer { key placements minimum median mean maximum }
  quotaByEmployer { key approvedQuota sent inChina }
  crossingsByGateAndMonth { gate month exits entries }
  workersInChinaByMonth
} }"""
PARTIES = [("AGR-HG-BS", "tq-home-affairs", "cn-baise"), ("AGR-LC-HK", "lc-home-affairs", "cn-hekou")]
LISTERS = ["lc-home-affairs", "tq-home-affairs", "cn-hekou", "cn-baise"]


@dataclass
class Registry:
    database: Database
    engine: Engine
    folder: Path
    rules: Path
    server: Server
    ring: Keyring
    ids: dict[str, int] = field(default_factory=dict)
    clients: dict[tuple[str, str], OfficeClient] = field(default_factory=dict)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_cli(self.database, *args, check=check)

    def plan(self) -> dict[str, Any]:
        return json.loads(self.cli("retention", "plan", "--json", "--rules", str(self.rules)).stdout)

    def client(self, code: str, purpose: str | None = None) -> OfficeClient:
        """The office's client, made once: a new one made its own TLS context (30 ms of CPU)."""
        key = (code, purpose or default_purpose(code))
        if key not in self.clients:
            self.clients[key] = OfficeClient(self.server, *key)
        return self.clients[key]


@pytest.fixture(scope="module")
def registry(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A copy of the run's demo, as `borderlabour demo` loaded it, and a server, for this module alone."""
    folder = tmp_path_factory.mktemp("retention")
    with demo_copy(template, folder) as database:
        rules = folder / "retention.toml"
        rules.write_text(RULES, encoding="utf-8")
        engine = create_engine(database.url)
        server = Server(database, template.tokens, folder / "server.log")
        ring = Keyring.load(database.key_file)
        previous = sealing._keyring
        set_keyring(ring)  # the global IDs the test sends are this registry's
        try:
            yield Registry(database, engine, folder, rules, server, ring)
        finally:
            sealing._keyring = previous
            server.stop()
            engine.dispose()


def _one(conn: Any, statement: Any) -> Any:
    return conn.execute(statement).scalar_one()


def _build(registry: Registry) -> None:
    """Adds the workers of `BUILT`, with every personal value the erasure must remove."""
    day = today()
    ring = registry.ring
    with registry.engine.begin() as conn:
        offices = dict(conn.execute(select(Office.code, Office.id)).all())
        agreement_of = {"VN-LC": "AGR-LC-HK", "VN-HG": "AGR-HG-BS"}
        gate = _one(conn, select(BorderGate.id).order_by(BorderGate.id).limit(1))
        for n, (name, spec) in enumerate(sorted(BUILT.items())):
            home = conn.execute(
                select(Worker.home_province_id, Worker.home_district_id, Worker.home_commune_id)
                .join(AdminUnit, AdminUnit.id == Worker.home_province_id)
                .where(AdminUnit.code == spec.province)
                .limit(1)
            ).one()
            placed = conn.execute(
                text(
                    "SELECT p.employer_id, p.agreement_id FROM placements p JOIN agreements a "
                    "ON a.id = p.agreement_id WHERE a.code = :code LIMIT 1"
                ),
                {"code": agreement_of[spec.province]},
            ).one()
            worker = _one(
                conn,
                insert(Worker)
                .values(
                    full_name=f"Retention {name}",
                    date_of_birth=dt.date(1990, 6, 15),
                    sex=Sex.FEMALE,
                    ethnicity="Giáy",
                    national_id_sealed=ring.seal(f"0990000{n:05d}"),
                    national_id_index=ring.blind_index(f"0990000{n:05d}"),
                    border_pass_sealed=ring.seal(f"BP99{n:04d}"),
                    border_pass_index=ring.blind_index(f"BP99{n:04d}"),
                    passport_sealed=ring.seal(f"C99{n:05d}"),
                    passport_index=ring.blind_index(f"C99{n:05d}"),
                    phone_sealed=ring.seal(f"09120{n:05d}"),
                    home_province_id=home.home_province_id,
                    home_district_id=home.home_district_id,
                    home_commune_id=home.home_commune_id,
                    registered_by_office_id=offices["lc-labour"],
                    status=WorkerStatus.DEPLOYED if spec.placement_open else WorkerStatus.RETURNED,
                    created_at=dt.datetime(2015, 3, 1, tzinfo=dt.UTC),
                )
                .returning(Worker.id),
            )
            registry.ids[name] = worker
            placement = None
            if spec.placement_ended is not None or spec.placement_open:
                ended = day - dt.timedelta(days=spec.placement_ended) if spec.placement_ended else None
                placement = _one(
                    conn,
                    insert(Placement)
                    .values(
                        worker_id=worker,
                        employer_id=placed.employer_id,
                        agreement_id=placed.agreement_id,
                        job="farm hand",
                        monthly_wage_cny=Decimal("2600.00"),
                        start_date=(ended or day) - dt.timedelta(days=300),
                        end_date=ended,
                        work_permit_number=f"WP-99-{n:04d}",
                        injury_insurer="中国人民财产保险股份有限公司",
                        injury_policy_number=f"GS-99-{n:04d}",
                        health_policy_number=f"YL-99-{n:04d}",
                        status=PlacementStatus.ACTIVE if spec.placement_open else PlacementStatus.COMPLETED,
                    )
                    .returning(Placement.id),
                )
            if spec.crossed is not None:
                at = dt.datetime.combine(day - dt.timedelta(days=spec.crossed), dt.time(9), tzinfo=dt.UTC)
                conn.execute(
                    insert(Crossing).values(
                        worker_id=worker,
                        gate_id=gate,
                        direction=Direction.ENTER_VIETNAM,
                        crossed_at=at,
                        document=TravelDocument.BORDER_PASS,
                        recorded_by_office_id=offices["lc-border-guard"],
                    )
                )
            checked = day - dt.timedelta(days=(spec.placement_ended or spec.crossed or 0) + 320)
            if spec.health_check:
                conn.execute(
                    insert(HealthCheck).values(
                        worker_id=worker,
                        checked_on=checked,
                        result=HealthResult.FIT,
                        notes_sealed=ring.seal("mild asthma, treated"),
                        recorded_by_office_id=offices["lc-health"],
                    )
                )
            if spec.clearance:
                conn.execute(
                    insert(PoliceClearance).values(
                        worker_id=worker,
                        issued_on=checked,
                        result=ClearanceResult.CLEAR,
                        notes_sealed=ring.seal("no record"),
                        recorded_by_office_id=offices["lc-police"],
                    )
                )
            if spec.incident is not None:
                resolved = spec.incident == "resolved"
                conn.execute(
                    insert(Incident).values(
                        worker_id=worker,
                        placement_id=placement,
                        kind=IncidentKind.WAGE_DISPUTE,
                        occurred_on=checked + dt.timedelta(days=330),
                        description="Wages of March unpaid, says her brother",
                        handling="Called the employer" if resolved else None,
                        resolution="Paid in full" if resolved else None,
                        status=IncidentStatus.RESOLVED if resolved else IncidentStatus.OPEN,
                        resolved_on=checked + dt.timedelta(days=340) if resolved else None,
                        reported_by_office_id=offices["lc-labour"],
                    )
                )


def _delta(after: dict[str, dict[str, int]], before: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {
        kind: {p: n for p, n in (Counter(after[kind]) - Counter(before[kind])).items() if n} for kind in after
    }


def _reports(registry: Registry) -> dict[tuple[str, str], dict[str, Any]]:
    answers = {}
    for code, vietnamese, chinese in PARTIES:
        for office in (vietnamese, chinese):
            client = registry.client(office, "statistics")
            agreements = client.data("{ agreements { id code } }")["agreements"]
            gid = next(a["id"] for a in agreements if a["code"] == code)
            answers[(code, office)] = client.data(REPORT, {"id": gid, "year": 2018})["agreementReport"]
    return answers


def _listed(registry: Registry) -> dict[str, set[int]]:
    from models.opaque import decode_id

    return {
        office: {decode_id(w["id"])[1] for w in all_nodes(registry.client(office), "workers", "id")}
        for office in LISTERS
    }


def _raw_workers(registry: Registry, ids: list[int]) -> dict[int, Any]:
    with registry.engine.connect() as conn:
        return {row.id: row for row in conn.execute(select(Worker.__table__).where(Worker.id.in_(ids)))}


def _ledger_size(registry: Registry) -> int:
    with registry.engine.connect() as conn:
        return _one(conn, select(text("count(*)")).select_from(LedgerEntry.__table__))


def _data_version(registry: Registry) -> int:
    with registry.engine.connect() as conn:
        return _one(conn, text("SELECT version FROM data_version WHERE id = 1"))


def _is_erased(row: Any) -> bool:
    return (
        row.deidentified_on is not None
        and row.full_name == ""
        and row.ethnicity == ""
        and row.national_id_sealed == ""
        and row.national_id_index == f"erased:{row.id}"
        and row.border_pass_sealed is None
        and row.border_pass_index is None
        and row.passport_sealed is None
        and row.passport_index is None
        and row.phone_sealed is None
        and row.date_of_birth == dt.date(row.date_of_birth.year, 1, 1)
    )


def _is_untouched(row: Any) -> bool:
    return (
        row.deidentified_on is None
        and row.full_name != ""
        and row.national_id_sealed.count(":") == 1
        and not row.national_id_index.startswith("erased:")
    )


@dataclass
class Story:
    """What the module's one run of the whole story observed, step by step."""

    registry: Registry
    plan_before_build: dict[str, Any]
    plan_after_build: dict[str, Any]
    plan_versions: tuple[int, int]
    plan_ledger: tuple[int, int]
    hold_answer: dict[str, Any]
    reports_before: dict[tuple[str, str], dict[str, Any]]
    listed_before: dict[str, set[int]]
    due_before: list[int]
    stalled: bool
    killed: dict[int, Any]
    killed_ledger: int
    second_run: subprocess.CompletedProcess[str]
    reports_after: dict[tuple[str, str], dict[str, Any]]
    listed_after: dict[str, set[int]]
    plan_after_apply: dict[str, Any]
    ledger_before_apply: int
    ledger_after_apply: int


@pytest.fixture(scope="module")
def story(registry: Registry) -> Story:
    plan_before_build = registry.plan()
    _build(registry)
    hold = registry.client("lc-home-affairs").query(
        "mutation($input: HoldRecordInput!) { holdRecord(input: $input) { holdId errors { field code } } }",
        {"input": {"workerId": encode_id("Worker", registry.ids["held"]), "reason": "Court case on wages"}},
    )
    versions, ledger = [_data_version(registry)], [_ledger_size(registry)]
    plan_after_build = registry.plan()
    versions.append(_data_version(registry))
    ledger.append(_ledger_size(registry))
    reports_before = _reports(registry)
    listed_before = _listed(registry)
    with registry.engine.connect() as conn:
        due_before = sorted(
            conn.execute(text("SELECT id FROM workers WHERE deidentified_on IS NULL")).scalars()
        )
    ledger_before_apply = _ledger_size(registry)

    # The first run stops inside its second batch, before the commit, and is killed there.
    env = cli_env(registry.database)
    process = forks.start(
        ["retention", "apply", "--rules", str(registry.rules), "--batch", "3", "--stall-in-batch", "2"],
        env=env,
        stdout=forks.PIPE,
        stderr=forks.PIPE,
        text=True,
    )
    assert process.stderr is not None
    deadline, stalled = time.monotonic() + 300, False
    for line in process.stderr:
        stalled = "batch 2 erased, not committed" in line
        if stalled or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    killed = _raw_workers(registry, due_before)
    killed_ledger = _ledger_size(registry)

    # The demo's own due workers (the 2016–2019 cohort among them) fill many batches of 100 still.
    second_run = registry.cli("retention", "apply", "--rules", str(registry.rules), "--batch", "100")
    ledger_after_apply = _ledger_size(registry)  # before the reads below add their own entries
    return Story(
        registry,
        plan_before_build,
        plan_after_build,
        (versions[0], versions[1]),
        (ledger[0], ledger[1]),
        hold,
        reports_before,
        listed_before,
        due_before,
        stalled,
        killed,
        killed_ledger,
        second_run,
        _reports(registry),
        _listed(registry),
        registry.plan(),
        ledger_before_apply,
        ledger_after_apply,
    )


def test_the_plan_counts_per_kind_and_province_exactly_the_workers_the_rules_let_go(story: Story) -> None:
    got = _delta(story.plan_after_build["kinds"], story.plan_before_build["kinds"])
    assert got == EXPECTED_PLAN
    assert story.plan_after_build["workers"] - story.plan_before_build["workers"] == EXPECTED_WORKERS


def test_the_plan_writes_nothing(story: Story) -> None:
    assert story.plan_versions[0] == story.plan_versions[1]
    assert story.plan_ledger[0] == story.plan_ledger[1]


def test_a_hold_is_recorded_by_labour_and_keeps_its_worker(story: Story) -> None:
    answer = story.hold_answer["data"]["holdRecord"]
    assert answer["errors"] == [] and answer["holdId"]
    rows = _raw_workers(story.registry, [story.registry.ids["held"], story.registry.ids["incident-open"]])
    assert all(_is_untouched(row) for row in rows.values())


def test_a_killed_apply_leaves_each_worker_untouched_or_wholly_deidentified(story: Story) -> None:
    assert story.stalled  # killed inside batch 2, its erasure made and not committed
    erased = [w for w, row in story.killed.items() if row.deidentified_on is not None]
    assert all(_is_erased(story.killed[w]) for w in erased)
    assert all(_is_untouched(row) for w, row in story.killed.items() if w not in erased)
    # Batch 1 (three workers with something due, not all of them de-identified) was committed with
    # its one ledger entry; batch 2 was rolled back with the process.
    assert story.killed_ledger == story.ledger_before_apply + 1
    assert len(erased) <= 3


def test_a_second_apply_finishes_the_job_and_the_plan_is_then_empty(story: Story) -> None:
    assert "de-identified" in story.second_run.stdout
    assert story.plan_after_apply["workers"] == 0
    assert all(total == 0 for total in story.plan_after_apply["totals"].values())


def test_apply_erases_the_personal_values_and_keeps_what_the_reports_count(story: Story) -> None:
    registry = story.registry
    ids = registry.ids
    rows = _raw_workers(registry, list(ids.values()))
    for name in DEIDENTIFIED:
        row = rows[ids[name]]
        assert _is_erased(row), name
        assert row.date_of_birth == dt.date(1990, 1, 1)
        assert (row.sex, row.status) == ("female", "returned")
    for name in set(BUILT) - DEIDENTIFIED:
        assert _is_untouched(rows[ids[name]]), name
    with registry.engine.connect() as conn:
        gone = ids["gone"]
        placement = conn.execute(select(Placement.__table__).where(Placement.worker_id == gone)).one()
        assert placement.work_permit_number is None
        # the worker's own insurance policies are named by their numbers; the insurer is a company
        assert (placement.injury_policy_number, placement.health_policy_number) == (None, None)
        assert placement.injury_insurer == "中国人民财产保险股份有限公司"
        assert (placement.status, placement.monthly_wage_cny, placement.job) == (
            "completed",
            Decimal("2600.00"),
            "farm hand",
        )
        assert placement.end_date == today() - dt.timedelta(days=1500)
        incident = conn.execute(select(Incident.__table__).where(Incident.worker_id == gone)).one()
        assert (incident.description, incident.handling, incident.resolution) == ("", None, None)
        assert (incident.kind, incident.status, incident.resolved_on is not None) == (
            "wage_dispute",
            "resolved",
            True,
        )
        notes = {
            worker: note
            for table in (HealthCheck.__table__, PoliceClearance.__table__)
            for worker, note in conn.execute(
                select(table.c.worker_id, table.c.notes_sealed).where(
                    table.c.worker_id.in_(list(ids.values()))
                )
            )
            if note is not None
        }
        kept_notes = {name for name, worker in ids.items() if worker in notes}
        assert kept_notes == {"recent", "incident-open", "held", "working"}
        crossings = conn.execute(
            select(Crossing.__table__.c.gate_id).where(Crossing.__table__.c.worker_id == gone)
        ).all()
        assert len(crossings) == 1


def test_a_report_for_2018_is_the_same_before_and_after_apply(story: Story) -> None:
    assert story.reports_after == story.reports_before
    assert any(r["totals"]["sent"] for r in story.reports_before.values())
    # The test means something only if workers counted in 2018 were de-identified.
    with story.registry.engine.connect() as conn:
        erased_2018 = _one(
            conn,
            text(
                "SELECT count(DISTINCT w.id) FROM workers w JOIN placements p ON p.worker_id = w.id "
                "WHERE w.deidentified_on IS NOT NULL AND p.start_date <= :last "
                "AND (p.end_date IS NULL OR p.end_date >= :first)"
            ).bindparams(first=dt.date(2018, 1, 1), last=dt.date(2018, 12, 31)),
        )
    assert erased_2018 > 0


def test_deidentified_workers_are_in_no_office_list_and_no_node(story: Story) -> None:
    with story.registry.engine.connect() as conn:
        erased = set(conn.execute(text("SELECT id FROM workers WHERE deidentified_on IS NOT NULL")).scalars())
    assert erased
    for office in LISTERS:
        assert story.listed_after[office] == story.listed_before[office] - erased, office
    gone = encode_id("Worker", story.registry.ids["gone"])
    for office in ("lc-home-affairs", "cn-hekou"):
        assert story.registry.client(office).data(
            "query($id: ID!) { node(id: $id) { id } }", {"id": gone}
        ) == {"node": None}
    assert story.registry.ids["gone"] in story.listed_before["lc-home-affairs"]


def test_the_ledger_verifies_and_holds_no_personal_value_after_apply(story: Story) -> None:
    result = story.registry.cli("audit", "verify")
    assert "ledger OK" in result.stdout
    with story.registry.engine.connect() as conn:
        payloads = list(
            conn.execute(select(LedgerEntry.payload).where(LedgerEntry.purpose == "retention")).scalars()
        )
    assert len(payloads) == story.ledger_after_apply - story.ledger_before_apply
    named = {item[2] for p in payloads for item in json.loads(p)["written"] if item[1] == "Worker"}
    assert {story.registry.ids[name] for name in DEIDENTIFIED} <= named
    text_of_all = "".join(payloads)
    for value in ("Retention gone", "0990000", "BP99", "Wages of March", "WP-99-"):
        assert value not in text_of_all


def test_the_counts_the_statistics_read_still_equal_the_rows(story: Story) -> None:
    assert "worker counts OK" in story.registry.cli("statistics", "check").stdout


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ("[[workers]]\ndays = -5\nvalid_from = 2020-01-01\n", "workers[1].days"),
        ("[[health_checks]]\ndays = 0\nvalid_from = 2020-01-01\n", "health_checks[1].days"),
        ("[[incidents]]\ndays = 99999999\nvalid_from = 2020-01-01\n", "incidents[1].days"),
        ('[[placements]]\ndays = "ten"\nvalid_from = 2020-01-01\n', "placements[1].days"),
        ("[[workers]]\ndays = 10\n", "workers[1].valid_from"),
        (
            "[[workers]]\ndays = 10\nvalid_from = 2020-01-01\n[[workers]]\ndays = 20\nvalid_from = 2021-01-01\n",
            "workers[2].valid_from",
        ),
        ("[[wokers]]\ndays = 10\nvalid_from = 2020-01-01\n", "wokers"),
    ],
)
def test_absurd_rules_are_refused_naming_the_field(registry: Registry, tmp_path: Path, rules, field) -> None:
    path = tmp_path / "retention.toml"
    path.write_text(rules, encoding="utf-8")
    for command in ("plan", "apply") if field == "workers[1].days" else ("plan",):
        result = registry.cli("retention", command, "--rules", str(path), check=False)
        assert result.returncode == 2, result.stderr
        assert f"borderlabour: error: {path}: {field}:" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("plan", "--as-of", "yesterday"), "--as-of"),
        (("plan", "--as-of", "9999-01-01"), "--as-of"),
        (("apply", "--batch", "-1"), "--batch"),
        (("apply", "--batch", "0"), "--batch"),
    ],
)
def test_absurd_days_and_batches_on_the_command_line_are_refused(registry: Registry, args, words) -> None:
    result = registry.cli("retention", *args, "--rules", str(registry.rules), check=False)
    assert result.returncode == 2, result.stderr
    assert f"borderlabour: error: {words}" in result.stderr
