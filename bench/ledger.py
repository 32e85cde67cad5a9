"""The ledger alone, as two server processes append to it: `python -m bench.ledger [--seconds S]`.

Under load every read waits for its entry, and the two server processes of a 2-core machine append
to one ledger at once. This starts two processes, each with the appender a server process has
(`ledger.appender.LedgerAppender`: its own engine, the head file, batches without the lock on
PostgreSQL) and `--threads` threads recording one small disclosure after another, as that many
answers waiting for their entries would. It prints the entries appended a second (and by each
process: whether they share the ledger evenly), the batches, and the CPU per entry of the two
processes and of the PostgreSQL backends serving the database's role (`bench.peer_cpu`, read while
the processes still hold their connections). No HTTP, no read: what
it measures is the ledger's own cost, with much less of the noise a whole request carries.

Runs against `$BORDERLABOUR_DATABASE_URL` and its key file (a migrated database: `borderlabour
migrate`), as the office cn-hekou, which must exist (`borderlabour generate` or `demo`). It appends
real entries to that ledger.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import threading
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

from bench.cpu import Backends

OFFICE, PURPOSE = "cn-hekou", "placement-verification"


def _appending(seconds: float, threads: int, results: Queue[Any], finished: Event) -> None:
    """One process's appender and its threads; puts (entries, CPU seconds, batches), then waits for
    `finished` before closing its connections, so that their backends are still there to be read."""
    from sqlalchemy import text

    from ledger.appender import LedgerAppender
    from ledger.checkpoints import sign_checkpoint
    from ledger.entries import Appended, Asked, Disclosure
    from ledger.keys import LedgerFiles, SignedHead, load_signing_key
    from models.database import make_engine, session_factory
    from models.kept import kept_for_the_ledger
    from policies.sessions import internal_session
    from settings import Settings

    settings = Settings.load()
    engine = make_engine(settings.database_url, serving=True)
    files = LedgerFiles.beside_keys(settings.key_path)
    key = load_signing_key(files.signing_key)
    head = SignedHead(files.head)

    def committed(last: Appended) -> None:
        head.advance(sign_checkpoint(key, last.seq, last.entry_hash, last.at))

    appender = LedgerAppender(
        lambda: internal_session(session_factory(engine)),
        key,
        committed,
        signed=head,
        unlocked=kept_for_the_ledger(engine),
    )
    with engine.connect() as connection:
        office = connection.execute(
            text("SELECT id FROM offices WHERE code = :c"), {"c": OFFICE}
        ).scalar_one()
    asked = Asked(office, None, PURPOSE, "0" * 64)
    recorded = [0] * threads
    until = time.monotonic() + seconds

    def record(n: int) -> None:
        while time.monotonic() < until:
            appender.record(Disclosure({n * 100 + recorded[n] % 50 + 1: {"Worker.fullName"}}, []), asked)
            recorded[n] += 1

    started = time.process_time()
    running = [threading.Thread(target=record, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    results.put((sum(recorded), time.process_time() - started, appender.batches))
    finished.wait()
    appender.close()
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=16, help="recording threads per process")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    from settings import Settings

    backends = Backends(Settings.load().database_url)
    spawn = multiprocessing.get_context("spawn")
    results: Queue[Any] = spawn.Queue()
    finished = spawn.Event()
    processes = [
        spawn.Process(target=_appending, args=(args.seconds, args.threads, results, finished))
        for _ in range(args.processes)
    ]
    before = backends.seconds()
    for process in processes:
        process.start()
    got = [results.get() for _ in processes]
    after = backends.seconds()
    finished.set()
    for process in processes:
        process.join()
    entries = sum(g[0] for g in got)
    out: dict[str, Any] = {
        "entries": entries,
        "entries_per_second": round(entries / args.seconds),
        "entries_per_process": sorted(g[0] for g in got),
        "batches": sum(g[2] for g in got),
        "client_cpu_us_per_entry": round(sum(g[1] for g in got) / entries * 1e6, 1),
    }
    if before is not None and after is not None:
        out["database_cpu_us_per_entry"] = round((after - before) / entries * 1e6, 1)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
