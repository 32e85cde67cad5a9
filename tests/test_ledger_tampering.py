"""Thirteen tamperings of a ledger, each on its own copy, each caught by `borderlabour audit verify`.

A small ledger of six signed entries (written through the registry's own append code) is copied,
database and files, once per tampering. Each test names what an attacker did and proves verify
exits non-zero, given what the issue says an honest auditor holds: the pinned public key
(`audit public-key`, kept apart from the private key) and a checkpoint taken by a counterpart
office (`audit checkpoint`). The untouched copy verifies, so each failure is the tampering's.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url

from ledger.checkpoints import load_public_key, read_checkpoint, sign_checkpoint
from ledger.entries import Disclosure, append
from ledger.keys import advance_head, read_head
from ledger.verify import Verdict, verify
from models import LedgerEntry
from models.database import session_factory
from policies.sessions import internal_session
from settings import normalise_url
from tests.conftest import TEST_DB_ENV, Database, run_cli

ENTRIES = 6
CHECKPOINT_AT = 4


@dataclass
class LedgerCopy:
    database: Database
    engine: Engine
    head: Path
    signing_key: Path
    pinned: Path  # the public key as printed before any tampering, kept apart
    checkpoint: Path  # taken at entry CHECKPOINT_AT by a counterpart office

    def sql(self, *statements: str) -> None:
        with self.engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)

    def rows(self, query: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(query))]

    def verify(self) -> Verdict:
        """What `audit verify --public-key PINNED --checkpoint WITNESS` decides (cli/audit.py), in
        process: a subprocess per tampering would cost seconds each."""
        with internal_session(session_factory(self.engine)) as session:
            return verify(
                session,
                load_public_key(self.pinned),
                read_head(self.head),
                [(str(self.checkpoint), read_checkpoint(self.checkpoint))],
            )


def _url(server: str | None, folder: Path, name: str) -> str:
    if not server:
        return f"sqlite:///{folder / 'ledger.db'}"
    base = make_url(normalise_url(server))
    return base.set(database=name).render_as_string(hide_password=False)


def _engine(url: str) -> Engine:
    return create_engine(normalise_url(url))


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str | None]]:
    """A migrated database with six signed entries, its key files, a pinned key and a checkpoint."""
    import os

    folder = tmp_path_factory.mktemp("ledger-original")
    server = os.environ.get(TEST_DB_ENV)
    name = f"borderlabour_ledger_{uuid.uuid4().hex[:8]}"
    admin = _engine(server).execution_options(isolation_level="AUTOCOMMIT") if server else None
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database = Database(_url(server, folder, name), folder / "ledger.keys.json")
    run_cli(database, "migrate")
    engine = _engine(database.url)
    key_path = folder / "ledger.ledger-key.pem"
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO offices (id, code, name, side) VALUES (1, 'cn-hekou', 'Hekou', 'CN')"
        )
    for n in range(1, ENTRIES + 1):
        with internal_session(session_factory(engine)) as session:
            disclosure = Disclosure(workers={n: {"Worker.fullName"}, 100 + n: {"Worker.id"}}, written=[])
            appended = append(
                session, key, disclosure, office_id=1, token_id=None, purpose="statistics", request="0" * 64
            )
            session.commit()
        checkpoint = sign_checkpoint(key, appended.seq, appended.entry_hash, appended.at)
        advance_head(folder / "ledger.ledger-head.json", checkpoint)
        if n == CHECKPOINT_AT:
            run_cli(database, "audit", "checkpoint", "--output", str(folder / "witness.json"))
    (folder / "pinned.pem").write_text(run_cli(database, "audit", "public-key").stdout)
    engine.dispose()
    yield database.url, folder, name if server else None
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def ledger(original, tmp_path: Path) -> Iterator[LedgerCopy]:
    url, folder, pg_name = original
    for item in folder.iterdir():
        if item.is_file() and not item.name.endswith(".lock"):
            shutil.copy2(item, tmp_path / item.name)
    admin = None
    if pg_name is not None:
        copy = f"{pg_name}_{uuid.uuid4().hex[:6]}"
        admin = _engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{pg_name}"')
        url = _url(url, tmp_path, copy)
    else:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    database = Database(url, tmp_path / "ledger.keys.json")
    engine = _engine(url)
    yield LedgerCopy(
        database,
        engine,
        tmp_path / "ledger.ledger-head.json",
        tmp_path / "ledger.ledger-key.pem",
        tmp_path / "pinned.pem",
        tmp_path / "witness.json",
    )
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.dispose()


# ---- the tamperings ----------------------------------------------------------------------------


def _truncate(ledger: LedgerCopy, keep: int) -> None:
    """Cuts every entry after `keep` and moves the database's own head row back to match."""
    last = ledger.rows(f"SELECT entry_hash FROM ledger_entries WHERE id = {keep}") if keep else []
    entry_hash = last[0]["entry_hash"] if last else "0" * 64
    ledger.sql(
        f"DELETE FROM ledger_workers WHERE entry_id > {keep}",
        f"DELETE FROM ledger_entries WHERE id > {keep}",
        f"UPDATE ledger_head SET seq = {keep}, entry_hash = '{entry_hash}' WHERE id = 1",
    )


