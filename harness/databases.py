"""Databases for the tests: the demo loaded once by the real CLI into a template, and cheap copies
of it, each with its own key files, for every process or module that writes.

A copy of an SQLite template is the file copied page by page (SQLite's backup, so a write-ahead log
is included); a copy on PostgreSQL is `CREATE DATABASE … TEMPLATE …`. Loading the demo takes many
seconds; a copy takes well under one, so the parallel workers of one run share one load.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from harness import forks
from harness.forks import LOCALE_VARS as LOCALE_VARS  # the tests read it here
from settings import normalise_url

# The suite runs on PostgreSQL when this names a server (`postgresql://…/test`), else on SQLite.
TEST_DB_ENV = "BORDERLABOUR_TEST_DATABASE_URL"
DB_STEM = "registry"  # the key file, the ledger key and the signed head are named after it
READY = "template.json"


@dataclass(frozen=True)
class Database:
    url: str
    key_file: Path


def cli_env(database: Database, **extra: str) -> dict[str, str]:
    """The environment of a `borderlabour` command over `database` (and nothing from the caller's:
    no BORDERLABOUR_ setting, no locale, so it speaks English unless a test gives it LANG)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_") and k not in LOCALE_VARS}
    env.update(
        BORDERLABOUR_DATABASE_URL=database.url,
        BORDERLABOUR_KEY_FILE=str(database.key_file),
        PYTHONPATH=str(forks.ROOT),
    )
    env.update(extra)
    return env


def run_cli(
    database: Database, *args: str, check: bool = True, fork: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    """`borderlabour ARGS` over `database`: forked from the zygote unless `fork` is False (a real exec)."""
    result = forks.run(args, env=cli_env(database, **env), timeout=600, fork=fork)
    if check and result.returncode != 0:
        raise AssertionError(f"borderlabour {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _admin_url(server_url: str) -> URL:
    return make_url(normalise_url(server_url))


def _on_server(server_url: str, *statements: str) -> None:
    admin = create_engine(_admin_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


def _url(server_url: str | None, folder: Path, name: str) -> str:
    if server_url is None:
        return f"sqlite:///{folder / (DB_STEM + '.db')}"
    return _admin_url(server_url).set(database=name).render_as_string(hide_password=False)


@dataclass(frozen=True)
class Template:
    """The demo as `borderlabour demo` loaded it, never opened again: only copied."""

    folder: Path  # its key files and tokens; on SQLite the database file too
    server_url: str | None  # a PostgreSQL server, or None for SQLite
    name: str  # the template database's name on that server

    @property
    def database(self) -> Database:
        return Database(_url(self.server_url, self.folder, self.name), self.folder / f"{DB_STEM}.keys.json")

    @property
    def tokens(self) -> dict[str, str]:
        return dict(json.loads((self.folder / "tokens.json").read_text()))


def demo_template(folder: Path, server_url: str | None, name: str, workers: int) -> Template:
    """The template in `folder`, loaded by the first process to ask; the others wait for it."""
    folder.mkdir(parents=True, exist_ok=True)
    template = Template(folder, server_url, name)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / READY).exists():
            if server_url is not None:
                _on_server(server_url, f'CREATE DATABASE "{name}"')
            run_cli(
                template.database,
                "demo",
                "--tokens-file",
                str(folder / "tokens.json"),
                "--demo-workers",
                str(workers),
            )
            (folder / READY).write_text(json.dumps({"name": name, "workers": workers}))
    return template


def drop_template(template: Template) -> None:
    """Drops the template's PostgreSQL database, if it was made, and removes its folder."""
    if template.server_url is not None and (template.folder / READY).exists():
        _on_server(template.server_url, f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)')
    shutil.rmtree(template.folder, ignore_errors=True)


@contextmanager
def demo_copy(template: Template, folder: Path) -> Iterator[Database]:
    """A database holding the demo and nothing else, its own key files in `folder`; dropped after."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in template.folder.glob(f"{DB_STEM}.*"):
        if part.suffix not in {".db", ".lock"} and not part.name.endswith(("-wal", "-shm")):
            shutil.copy2(part, folder / part.name)
    name = f"borderlabour_test_{uuid.uuid4().hex[:10]}"
    copy = Database(_url(template.server_url, folder, name), folder / f"{DB_STEM}.keys.json")
    if template.server_url is None:
        source = sqlite3.connect(template.folder / f"{DB_STEM}.db")
        # Created owner-only first, as the registry creates its own files (SQLite's journal files
        # then take the same mode).
        os.close(os.open(folder / f"{DB_STEM}.db", os.O_CREAT | os.O_WRONLY, 0o600))
        target = sqlite3.connect(folder / f"{DB_STEM}.db")
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        yield copy
        return
    # A transaction a test leaves open (a session it never closed) would hold its locks until the
    # test process ends, and a later statement needing them (DDL, a CLI in another process) would
    # wait for ever: PostgreSQL ends such a transaction after a minute, so the wait ends too.
    _on_server(
        template.server_url,
        f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"',
        f"ALTER DATABASE \"{name}\" SET idle_in_transaction_session_timeout = '60s'",
    )
    try:
        yield copy
    finally:
        _on_server(template.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database(server_url: str | None, folder: Path) -> Iterator[Database]:
    """A database that does not exist yet (SQLite: a file in `folder`; PostgreSQL: an empty one
    on `server_url`), for `migrate` to create the schema in, as on a fresh machine; dropped after."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"borderlabour_test_{uuid.uuid4().hex[:10]}"
    database = Database(_url(server_url, folder, name), folder / f"{DB_STEM}.keys.json")
    if server_url is None:
        yield database
        return
    _on_server(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield database
    finally:
        _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
