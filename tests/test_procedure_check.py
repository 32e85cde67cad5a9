"""`borderlabour procedure check` over data the API did not write (issue 9 item 8; the benchmark
datasets): the demo and a generated dataset obey the procedure, and the check finds what breaks it.

Each test checks a database of its own, made by the real CLI (`demo`, copied from the run's
template, or `generate`), so what the suite's other tests write through the API does not enter the
count.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from demo.employers import EMPLOYERS
from demo.extras import QUOTAS
from harness.databases import Template, demo_copy
from tests.conftest import Database, run_cli

# Past the workers the demo's invented quotas hold (demo.generator.WORKERS_PER_APPROVAL_SCALE):
# without larger approvals this many workers overfill the busiest employers.
STRESSING = 5200


def _database(folder: Path, name: str) -> Database:
    return Database(f"sqlite:///{folder / name}.db", folder / f"{name}.keys.json")


def _check(database: Database) -> tuple[int, list[tuple[str, str]], str]:
    result = run_cli(database, "procedure", "check", "--show", "100000", check=False)
    found = [tuple(line.split("\t")[:2]) for line in result.stdout.splitlines() if line]
    return result.returncode, found, result.stderr  # type: ignore[return-value]


@pytest.fixture(scope="module")
def generated(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """A generated dataset in a SQLite file of its own, whichever database the run tests: on the
    PostgreSQL run the same file would be generated and checked again, proving nothing the SQLite
    run has not (a minute of the run's CPU), so the tests over it run on SQLite only. The demo's
    check above runs on both."""
    if template.server_url is not None:
        pytest.skip("the generated dataset is a SQLite file: the SQLite run checks it")
    database = _database(tmp_path_factory.mktemp("generated"), "generated")
    run_cli(database, "migrate")
    # The generator's usual few round trips a stay: the rules over crossings see every kind of
    # sequence in them, and the benchmark's twenty a worker only make each check longer.
    run_cli(database, "generate", "--workers", str(STRESSING))
    return database


def test_the_demo_breaks_no_rule_of_the_procedure(template: Template, tmp_path: Path) -> None:
    with demo_copy(template, tmp_path / "demo") as database:  # the demo as `demo` loaded it, untouched
        status, found, summary = _check(database)
    assert (status, found) == (0, []), summary
    assert re.match(r"0 violations \(none\)", summary)


def test_a_dataset_past_the_demos_quotas_gets_larger_approvals_as_data_and_breaks_no_rule(
    generated: Database,
) -> None:
    status, found, summary = _check(generated)
    assert (status, found) == (0, []), summary
    engine = create_engine(generated.url)
    with engine.connect() as conn:
        quotas = dict(conn.execute(text("SELECT social_credit_code, approved_quota FROM employers")).all())
        yearly = dict(conn.execute(text("SELECT code, yearly_quota FROM agreements")).all())
    engine.dispose()
    assert {e.social_credit_code: quotas[e.social_credit_code] for e in EMPLOYERS} == {
        e.social_credit_code: 2 * e.approved_quota for e in EMPLOYERS
    }
    assert {code: yearly[code] for code in QUOTAS} == {code: 2 * quota for code, quota in QUOTAS.items()}


def test_the_check_reports_each_broken_rule_and_an_override_excuses_the_rule_it_names(
    generated: Database, tmp_path: Path
) -> None:
    copy = _database(tmp_path, "broken")
    for part in generated.key_file.parent.glob("generated.*"):  # the file, its keys, its ledger key
        (tmp_path / part.name.replace("generated", "broken", 1)).write_bytes(part.read_bytes())
    engine = create_engine(copy.url)
    with engine.begin() as conn:
        busiest = conn.execute(
            text("SELECT employer_id FROM placements GROUP BY employer_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()
        conn.execute(text("UPDATE employers SET approved_quota = 1 WHERE id = :e"), {"e": busiest})
        young = conn.execute(  # the earliest placement: its worker is 16 at the start
            text(
                "SELECT id, worker_id, start_date FROM placements WHERE employer_id != :e "
                "ORDER BY start_date, id LIMIT 1"
            ),
            {"e": busiest},
        ).one()
        start = dt.date.fromisoformat(str(young.start_date))
        conn.execute(
            text("UPDATE workers SET date_of_birth = :d WHERE id = :w"),
            {"d": start.replace(year=start.year - 16, day=min(start.day, 28)), "w": young.worker_id},
        )
        excused = conn.execute(
            text(
                "SELECT id FROM placements WHERE employer_id = :e ORDER BY start_date DESC, id DESC LIMIT 1"
            ),
            {"e": busiest},
        ).scalar_one()
        office = conn.execute(text("SELECT id FROM offices ORDER BY id LIMIT 1")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO procedure_overrides (placement_id, rules, reason, office_id, at) "
                "VALUES (:p, 'employer-quota', 'Hạn mức được nâng muộn, đã có văn bản chấp thuận', :o, :at)"
            ),
            {"p": excused, "o": office, "at": "2025-01-01 00:00:00"},
        )
    engine.dispose()
    status, found, _ = _check(copy)
    assert status == 1
    assert (f"Placement {young.id}", "minimum-age") in found
    quota_broken = {record for record, rule in found if rule == "employer-quota"}
    assert len(quota_broken) > 1 and f"Placement {excused}" not in quota_broken
    assert {rule for _, rule in found} == {"employer-quota", "minimum-age"}


def test_the_check_finds_starts_confirmed_without_an_exit_or_moved_far_ahead(
    generated: Database, tmp_path: Path
) -> None:
    """Issue 22 item 5: a start is confirmed only after the worker's exit at a gate of the agreement
    and from the day before the start; data that breaks either (here: an active placement whose
    worker's crossings are voided, another whose start was moved to 2036) is found by the check."""
    copy = _database(tmp_path, "unconfirmed")
    for part in generated.key_file.parent.glob("generated.*"):
        (tmp_path / part.name.replace("generated", "unconfirmed", 1)).write_bytes(part.read_bytes())
    engine = create_engine(copy.url)
    with engine.begin() as conn:
        active = conn.execute(
            text("SELECT id, worker_id FROM placements WHERE status = 'active' ORDER BY id LIMIT 2")
        ).all()
        stayed, moved = active
        conn.execute(
            text("UPDATE crossings SET voided_at = :at, void_reason = 'Ghi nhầm' WHERE worker_id = :w"),
            {"at": "2026-01-01 00:00:00", "w": stayed.worker_id},
        )
        conn.execute(text("UPDATE placements SET start_date = '2036-01-01' WHERE id = :p"), {"p": moved.id})
    engine.dispose()
    status, found, _ = _check(copy)
    assert status == 1
    assert (f"Placement {stayed.id}", "exited") in found
    assert (f"Placement {moved.id}", "confirm-window") in found
    assert {record for record, rule in found if rule in ("exited", "confirm-window")} == {
        f"Placement {stayed.id}",
        f"Placement {moved.id}",
    }
