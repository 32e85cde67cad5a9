"""`python -m bench.imports [--rows 10000] [--database-url URL]`: time the spreadsheet import.

A fresh demo database (SQLite in a temporary folder unless a URL is given), a workbook of `--rows`
new residents of Tuyên Quang's communes (in force since July 2025; the Mèo Vạc district committee
registers no one new), then the real CLI: `borderlabour import workers FILE --office tq-home-affairs`.
Prints wall-clock and CPU seconds and checks that every row was registered. Target: 10,000 rows in
under 30 s on SQLite (BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.workbooks import workbook, worker_rows
from settings import normalise_url

ROOT = Path(__file__).resolve().parent.parent
# Registrations today use the units in force today: the communes of Tuyên Quang since July 2025.
OFFICE, PROVINCE = "tq-home-affairs", "VN-TQ-2025"


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/import.db"
        env = {**os.environ, "BORDERLABOUR_DATABASE_URL": url, "BORDERLABOUR_KEY_FILE": f"{folder}/keys.json"}
        env["PYTHONPATH"] = str(ROOT)
        _cli(env, "demo", "--tokens-file", f"{folder}/tokens.json", "--demo-workers", "50")
        engine = create_engine(normalise_url(url))
        with engine.connect() as conn:
            communes = list(
                conn.execute(
                    text(
                        "SELECT code FROM admin_units WHERE code LIKE :p AND level = 'commune'"
                        " AND valid_to IS NULL ORDER BY code"
                    ),
                    {"p": f"{PROVINCE}-%"},
                ).scalars()
            )
        engine.dispose()
        path = Path(folder) / "workers.xlsx"
        path.write_bytes(workbook(worker_rows(args.rows, communes, serial_from=100_000)))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        officer = ("--officer-id", "BENCH-01", "--officer-name", "benchmark")
        result = _cli(env, "import", "workers", str(path), "--office", OFFICE, *officer)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        answer = json.loads(result.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    registered = answer["registered"]
    cells = [
        f"import {args.rows:,} rows",
        database,
        f"{seconds:.1f} s wall",
        f"{cpu:.1f} s CPU",
        f"{registered:,}",
    ]
    print("| " + " | ".join(cells) + " |")
    return 0 if answer["registered"] == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
