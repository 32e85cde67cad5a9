"""The restore drill: a backup taken while serving, more work after it, the backup put back, and the
ledger saying plainly that the database is now older than a checkpoint taken after the backup.

On SQLite the backup is `borderlabour backup` (SQLite's online backup API) and the restore
`borderlabour restore`; on PostgreSQL `borderlabour backup` runs `pg_dump`, and the dump is put
back into a new database with `pg_restore`, as an operator would. The keys travel apart, in the
encrypted bundle of `keys export`: a restore where they are not says so in one line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from harness.databases import Database, demo_copy, run_cli
from harness.server import free_port
from ledger.checkpoints import public_key_pem
from ledger.keys import LedgerFiles, load_signing_key
from settings import normalise_url
from tests.conftest import Server, office_clients

RENAME = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { id } errors { field code } } }"""
READ = "{ workers(first: 3) { edges { node { id fullName } } } }"


def _work(server: Server, rounds: int) -> None:
    """Reads and writes, each ledgered."""
    office = office_clients(server)("lc-home-affairs")
    worker = office.data(READ)["workers"]["edges"][0]["node"]["id"]
    writer = office_clients(server)("lc-home-affairs", "worker-registration")
    for n in range(rounds):
        office.data(READ)
        done = writer.data(
            RENAME, {"input": {"workerId": worker, "reason": f"drill {n}", "phone": f"0912{n:06d}"}}
        )
        assert done["updateWorker"]["errors"] == []


def _restored(database: Database, backup: Path) -> Database:
    """The backup put back: over the SQLite file, or into a new PostgreSQL database."""
    if database.url.startswith("sqlite"):
        run_cli(database, "restore", "--input", str(backup))
        return database
    url = make_url(normalise_url(database.url))
    restored = url.set(database=f"borderlabour_restored_{uuid.uuid4().hex[:8]}")
    libpq = restored.set(drivername="postgresql")
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{restored.database}"'], check=True)
    subprocess.run(
        ["pg_restore", "--no-owner", "-d", libpq.render_as_string(hide_password=False), str(backup)],
        check=True,
        capture_output=True,
    )
    return Database(libpq.render_as_string(hide_password=False), database.key_file)


def _two_hosts(database: Database) -> Database:
    """On PostgreSQL the database behind a multi-host URL whose first host is down, as after a
    failover: `backup` must reach it as the server does. On SQLite the database itself."""
    if database.url.startswith("sqlite"):
        return database
    url = make_url(database.url)
    auth = url.username + (f":{url.password}" if url.password else "")
    hosts = f"127.0.0.1:{free_port()},{url.host}:{url.port or 5432}"
    return Database(
        f"postgresql://{auth}@{hosts}/{url.database}?target_session_attrs=read-write", database.key_file
    )


def _drop(database: Database) -> None:
    if not database.url.startswith("sqlite"):
        url = make_url(database.url)
        admin = url.set(database="postgres").render_as_string(hide_password=False)
        subprocess.run(
            ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'], check=True
        )


def test_a_restored_backup_is_reported_older_than_a_checkpoint_taken_after_it(template, tmp_path) -> None:
    if not template.database.url.startswith("sqlite") and shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    with demo_copy(template, tmp_path / "registry") as database:
        pinned = tmp_path / "pinned.pem"
        signing = load_signing_key(LedgerFiles.beside_keys(database.key_file).signing_key)
        pinned.write_text(public_key_pem(signing.public_key()))
        server = Server(database, template.tokens, tmp_path / "server.log")
        try:
            _work(server, 2)
            backup = tmp_path / "registry.backup"
            run_cli(_two_hosts(database), "backup", "--output", str(backup))  # while serving
            assert backup.stat().st_mode & 0o077 == 0
            _work(server, 3)
        finally:
            server.stop()
        after = tmp_path / "after-backup.json"
        run_cli(database, "audit", "checkpoint", "--output", str(after))
        taken = json.loads(after.read_text())["seq"]

        restored = _restored(database, backup)
        try:
            verdict = run_cli(
                restored,
                "audit",
                "verify",
                "--public-key",
                str(pinned),
                "--checkpoint",
                str(after),
                check=False,
            )
            assert verdict.returncode == 1, verdict.stdout + verdict.stderr
            assert f"names entry {taken}" in verdict.stderr
            assert (
                "the database is older than" in verdict.stderr and "restored from a backup" in verdict.stderr
            )
        finally:
            if restored != database:
                _drop(restored)


def test_a_restore_without_the_keys_says_so_and_keys_come_back_from_the_bundle(template, tmp_path) -> None:
    if not template.database.url.startswith("sqlite"):
        pytest.skip("`borderlabour restore` puts back SQLite backups")
    with demo_copy(template, tmp_path / "registry") as database:
        backup = tmp_path / "registry.backup"
        run_cli(database, "backup", "--output", str(backup))
        passphrase = tmp_path / "passphrase"
        passphrase.write_text("correct horse battery staple\n")
        bundle = tmp_path / "keys.bundle"
        run_cli(database, "keys", "export", "--output", str(bundle), "--passphrase-file", str(passphrase))
        assert bundle.stat().st_mode & 0o077 == 0
        secret = database.key_file.read_text()
        assert secret not in bundle.read_text()

        elsewhere = Database(
            f"sqlite:///{tmp_path / 'new-host' / 'registry.db'}", tmp_path / "new-host" / "registry.keys.json"
        )
        elsewhere.key_file.parent.mkdir()
        refused = run_cli(elsewhere, "restore", "--input", str(backup), check=False)
        assert refused.returncode == 2
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "the keys are not here" in lines[0], refused.stderr
        assert not (tmp_path / "new-host" / "registry.db").exists()

        wrong = tmp_path / "wrong"
        wrong.write_text("not the passphrase at all\n")
        failed = run_cli(
            elsewhere, "keys", "import", str(bundle), "--passphrase-file", str(wrong), check=False
        )
        assert failed.returncode == 1 and "passphrase is wrong" in failed.stderr
        run_cli(elsewhere, "keys", "import", str(bundle), "--passphrase-file", str(passphrase))
        assert elsewhere.key_file.read_text() == secret
        ledger_key = LedgerFiles.beside_keys(elsewhere.key_file).signing_key
        assert ledger_key.read_bytes() == LedgerFiles.beside_keys(database.key_file).signing_key.read_bytes()
        run_cli(elsewhere, "restore", "--input", str(backup))
        assert "worker counts OK" in run_cli(elsewhere, "statistics", "check").stdout


def test_a_host_without_the_keys_of_a_used_database_is_told_to_import_them_not_given_new_ones(
    database, tmp_path
) -> None:
    """New keys over a used database would leave every sealed value unreadable and every new ledger
    entry signed by a key nobody pinned: `migrate` (the image's first command) refuses to make them."""
    new_host = Database(database.url, tmp_path / "new-host" / "registry.keys.json")
    refused = run_cli(new_host, "migrate", check=False)
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "borderlabour keys import" in lines[0], refused.stderr
    assert not new_host.key_file.exists()
    assert not LedgerFiles.beside_keys(new_host.key_file).signing_key.exists()
