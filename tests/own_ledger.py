"""A ledger of its own for a test module: a migrated database, one office, no entry yet.

On PostgreSQL (`BORDERLABOUR_TEST_DATABASE_URL`) a database created for the module and dropped
after it; else an SQLite file in the module's folder.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

from ledger.checkpoints import sign_checkpoint
from ledger.entries import Appended, Asked, Disclosure, append_all
from ledger.keys import LedgerFiles, SignedHead
from models.database import session_factory
from policies.sessions import internal_session
from settings import normalise_url
from tests.conftest import TEST_DB_ENV, Database, run_cli

OFFICE_ID = 1
READ = Asked(office_id=OFFICE_ID, token_id=None, purpose="statistics", request="0" * 64)


@contextmanager
def own_ledger(folder: Path) -> Iterator[tuple[Database, Engine]]:
    server = os.environ.get(TEST_DB_ENV)
    name = f"borderlabour_ledger_{uuid.uuid4().hex[:8]}"
    admin = None
    if server:
        admin = create_engine(normalise_url(server))
        admin = admin.execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'ledger.db'}"
    database = Database(url, folder / "ledger.keys.json")
    run_cli(database, "migrate")
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO offices (id, code, name, side) VALUES ({OFFICE_ID}, 'cn-hekou', 'Hekou', 'CN')"
        )
    try:
        yield database, engine
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.dispose()


def ledger_key(database: Database) -> Ed25519PrivateKey:
    """The ledger's signing key, beside the database's key file."""
    files = LedgerFiles.beside_keys(database.key_file)
    key = serialization.load_pem_private_key(files.signing_key.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def head_file(database: Database) -> SignedHead:
    """The head file beside the database's key file."""
    return SignedHead(LedgerFiles.beside_keys(database.key_file).head)


def append_batch(
    engine: Engine, key: Ed25519PrivateKey, disclosures: list[Disclosure], head: SignedHead | None = None
) -> Appended:
    """One batch of reads appended under the lock and committed; with `head`, checked against that
    head file and then written to it, as the appender does. Its last entry."""
    with internal_session(session_factory(engine)) as session:
        appended = append_all(session, key, [(d, READ) for d in disclosures], signed=head)
        session.commit()
    last = appended[-1]
    if head is not None:
        head.advance(sign_checkpoint(key, last.seq, last.entry_hash, last.at))
    return last