def _rebuild_head_from_last_row(ledger: LedgerCopy) -> None:
    """Writes a head file from what the database holds: its last entry's number, hash and signature."""
    last = ledger.rows("SELECT id, entry_hash, signature FROM ledger_entries ORDER BY id DESC")[0]
    old = json.loads(ledger.head.read_text())
    forged = dict(old, seq=last["id"], entryHash=last["entry_hash"], signature=last["signature"])
    ledger.head.write_text(json.dumps(forged))


def _re_sign_everything(ledger: LedgerCopy, first: int = 1, edit: bool = False) -> None:
    """Replaces the signing key with a new one and re-signs the chain from entry `first`, rewriting
    history on the way if `edit`, then writes a matching head: only the pinned key can tell."""
    from ledger.entries import entry_document, hash_entry

    key = Ed25519PrivateKey.generate()
    ledger.signing_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with internal_session(session_factory(ledger.engine)) as session:
        rows = [
            {c.key: getattr(e, c.key) for c in LedgerEntry.__table__.columns}
            for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
        ]
    prev = "0" * 64 if first == 1 else rows[first - 2]["entry_hash"]
    statements = []
    for row in rows[first - 1 :]:
        purpose = "incident-handling" if edit else row["purpose"]
        document = entry_document(
            row["id"],
            row["at"],
            row["office_id"],
            row["token_id"],
            purpose,
            row["request_hash"],
            row["payload"],
            prev,
        )
        entry_hash = hash_entry(document)
        signature = key.sign(bytes.fromhex(entry_hash)).hex()
        statements.append(
            f"UPDATE ledger_entries SET purpose = '{purpose}', prev_hash = '{prev}', entry_hash = '{entry_hash}',"
            f" signature = '{signature}' WHERE id = {row['id']}"
        )
        prev = entry_hash
    statements.append(f"UPDATE ledger_head SET seq = {rows[-1]['id']}, entry_hash = '{prev}' WHERE id = 1")
    ledger.sql(*statements)
    ledger.head.write_text(json.dumps(sign_checkpoint(key, rows[-1]["id"], prev, rows[-1]["at"]).as_json()))


def edit_an_entrys_purpose(ledger: LedgerCopy) -> None:
    ledger.sql("UPDATE ledger_entries SET purpose = 'incident-handling' WHERE id = 3")


def pin_an_entry_on_an_officer(ledger: LedgerCopy) -> None:
    """A service token's read made to look like an officer's (the officer is signed with the entry)."""
    ledger.sql("UPDATE ledger_entries SET officer_id = 'HK-0042', officer_name = 'Li Ming' WHERE id = 3")


def delete_an_entry_in_the_middle(ledger: LedgerCopy) -> None:
    ledger.sql("DELETE FROM ledger_workers WHERE entry_id = 3", "DELETE FROM ledger_entries WHERE id = 3")


def swap_two_entries(ledger: LedgerCopy) -> None:
    a, b = ledger.rows("SELECT * FROM ledger_entries WHERE id IN (2, 3) ORDER BY id")
    columns = [c for c in a if c != "id"]

    def rewrite(target: int, source: dict) -> str:
        values = ", ".join(
            "NULL" if source[c] is None else "'" + str(source[c]).replace("'", "''") + "'" for c in columns
        )
        return f"UPDATE ledger_entries SET ({', '.join(columns)}) = ({values}) WHERE id = {target}"

    ledger.sql(rewrite(2, b), rewrite(3, a))


def hide_a_worker_from_the_per_worker_index(ledger: LedgerCopy) -> None:
    ledger.sql("DELETE FROM ledger_workers WHERE entry_id = 2 AND worker_id = 2")


