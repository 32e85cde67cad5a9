"""Webhooks: an office's events POSTed to a real receiver process that checks the HMAC-SHA256
signature, at least once and in commit order, retried after failures and parked when they last; the
command line manages them and /metrics counts them (issue 20, item 3)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harness.databases import demo_copy
from settings import normalise_url
from tests import plain_http
from tests.conftest import Server, office_clients, run_cli
from tests.procedure_steps import cross, place, ready
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "BORDERLABOUR_WEBHOOK_URLS": "http://127.0.0.1:",
    "BORDERLABOUR_WEBHOOK_BACKOFF_SECONDS": "0.2",
    "BORDERLABOUR_WEBHOOK_RETRY_HOURS": "0.001",  # parked after 3.6 s of failures
}


@pytest.fixture(scope="module")
def registry(template, tmp_path_factory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("webhooks")
    with demo_copy(template, folder) as database:
        server = Server(database, template.tokens, folder / "server.log", **ENV)
        try:
            yield database, server
        finally:
            server.stop()


@pytest.fixture
def receiver(tmp_path) -> Iterator[tuple[int, Path, Path]]:
    secret, out = tmp_path / "secret", tmp_path / "deliveries.jsonl"
    secret.write_text("s3cret-shared-with-the-receiver\n")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.webhook_receiver",
            "--secret-file",
            str(secret),
            "--out",
            str(out),
            "--fail",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield port, secret, out
    finally:
        process.terminate()
        process.wait(10)


def _deliveries(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def _add_webhook(database, port: int, secret, office: str, purpose: str, *kinds: str) -> str:
    """`webhooks add` for `office` to the receiver on `port`; the new webhook's id, as the CLI prints it."""
    added = run_cli(
        database,
        "webhooks",
        "add",
        "--office",
        office,
        "--url",
        f"http://127.0.0.1:{port}/hook",
        "--secret-file",
        str(secret),
        "--purpose",
        purpose,
        "--kinds",
        *kinds,
        **ENV,
    )
    return added.stdout.split()[1]


def test_events_reach_a_receiver_signed_in_order_after_its_failures(registry, receiver) -> None:
    database, server = registry
    port, secret, out = receiver
    as_office = office_clients(server)
    hook = _add_webhook(
        database, port, secret, "cn-hekou", "placement-verification", "PLACEMENT_PLANNED", "CROSSING_RECORDED"
    )
    first, second = ready(as_office), ready(as_office)
    placements = [place(as_office, w)["placement"]["id"] for w in (first, second)]
    crossing = cross(as_office, "lc-border-guard", first, "EXIT_VIETNAM")["crossing"]["id"]

    def told() -> list[str]:
        accepted = [d for d in _deliveries(out) if d["status"] == 200]
        return [e["record"]["id"] for d in accepted for e in d["body"]["events"]]

    ids = until(lambda: (t := told()) and crossing in t and t)
    assert ids == [*placements, crossing]  # commit order, each once once accepted
    statuses = [d["status"] for d in _deliveries(out)]
    assert statuses[:2] == [500, 500] and 401 not in statuses  # retried; every signature checked out
    listed = run_cli(database, "webhooks", "list", **ENV).stdout
    line = next(ln for ln in listed.splitlines() if ln.split()[0] == hook)
    assert " ok " in line and "cn-hekou" in line
    metrics = plain_http.get(f"{server.url}/metrics").text
    assert (
        "borderlabour_webhook_deliveries_total" in metrics
        and "borderlabour_webhook_failures_total" in metrics
    )


def test_a_webhook_failing_past_its_retry_time_is_parked_then_replayed(registry, tmp_path) -> None:
    database, server = registry
    secret = tmp_path / "secret"
    secret.write_text("another-secret-of-enough-length")
    nobody = "http://127.0.0.1:9/hook"  # the discard port: nothing answers
    added = run_cli(
        database,
        "webhooks",
        "add",
        "--office",
        "cn-hekou",
        "--url",
        nobody,
        "--secret-file",
        str(secret),
        "--purpose",
        "placement-verification",
        **ENV,
    )
    hook = added.stdout.split()[1]
    place(office_clients(server), ready(office_clients(server)))

    engine = create_engine(normalise_url(database.url))

    def parked() -> bool:
        with engine.connect() as connection:
            query = text("SELECT parked_at FROM webhooks WHERE id = :id")
            return connection.execute(query, {"id": int(hook)}).scalar() is not None

    assert until(parked)
    listed = run_cli(database, "webhooks", "list", **ENV).stdout.splitlines()
    assert next(ln for ln in listed if ln.split()[0] == hook).split()[2] == "parked"
    failures = _failures(server)
    run_cli(database, "webhooks", "replay", hook, **ENV)
    assert until(lambda: _failures(server) > failures)  # tried again once resumed
    run_cli(database, "webhooks", "remove", hook, **ENV)
    assert hook not in [
        ln.split()[0] for ln in run_cli(database, "webhooks", "list", **ENV).stdout.splitlines()
    ]


def _failures(server) -> float:
    metrics = plain_http.get(f"{server.url}/metrics").text.splitlines()
    return sum(
        float(ln.split()[-1]) for ln in metrics if ln.startswith("borderlabour_webhook_failures_total")
    )


def test_a_url_outside_the_allow_list_is_refused(registry, tmp_path) -> None:
    database, _ = registry
    secret = tmp_path / "secret"
    secret.write_text("another-secret-of-enough-length")
    refused = run_cli(
        database,
        "webhooks",
        "add",
        "--office",
        "cn-hekou",
        "--url",
        "https://elsewhere.example/hook",
        "--secret-file",
        str(secret),
        "--purpose",
        "placement-verification",
        check=False,
        **ENV,
    )
    assert refused.returncode != 0 and "BORDERLABOUR_WEBHOOK_URLS" in refused.stderr


def test_an_office_past_its_validity_is_sent_nothing_and_its_backlog_is_parked(registry, receiver) -> None:
    """Offices are dated data: once one closes (its `valid_to` passed, as Hà Giang's departments closed
    in 2025), its webhooks deliver nothing more, not even events about rows it could read before."""
    database, server = registry
    port, secret, out = receiver
    as_office = office_clients(server)
    hook = _add_webhook(database, port, secret, "lc-customs", "crossing-control", "CROSSING_RECORDED")
    engine = create_engine(normalise_url(database.url))
    close = text("UPDATE offices SET valid_to = :day WHERE code = 'lc-customs'")
    with engine.begin() as connection:  # no command closes an office: the offices are data
        connection.execute(close, {"day": dt.date.today() - dt.timedelta(days=2)})
    try:
        worker = ready(as_office)  # a Lào Cai worker's exit: a crossing customs reads (DOMAIN.md)
        place(as_office, worker)
        assert cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []

        state = text(
            "SELECT parked_at, last_error, delivered, (SELECT max(seq) FROM event_outbox) - position"
            " FROM webhooks WHERE id = :id"
        )

        def parked() -> tuple | None:
            with engine.connect() as connection:
                row = connection.execute(state, {"id": int(hook)}).one()
            return tuple(row[1:]) if row[0] is not None else None

        error, sent, behind = until(parked)
        assert error == "OFFICE_CLOSED" and sent == 0 and behind >= 1  # its backlog, kept
        run_cli(database, "webhooks", "replay", hook, **ENV)
        assert until(parked)[:2] == ("OFFICE_CLOSED", 0)  # parked again: a closed office is told nothing
        assert _deliveries(out) == []
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE offices SET valid_to = NULL WHERE code = 'lc-customs'"))
        engine.dispose()
