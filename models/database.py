"""Engines and sessions: where the database is, and how each connection is set up."""

from __future__ import annotations

import contextlib
import os

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL_ENV = "BORDERLABOUR_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///borderlabour.db"


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def normalise_url(url: str) -> str:
    """Accept the usual postgres:// spellings and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str, **kwargs: object) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # hide_parameters: a failed statement's values (personal data) never reach an exception or a log.
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True, **kwargs
    )


def _create_private(path: str | None) -> None:
    """A new SQLite file is readable by its owner only: it holds names, dates of birth and the ledger.
    SQLite gives the WAL and shared-memory files the database file's mode."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets readers run while a border post writes; foreign keys are off by default in SQLite.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; we issue BEGIN ourselves. Writers take
    # the lock up front (IMMEDIATE) so two border posts writing at once wait instead of failing.
    immediate = connection.get_execution_options().get("sqlite_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
