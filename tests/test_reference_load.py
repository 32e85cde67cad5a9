"""`borderlabour reference load` (issue 24, found by following "Running in production" on a fresh
machine): after `migrate` alone, `token issue --office cn-hekou` had no office to issue for.

One fresh database of this module's own (SQLite, or an empty one on the PostgreSQL test server),
made by the real CLI as an operator would: `migrate`, then `reference load` twice. Expectations
come from the issue (no worker, employer, talks minutes or token; a second run changes nothing)
and from DOMAIN.md (the offices and the 2025 succession), not from demo/reference.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from harness.databases import empty_database
from settings import normalise_url
from tests import plain_http
from tests.conftest import TEST_DB_ENV, Database, Server, run_cli

SNAPSHOT = {
    table: f"SELECT * FROM {table} ORDER BY id"
    for table in ("admin_units", "offices", "border_gates", "agreements", "agreement_requirement_versions")
}


@dataclass(frozen=True)
class Loaded:
    database: Database
    engine: Engine
    first: str  # what the first `reference load` said
    second: str  # and the second
    before_second: dict[str, list[tuple[object, ...]]]  # the reference rows between the two runs
    after_second: dict[str, list[tuple[object, ...]]]
    counts: dict[str, int]  # rows the demo would write, right after loading


def _rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {table: [tuple(row) for row in conn.execute(text(sql))] for table, sql in SNAPSHOT.items()}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with empty_database(os.environ.get(TEST_DB_ENV), tmp_path_factory.mktemp("reference")) as database:
        run_cli(database, "migrate")
        first = run_cli(database, "reference", "load").stdout
        engine = create_engine(normalise_url(database.url))
        before = _rows(engine)
        second = run_cli(database, "reference", "load").stdout
        with engine.connect() as conn:
            counts = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("workers", "employers", "talks_minutes", "placements", "crossings", "tokens")
            }
        try:
            yield Loaded(database, engine, first, second, before, _rows(engine), counts)
        finally:
            engine.dispose()


def test_after_migrate_and_reference_load_hekou_gets_a_token_that_answers_over_http(
    loaded: Loaded, tmp_path: Path
) -> None:
    assert "offices: " in loaded.first and "added" in loaded.first
    issued = run_cli(loaded.database, "token", "issue", "--office", "cn-hekou")
    token = issued.stdout.strip().splitlines()[-1]
    server = Server(loaded.database, {"cn-hekou": token}, tmp_path / "server.log")
    try:
        answer = plain_http.post(
            f"{server.url}/graphql",
            json={"query": "{ me { code side } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
    finally:
        server.stop()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"me": {"code": "cn-hekou", "side": "CN"}}}


def test_a_second_run_says_nothing_changed_and_changes_nothing(loaded: Loaded) -> None:
    assert loaded.second.strip() == "the reference data was already loaded: nothing changed"
    assert loaded.after_second == loaded.before_second
    assert all(loaded.before_second.values())  # something was loaded to compare


def test_it_writes_no_worker_employer_talks_minutes_or_token(loaded: Loaded) -> None:
    assert loaded.counts == {
        "workers": 0,
        "employers": 0,
        "talks_minutes": 0,
        "placements": 0,
        "crossings": 0,
        "tokens": 0,
    }


def _offices(engine: Engine) -> dict[str, tuple[dt.date | None, str | None]]:
    """code -> (last day in force, successor's code)."""
    query = text(
        "SELECT o.code, o.valid_to, s.code FROM offices o LEFT JOIN offices s ON s.id = o.successor_id"
    )
    with engine.connect() as conn:
        return {code: (_day(end), successor) for code, end, successor in conn.execute(query)}


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value is not None else None


def test_the_offices_of_both_sides_are_there_and_those_closed_in_2025_keep_their_end_and_successor(
    loaded: Loaded,
) -> None:
    offices = _offices(loaded.engine)
    # DOMAIN.md's parties: every code of the table exists.
    parties = {
        "hg-labour", "hg-police", "hg-border-guard", "hg-foreign-affairs", "hg-health", "hg-meo-vac",
        "lc-labour", "lc-police", "lc-border-guard", "lc-customs", "lc-health", "lc-foreign-affairs",
        "lc-economic-zone", "cn-wenshan", "cn-baise", "cn-napo", "cn-hekou", "admin",
    }  # fmt: skip
    assert parties <= set(offices)
    march, july = dt.date(2025, 2, 28), dt.date(2025, 6, 30)  # the last days before 1 March / 1 July 2025
    # Home Affairs took over the labour departments' duties on 1 March 2025.
    assert offices["lc-labour"] == (march, "lc-home-affairs")
    hg_end, hg_home_affairs = offices["hg-labour"]
    assert hg_end == march and hg_home_affairs is not None
    # ... and on 1 July 2025 every Hà Giang agency passed to its Tuyên Quang successor.
    assert offices[hg_home_affairs] == (july, "tq-home-affairs")
    for agency in ("police", "border-guard", "health", "foreign-affairs"):
        assert offices[f"hg-{agency}"] == (july, f"tq-{agency}")
    assert offices["hg-meo-vac"][0] == july  # the district People's Committees closed
    # Lào Cai kept its agencies, and the Chinese offices go on.
    for code in ("lc-home-affairs", "lc-police", "lc-customs", "cn-hekou", "cn-napo", "admin"):
        assert offices[code][0] is None, code


def test_the_units_merge_in_2025_and_the_agreements_come_with_their_requirements(loaded: Loaded) -> None:
    with loaded.engine.connect() as conn:
        provinces = {
            name: (_day(end), successor)
            for name, end, successor in conn.execute(
                text(
                    "SELECT u.name_vi, u.valid_to, s.name_vi FROM admin_units u "
                    "LEFT JOIN admin_units s ON s.id = u.successor_id "
                    "WHERE u.level = 'province' AND u.country = 'VN' AND u.valid_to IS NOT NULL"
                )
            )
        }
        signed = set(conn.execute(text("SELECT signed_on FROM agreements")).scalars())
        without_requirements = conn.execute(
            text(
                "SELECT count(*) FROM agreements a WHERE NOT EXISTS "
                "(SELECT 1 FROM agreement_requirement_versions r WHERE r.agreement_id = a.id)"
            )
        ).scalar_one()
    july = dt.date(2025, 6, 30)
    assert provinces["Hà Giang"] == (july, "Tuyên Quang")
    assert provinces["Lào Cai"] == (july, "Lào Cai")  # merged with Yên Bái, keeping its name
    assert {_day(day) for day in signed} >= {dt.date(2014, 12, 18), dt.date(2017, 2, 10)}
    assert without_requirements == 0


def test_a_changed_office_is_put_back_and_named_as_updated(loaded: Loaded) -> None:
    with loaded.engine.begin() as conn:
        conn.execute(text("UPDATE offices SET name = 'renamed by hand' WHERE code = 'cn-napo'"))
    said = run_cli(loaded.database, "reference", "load").stdout.splitlines()
    assert "offices: 0 added, 1 updated" in said
    assert "  updated: cn-napo" in said
    assert _rows(loaded.engine) == loaded.before_second
