"""Benchmark datasets: one database per (engine, size), generated once and kept under `.bench/`.

A dataset is filled by the real `borderlabour generate` command, which only adds what is missing,
so a second run finds the databases ready in seconds. Each dataset has its own key file (and so
its own ledger files beside it), as a real deployment would.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from settings import normalise_url

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench"
SEED = 2017
CROSSINGS_PER_WORKER = 20
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
# - jit: PostgreSQL compiles any plan whose estimated cost passes `jit_above_cost`; for the page's
#   crossings (a window over about 2,000 rows, each checked against the row scope) compiling
#   alone takes about 40 ms of a statement that runs in 10.
# - random_page_cost: the default (4) prices an index lookup for spinning disks; with it the
#   planner may hash every in-scope placement rather than look up those of 100 workers.
POSTGRES_SETTINGS = {"jit": "off", "random_page_cost": "1.1"}


@dataclass(frozen=True)
class Dataset:
    engine: str  # "sqlite" or "postgres"
    workers: int
    url: str
    key_file: Path

    @property
    def name(self) -> str:
        return f"{self.engine}-{self.workers}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a `borderlabour` process (or a bench helper) on this dataset."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_")}
        env.update(
            BORDERLABOUR_DATABASE_URL=self.url,
            BORDERLABOUR_KEY_FILE=str(self.key_file),
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env


def dataset(engine: str, workers: int, postgres_url: str = DEFAULT_POSTGRES, prefix: str = "") -> Dataset:
    """`prefix` makes a dataset of its own, for a benchmark that changes it (its ledger grows)."""
    stem = f"{prefix}{engine}-{workers}-s{SEED}-c{CROSSINGS_PER_WORKER}"
    key_file = CACHE / f"{stem}.keys.json"
    if engine == "sqlite":
        return Dataset(engine, workers, f"sqlite:///{CACHE / stem}.db", key_file)
    base = make_url(normalise_url(postgres_url))
    # The keys live in this checkout's `.bench/`, so the database is this checkout's too: another
    # checkout on the same server must never find it, take it for its own and rebuild it.
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:6]
    name = f"borderlabour_bench_{stem.replace('-', '_')}_{checkout}"
    return Dataset(engine, workers, base.set(database=name).render_as_string(hide_password=False), key_file)


def _postgres_database_exists(ds: Dataset) -> bool:
    """Whether the database was there; creates it if not.

    The database gets the two settings of an OLTP deployment on solid-state storage (see
    `POSTGRES_SETTINGS`).
    """
    url = make_url(ds.url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
            if not found:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            for name, value in POSTGRES_SETTINGS.items():
                conn.execute(text(f'ALTER DATABASE "{url.database}" SET {name} = {value}'))
            return bool(found)
    finally:
        admin.dispose()


def _drop(ds: Dataset) -> None:
    if ds.engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(ds.url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    url = make_url(ds.url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def _key_files(ds: Dataset) -> list[Path]:
    return sorted(CACHE.glob(ds.key_file.name.removesuffix(".keys.json") + ".*"))


def ensure(ds: Dataset, log: Callable[[str], object] = print) -> None:
    """Creates and fills the dataset if needed; a database whose key file is gone is rebuilt."""
    CACHE.mkdir(exist_ok=True)
    if ds.engine == "postgres":
        existed = _postgres_database_exists(ds)
    else:
        existed = Path(ds.url.removeprefix("sqlite:///")).exists()
    if existed and not ds.key_file.exists():
        log(f"{ds.name}: key file missing, rebuilding the database")
        _drop(ds)
        if ds.engine == "postgres":
            _postgres_database_exists(ds)
    stamp = ds.key_file.with_name(ds.key_file.name.replace(".keys.json", ".complete"))
    if not ds.key_file.exists():
        for stale in _key_files(ds):  # ledger files and stamp of a dropped database
            stale.unlink()
    elif existed and stamp.exists():
        return  # generated in full by an earlier run
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "generate",
        "--workers",
        str(ds.workers),
        "--seed",
        str(SEED),
        "--crossings-per-worker",
        str(CROSSINGS_PER_WORKER),
    ]
    log(f"{ds.name}: generating (only what is missing)")
    # Only `migrate` (and `demo`) create a database and its keys; `generate` fills one.
    subprocess.run([sys.executable, "-m", "cli.main", "migrate"], cwd=ROOT, env=ds.env(), check=True)
    subprocess.run(command, cwd=ROOT, env=ds.env(), check=True)
    stamp.write_text(f"{ds.workers} workers, seed {SEED}\n")


def delete_crossings_after(ds: Dataset, last_id: int) -> None:
    """Removes the crossings the benchmark recorded, so the dataset is the same for the next run."""
    engine = create_engine(normalise_url(ds.url))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM crossings WHERE id > :last"), {"last": last_id})
    engine.dispose()