def edit_a_stored_field_list(ledger: LedgerCopy) -> None:
    ledger.sql("UPDATE ledger_field_lists SET fields = 'Worker.sex' WHERE fields = 'Worker.fullName'")


def truncate_the_tail(ledger: LedgerCopy) -> None:
    _truncate(ledger, ENTRIES - 2)


def delete_the_head_file_then_truncate(ledger: LedgerCopy) -> None:
    ledger.head.unlink()
    _truncate(ledger, ENTRIES - 2)


def wipe_the_ledger_and_the_head_file(ledger: LedgerCopy) -> None:
    ledger.head.unlink()
    _truncate(ledger, 0)
    ledger.sql("DELETE FROM ledger_field_lists")


def rebuild_the_head_file_from_the_last_row_after_truncating(ledger: LedgerCopy) -> None:
    _truncate(ledger, ENTRIES - 2)
    _rebuild_head_from_last_row(ledger)


def delete_the_head_row_too_and_rebuild_the_head_file(ledger: LedgerCopy) -> None:
    _truncate(ledger, ENTRIES - 2)
    ledger.sql("DELETE FROM ledger_head")
    _rebuild_head_from_last_row(ledger)


def replace_the_key_and_re_sign_the_whole_chain(ledger: LedgerCopy) -> None:
    _re_sign_everything(ledger, edit=True)


def rewrite_history_behind_the_checkpoint_with_a_new_key(ledger: LedgerCopy) -> None:
    _re_sign_everything(ledger, first=2, edit=True)


# Each tampering, and what the finding must say (the first thing verify meets).
TAMPERINGS: dict[Callable[[LedgerCopy], None], str] = {
    edit_an_entrys_purpose: "entry 3: its content does not match its hash",
    pin_an_entry_on_an_officer: "entry 3: its content does not match its hash",
    delete_an_entry_in_the_middle: "entry 3: missing",
    swap_two_entries: "entry 2: does not follow the entry before it",
    hide_a_worker_from_the_per_worker_index: "entry 2: its per-worker index disagrees",
    edit_a_stored_field_list: "does not match its digest",
    truncate_the_tail: f"the signed head file names entry {ENTRIES}, the database ends at {ENTRIES - 2}",
    delete_the_head_file_then_truncate: "the signed head file is missing",
    wipe_the_ledger_and_the_head_file: f"names entry {CHECKPOINT_AT}, the database ends at 0",
    rebuild_the_head_file_from_the_last_row_after_truncating: "the signed head file is not signed by the pinned key",
    delete_the_head_row_too_and_rebuild_the_head_file: "head row is missing",
    replace_the_key_and_re_sign_the_whole_chain: "entry 1: its signature is not the registry's",
    rewrite_history_behind_the_checkpoint_with_a_new_key: "entry 2: its signature is not the registry's",
}


def test_the_untouched_copy_verifies(ledger: LedgerCopy) -> None:
    result = run_cli(
        ledger.database,
        "audit",
        "verify",
        "--public-key",
        str(ledger.pinned),
        "--checkpoint",
        str(ledger.checkpoint),
    )
    assert f"ledger OK: {ENTRIES} entries verified" in result.stdout
    assert ledger.verify().ok


@pytest.mark.parametrize("tamper", list(TAMPERINGS), ids=[t.__name__ for t in TAMPERINGS])
def test_audit_verify_catches(tamper: Callable[[LedgerCopy], None], ledger: LedgerCopy) -> None:
    tamper(ledger)
    verdict = ledger.verify()
    assert not verdict.ok
    assert TAMPERINGS[tamper] in str(verdict.finding), verdict.finding


def test_a_checkpoint_alone_catches_a_history_re_signed_with_a_new_key(ledger: LedgerCopy) -> None:
    """Without the pinned key, verify trusts the (replaced) private key file; the witness still holds."""
    replace_the_key_and_re_sign_the_whole_chain(ledger)
    result = run_cli(ledger.database, "audit", "verify", check=False)
    assert result.returncode == 0, "re-signed with a matching head, the chain alone looks whole"
    result = run_cli(ledger.database, "audit", "verify", "--checkpoint", str(ledger.checkpoint), check=False)
    assert result.returncode != 0
    assert "checkpoint" in result.stderr and "not signed by the pinned key" in result.stderr, result.stderr
