"""On PostgreSQL, a batch after the appender's own is stored in one statement, without the lock.

What the appender saves (`ledger.appender`, `ledger.storing.store_if_head`): BEGIN, the lock on
the head, the batch and COMMIT become one statement outside a transaction, which stores the
batch only if the database's head is still the later of the one the appender wrote last and the
one the head file names. The chain must stay exactly as if every batch had taken the lock: here
another writer appends between two batches, with and without moving the head file, a stale head
stores nothing at all, and two appenders (two server processes) append at once, taking turns so
that neither sends the other to the lock, and without waiting on a write that holds the head;
`audit verify` proves each chain.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from ledger.appender import LedgerAppender
from ledger.checkpoints import sign_checkpoint
from ledger.entries import GENESIS, Appended, Disclosure, append_all, append_if_head
from models import kept as kept_module
from models.database import autocommit_connection, make_engine, session_factory
from models.kept import KeptConnections
from policies.sessions import internal_session
from tests.conftest import TEST_DB_ENV, Database, run_cli
from tests.own_ledger import READ, append_batch, head_file, ledger_key, own_ledger

pytestmark = pytest.mark.skipif(
    not os.environ.get(TEST_DB_ENV), reason="PostgreSQL's: SQLite's batches take its write lock"
)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Engine]]:
    with own_ledger(tmp_path_factory.mktemp("ledger-unlocked")) as made:
        yield made


class Appender:
    """A server process's appender over an engine of its own, its statements and commits counted."""

    def __init__(self, database: Database) -> None:
        self.engine = make_engine(database.url, serving=True)
        self.key = ledger_key(database)
        self.head = head_file(database)
        self.statements: list[str] = []
        self.commits = 0
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        self.unlocked = KeptConnections(self.engine, 1)
        self.appender = LedgerAppender(
            lambda: internal_session(session_factory(self.engine)),
            self.key,
            self._committed,
            signed=self.head,
            unlocked=self.unlocked,
        )

    def _statement(self, _conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        self.statements.append(statement)

    def _commit(self, _conn: object) -> None:
        self.commits += 1

    def _committed(self, last: Appended) -> None:
        self.head.advance(sign_checkpoint(self.key, last.seq, last.entry_hash, last.at))

    def record(self, worker: int) -> Appended:
        return self.appender.record(Disclosure({worker: {"Worker.fullName"}}, []), READ)

    def counted(self, worker: int) -> tuple[Appended, list[str], int]:
        """One entry recorded alone: it, the statements run for it and the transactions committed."""
        self.statements.clear()
        commits = self.commits
        return self.record(worker), list(self.statements), self.commits - commits

    def close(self) -> None:
        self.appender.close()  # the connection it keeps, before its pool is closed
        self.engine.dispose()


def _locks(statements: list[str]) -> int:
    return sum("FOR UPDATE" in s for s in statements)


def _other_writer(database: Database, engine: Engine, *, head_file_moved: bool) -> Appended:
    """An entry appended in a transaction of its own, under the lock, as a write's is; its head
    written to the head file (a write on this host) or not (the file not yet moved)."""
    disclosures = [Disclosure({7: {"Worker.status"}}, [])]
    return append_batch(
        engine, ledger_key(database), disclosures, head_file(database) if head_file_moved else None
    )


def _entries(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, prev_hash, entry_hash FROM ledger_entries ORDER BY id"))
        return [(int(i), p, h) for i, p, h in rows]


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("ledger_entries", "ledger_field_lists", "ledger_workers")
        )


def _verifies(database: Database) -> bool:
    return "ledger OK" in run_cli(database, "audit", "verify").stdout


def test_a_batch_after_the_appenders_own_is_one_statement_without_lock_or_transaction(ledger) -> None:
    database, engine = ledger
    own = Appender(database)
    try:
        first, first_statements, first_commits = own.counted(1)
        second, statements, commits = own.counted(2)
    finally:
        own.close()
    assert _locks(first_statements) == 1 and first_commits == 1  # nothing known yet: the lock
    assert len(statements) == 1 and _locks(statements) == 0 and commits == 0
    assert second.seq == first.seq + 1
    assert _entries(engine)[-1] == (second.seq, first.entry_hash, second.entry_hash)
    assert _verifies(database)


@pytest.mark.parametrize("head_file_moved", [False, True], ids=["head-file-not-moved", "head-file-moved"])
def test_after_another_writer_appended_the_batch_is_chained_onto_its_entry(
    ledger, head_file_moved: bool
) -> None:
    """A head file naming the other writer's entry is the head to chain onto, without the lock;
    a head file not moved yet sends the batch, after its unlocked try stored nothing, to the lock."""
    database, engine = ledger
    own = Appender(database)
    try:
        own.record(1)
        other = _other_writer(database, engine, head_file_moved=head_file_moved)
        after, statements, commits = own.counted(2)
        again, unlocked, _ = own.counted(3)
    finally:
        own.close()
    if head_file_moved:
        assert len(statements) == 1 and _locks(statements) == 0 and commits == 0
    else:
        assert len(statements) == 3 and _locks(statements) == 1 and commits == 1
    assert after.seq == other.seq + 1
    assert (after.seq, other.entry_hash, after.entry_hash) in _entries(engine)
    assert len(unlocked) == 1 and again.seq == after.seq + 1  # its own head again: unlocked
    assert _verifies(database)


@pytest.mark.parametrize("moved", ["one-entry-on", "same-number-other-hash"])
def test_a_batch_chained_onto_a_head_that_moved_stores_nothing(ledger, moved: str) -> None:
    database, engine = ledger
    own = Appender(database)
    try:
        own.record(1)
        own.record(2)
    finally:
        own.close()
    *_, (before_last, _, _), (last, prev, _) = _entries(engine)
    # The head the appender would have known: the entry before the last, or another entry numbered
    # as the last (a ledger restored elsewhere and appended to).
    stale = (before_last, prev) if moved == "one-entry-on" else (last, GENESIS)
    before = _counts(engine)
    # A field list no entry has used yet, and a worker row: neither may be stored.
    fresh = Disclosure({99: {"Worker.dateOfBirth", "Worker.gender"}}, [])
    with autocommit_connection(engine) as connection:
        stored = append_if_head(connection, ledger_key(database), [(fresh, READ)], stale)
    assert stored is None
    assert _counts(engine) == before
    assert _verifies(database)


def _appending_at_once(appenders: list[Appender], each: int, base: int) -> list[Appended]:
    """`each` entries recorded by every appender, from threads started together; what they appended.
    The appenders are closed after."""
    done: list[Appended] = []
    lock, start = threading.Lock(), threading.Barrier(len(appenders))

    def run(appender: Appender, first: int) -> None:
        start.wait()
        for n in range(each):
            appended = appender.record(first + n)
            with lock:
                done.append(appended)

    threads = [threading.Thread(target=run, args=(a, base * (i + 1))) for i, a in enumerate(appenders)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for appender in appenders:
            appender.close()
    return done


def test_two_appenders_appending_at_once_leave_one_unbroken_chain(ledger) -> None:
    database, engine = ledger
    first_seq = (_entries(engine) or [(0, "", "")])[-1][0] + 1
    appenders = [Appender(database), Appender(database)]
    done = _appending_at_once(appenders, 40, base=1000)
    assert sorted(a.seq for a in done) == list(range(first_seq, first_seq + 80))
    chain = _entries(engine)
    assert all(prev == chain[n - 1][2] for n, (_, prev, _) in enumerate(chain) if n > 0)
    assert _verifies(database)


def test_two_appenders_taking_turns_store_every_batch_after_their_first_without_the_lock(ledger) -> None:
    """Two server processes of one host: each batch is chained onto the head file the previous
    turn wrote, so only each appender's first batch (it knows no head yet) takes the lock."""
    database, _engine = ledger
    appenders = [Appender(database), Appender(database)]
    _appending_at_once(appenders, 30, base=2000)
    assert [_locks(a.statements) for a in appenders] == [1, 1]
    assert _verifies(database)


_OTHER_BACKENDS_ENDED = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def test_a_write_appending_while_an_appender_waits_in_its_turn_does_not_deadlock(ledger) -> None:
    """The appender holds the host's turn while its statement waits for the database's head, which
    a write holds; the write reads and moves the head file before and after its commit, so it must
    not wait for the turn (both run in threads of their own, so that a deadlock fails the test)."""
    database, engine = ledger
    own = Appender(database)
    key = ledger_key(database)
    locked, recorded, written = threading.Event(), [], []

    def write() -> None:
        with internal_session(session_factory(engine)) as session:
            session.connection().execute(text("SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE"))
            locked.set()
            time.sleep(0.3)  # the appender in its turn, its statement waiting for the head's row
            disclosure = Disclosure({8: {"Worker.status"}}, [])
            last = append_all(session, key, [(disclosure, READ)], signed=head_file(database))[-1]
            session.commit()
        head_file(database).advance(sign_checkpoint(key, last.seq, last.entry_hash, last.at))
        written.append(last)

    try:
        own.record(1)
        own.record(2)  # the appender knows its head: its next batch is tried without the lock
        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        locked.wait(10)
        appender = threading.Thread(target=lambda: recorded.append(own.record(3)), daemon=True)
        appender.start()
        writer.join(30)
        appender.join(30)
        stuck = writer.is_alive() or appender.is_alive()
        if stuck:  # end the wait for each other, so that the test fails rather than hangs
            with engine.connect() as conn:
                conn.execute(text(_OTHER_BACKENDS_ENDED))
                conn.commit()
            appender.join(30)
        assert not stuck
    finally:
        own.close()
    assert recorded[0].seq == written[0].seq + 1
    assert _verifies(database)


def test_unlocked_batches_one_after_another_keep_one_connection(ledger) -> None:
    database, _engine = ledger
    own = Appender(database)
    taken: list[object] = []
    event.listen(own.engine, "checkout", lambda *_args: taken.append(1))
    try:
        own.record(1)  # under the lock: the head is not known yet
        own.record(2)  # the first batch without it takes the connection it keeps
        taken.clear()
        for worker in (3, 4, 5):
            _appended, statements, _commits = own.counted(worker)
            assert len(statements) == 1 and _locks(statements) == 0
    finally:
        own.close()
    assert taken == []
    assert _verifies(database)


def test_a_kept_connection_the_database_dropped_while_idle_is_replaced(ledger, monkeypatch) -> None:
    """As the pool does with a pooled connection taken after idling (`models.database`): pinged, and
    replaced if gone, so that a restart of the database while the server was idle costs no answer."""
    database, engine = ledger
    monkeypatch.setattr(kept_module, "IDLE_BEFORE_PING", 0.05)
    own = Appender(database)
    try:
        own.record(1)
        own.record(2)
        kept = own.unlocked.take()  # the one connection kept, looked at and given back unused
        own.unlocked.give_back(kept)
        pid = kept.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
        time.sleep(0.2)
        after, statements, _commits = own.counted(3)
    finally:
        own.close()
    assert len(statements) == 1 and _locks(statements) == 0  # on a new connection, still unlocked
    assert (after.seq, after.entry_hash) == _entries(engine)[-1][::2]
    assert _verifies(database)
