"""Opening the database from the command line: the file, migrations, keyring, ledger key."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from cli.errors import unreachable
from settings import Settings, SetupError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session, sessionmaker

# The migrations, the models, the keyring and the ledger's key are imported when a command opens
# the database, not when the parser is built: `--help`, `policy` and the other commands that never
# open it do not pay for them (every command module imports this one).


def open_database(settings: Settings, *, create: bool = False) -> sessionmaker[Session]:
    """Migrates the database to the newest schema, loads the keys, returns an internal session factory.

    Only `demo` and `migrate` pass `create`: any other command run against an SQLite file that is
    not there stops with a message instead of leaving an empty database behind.
    """
    from sqlalchemy.exc import DBAPIError

    import migrations
    from ledger.keys import LedgerFiles, load_signing_key
    from models.database import make_engine, session_factory
    from models.sealing import configure_keyring

    url = settings.database_url
    path = settings.sqlite_file
    if path is not None and not create and not path.exists():
        raise SetupError(
            "no database at {path}: run `borderlabour migrate` (or `borderlabour demo`) to create it, "
            "or point --database-url at an existing one",
            path=path,
        )
    try:
        migrations.upgrade(url)
    except DBAPIError as exc:
        raise unreachable(url, exc) from None
    if create and not settings.key_path.exists() and _holds_entries(url):
        # New keys over a used database: every sealed value would fail to open and every new ledger
        # entry be signed by a key nobody pinned, while the host looked ready.
        raise SetupError(
            "the database already holds data sealed and signed with keys that are not in {path}: "
            "bring them here with `borderlabour keys import BUNDLE` (from `keys export` on a host that "
            "has them), or point BORDERLABOUR_KEY_FILE at them",
            path=settings.key_path,
        )
    configure_keyring(settings.key_path, create=create)
    load_signing_key(LedgerFiles.beside_keys(settings.key_path).signing_key, create=create)
    factory = session_factory(make_engine(url))
    factory.configure(info={"borderlabour.internal": True})
    return factory


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction that holds SQLite's write lock from its first statement, committed on success.

    A command that reads and then writes in a deferred transaction fails at once with "database is
    locked" when a running server wrote in between: SQLite cannot move a reader's snapshot forward
    to let it write. Taking the lock first makes the command wait its turn (the busy timeout)
    instead. PostgreSQL ignores the option.
    """
    with sessions() as session, session.begin():
        session.connection(execution_options={"sqlite_immediate": True})
        yield session


def _holds_entries(url: str) -> bool:
    from sqlalchemy import text

    from models.database import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return any(
                connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
                for table in ("workers", "ledger_entries")  # sealed values; signed entries
            )
    finally:
        engine.dispose()
