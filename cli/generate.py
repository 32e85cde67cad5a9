"""`borderlabour generate`: a deterministic, realistic dataset of N workers, bulk-loaded.

The same `--seed` always gives the same people (see `demo.generator`); a rerun only adds the
workers that are missing, so a large dataset can be built in several goes. Progress goes to
stderr: a bar when stderr is a terminal, a plain line every few seconds otherwise (logs, CI).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, TextIO

from cli.database import open_database
from cli.errors import UsageError
from cli.language import language, say, words
from locales import N_, format_number

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_CROSSINGS = 20  # round trips of seasonal work: tens of crossings per deployed worker
PLAIN_INTERVAL = 5.0


class Progress:
    """`progress(done, total)` for `demo.generate`: a bar on a terminal, periodic lines elsewhere."""

    def __init__(
        self, stream: TextIO = sys.stderr, width: int = 30, interval: float = PLAIN_INTERVAL
    ) -> None:
        self.stream, self.width, self.interval = stream, width, interval
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.first = 0  # workers already there when the run began
        self.last_line = 0.0

    def start(self, total: int, existing: int) -> None:
        """Shows the starting point before the first batch (which may take a while)."""
        self.first, self.started = existing, time.monotonic()
        self(existing, total)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = max(now - self.started, 1e-9)
        rate = (done - self.first) / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        share = done / total if total else 1.0
        text = f"{done:,}/{total:,} workers {share:4.0%}  {rate:,.0f}/s"
        text += f"  eta {_clock(eta)}" if rate > 0 else ""
        if self.tty:
            filled = round(self.width * share)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {text}\x1b[K")
            if done >= total:
                self.stream.write("\n")
        elif done >= total or now - self.last_line >= self.interval:
            self.stream.write(f"generate: {text}\n")
            self.last_line = now
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def analyse(session: Session) -> None:
    """Planner statistics and visibility maps right after a bulk load, as after any bulk load.

    PostgreSQL's autovacuum would gather them only later (or never, where it is off), and until
    then it plans the row scopes as if the tables were empty: hash joins over every placement
    instead of index lookups, and heap fetches on every index-only scan.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.commit()
    with session.get_bind().engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def generate(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from demo.generator import generate as fill
    from demo.generator import generated_count
    from models import Worker

    if args.workers < 0:
        raise UsageError("--workers must not be negative")
    sessions = open_database(args.settings)
    started = time.monotonic()
    progress = Progress()
    with sessions() as session:
        present = generated_count(session, args.seed, args.workers)
        others = (session.scalar(select(func.count()).select_from(Worker)) or 0) - present
        # `--workers` is how many the database should hold, whoever put the others there.
        wanted = max(present, args.workers - others)
        if wanted == present:
            say(
                N_("the database already holds {n} workers: nothing to add"),
                n=f"{others + present:,}",
                file=sys.stderr,
            )
            return 0
        progress.start(wanted, present)
        summary = fill(
            session,
            wanted,
            seed=args.seed,
            progress=progress,
            crossings_per_worker=args.crossings_per_worker,
            batch_size=args.batch_size,
        )
        analyse(session)
    say(
        N_("generated in {seconds} s: {summary}"),
        seconds=f"{time.monotonic() - started:.1f}",
        summary=counted(summary),
        file=sys.stderr,
    )
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    g = commands.add_parser(
        "generate",
        parents=[common],
        help="fill the database with a deterministic dataset of N workers (for benchmarks)",
    )
    g.add_argument(
        "--workers",
        type=int,
        required=True,
        help="how many workers the database should hold in all; only the missing ones are added",
    )
    g.add_argument("--seed", type=int, default=2017, help="the population: same seed, same people")
    g.add_argument(
        "--crossings-per-worker",
        type=int,
        default=DEFAULT_CROSSINGS,
        help=f"about how many crossings a worker with placements has (default {DEFAULT_CROSSINGS})",
    )
    g.add_argument("--batch-size", type=int, default=2000, help="workers per transaction")
    g.set_defaults(func=generate)


# What each count of a generation is, as the summary line of `generate` and `demo` names it.
COUNTED = {
    "existing_workers": N_("existing workers"),
    "workers": N_("workers"),
    "placements": N_("placements"),
    "crossings": N_("crossings"),
    "health_checks": N_("health checks"),
    "police_clearances": N_("police clearances"),
    "incidents": N_("incidents"),
    "wage_arrears": N_("wage arrears"),
    "worker_status_changes": N_("worker status changes"),
}


def counted(summary: object) -> str:
    """`workers: 600, placements: 1,234, ...` in the reader's language (any other object as it is)."""
    counts = vars(summary) if hasattr(summary, "__dataclass_fields__") else None
    if counts is None:
        return str(summary)
    named = [
        (words(COUNTED.get(name, name)), format_number(count, language())) for name, count in counts.items()
    ]
    return ", ".join(f"{label}: {count}" for label, count in named)
