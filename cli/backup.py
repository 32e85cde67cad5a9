"""`borderlabour backup` and `borderlabour restore`: a copy of the database that can be put back.

SQLite: the backup is SQLite's online backup API, page by page, consistent even while `serve`
writes (the copy is of one moment; writes made during it wait or are taken in the next pass of
the API), to a new file readable by its owner only. Restoring copies it back the same way, over
the database (stop `serve` first). PostgreSQL: `pg_dump` in its custom format when it is on the
PATH; a machine that must lose nothing uses `pg_basebackup` with WAL archiving (README, "Running in
production"), which no command of the registry replaces.

The keys are never in a backup (they would unlock what the backup holds): `keys export` writes
them apart, encrypted. A restore where the keys are not says so in one line and restores nothing:
the database would be unreadable (sealed values) and its ledger could not be continued.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from cli.errors import CommandFailed
from cli.files import PRIVATE
from cli.language import say
from locales import N_
from settings import Settings, SetupError


def _sqlite_copy(source: Path, target: Path) -> None:
    """`source` copied into `target` by SQLite's backup API (a write-ahead log included)."""
    if not target.exists():
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writing = sqlite3.connect(target)
    try:
        reading.backup(writing, pages=1024)  # in steps: a serving registry's writers are not held up long
    finally:
        reading.close()
        writing.close()


def _is_registry(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            listed = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            tables = {row[0] for row in listed}
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False
    return {"ledger_entries", "workers", "alembic_version"} <= tables


def backup(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    output: Path = args.output
    if output.exists():
        raise SetupError("{path} exists: the backup is written to a new file", path=output)
    database = settings.sqlite_file
    if database is None:
        return _pg_dump(settings.database_url, output)
    if not database.exists():
        raise SetupError("no database at {path}", path=database)
    _sqlite_copy(database, output)
    say(
        N_("backup of {database} written to {path} (the keys are not in it: `borderlabour keys export`)"),
        database=database,
        path=output,
    )
    return 0


def _pg_dump(url: str, output: Path) -> int:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise SetupError(
            "pg_dump is not installed here; on PostgreSQL back up with pg_basebackup and WAL archiving "
            "(README, 'Running in production'), or install the PostgreSQL client"
        )
    conninfo, password = libpq_connection(url)
    os.close(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    command = [tool, "--format=custom", f"--file={output}", f"--dbname={conninfo}"]
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        output.unlink(missing_ok=True)
        raise CommandFailed("pg_dump failed: {reason}", reason=done.stderr.strip().splitlines()[-1:])
    say(N_("pg_dump of the database written to {path} (restore it with pg_restore)"), path=output)
    return 0


def libpq_connection(url: str) -> tuple[str, str | None]:
    """The database URL as libpq's own connection string (every host and port of a multi-host URL,
    `target_session_attrs`, in order), and its password apart: handed to `pg_dump` in its
    environment, never on a command line that `ps` shows."""
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    _, params = PGDialect_psycopg().create_connect_args(make_url(url))
    password = params.pop("password", None)
    return make_conninfo(**params), None if password is None else str(password)


def restore(args: argparse.Namespace) -> int:
    from ledger.keys import LedgerFiles

    settings: Settings = args.settings
    source: Path = args.input
    database = settings.sqlite_file
    if database is None:
        raise SetupError("restore puts back SQLite backups; on PostgreSQL use pg_restore or the base backup")
    if not source.is_file() or not _is_registry(source):
        raise SetupError("{path} is not a backup of the registry's database", path=source)
    files = LedgerFiles.beside_keys(settings.key_path)
    missing = [path for path in (settings.key_path, files.signing_key) if not path.exists()]
    if missing:
        raise SetupError(
            "the keys are not here ({paths}): restore them first with `borderlabour keys import BUNDLE`",
            paths=", ".join(str(p) for p in missing),
        )
    _sqlite_copy(source, database)
    say(
        N_(
            "restored {database} from {source}; check it with "
            "`borderlabour audit verify --public-key PINNED --checkpoint NEWEST`"
        ),
        database=database,
        source=source,
        file=sys.stderr,
    )
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    b = commands.add_parser("backup", parents=[common], help="copy the database to a file, while serving")
    b.add_argument("--output", type=Path, required=True, help="the new backup file")
    b.set_defaults(func=backup)
    r = commands.add_parser("restore", parents=[common], help="put an SQLite backup back (stop serve first)")
    r.add_argument("--input", type=Path, required=True, help="a file `borderlabour backup` wrote")
    r.set_defaults(func=restore)
