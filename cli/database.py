"""Opening the database from the command line: URL, migrations, keyring."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

import migrations
from ledger.keys import LedgerFiles, load_signing_key
from models.database import make_engine, normalise_url, session_factory
from models.sealing import configure_keyring


def open_database(url: str, *, migrate: bool = True, create_keys: bool = False) -> sessionmaker[Session]:
    """Migrates the database to the newest schema, loads the keyring, returns an internal session factory."""
    url = normalise_url(url)
    if migrate:
        migrations.upgrade(url)
    configure_keyring(url, create=create_keys)
    load_signing_key(LedgerFiles.beside_keys(url).signing_key, create=create_keys)
    factory = session_factory(make_engine(url))
    factory.configure(info={"borderlabour.internal": True})
    return factory
