"""Group commit: the entries of answers given at once are appended in one transaction.

Every answer that discloses personal data waits for its entry before it is sent. Appended one by
one, each entry is a transaction of its own under the one lock on the ledger's head (a row lock on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so concurrent answers queue behind each other's commits.
Here the answers of one process queue for the appender instead: while one batch is being
committed, the entries that arrive wait, and the next commit takes them all. One lock, one
transaction and one head-file update per batch; each entry is still hashed, chained and signed on
its own (`ledger.entries.append_all`), so a batch cannot be told from entries appended one by one.

There is no appender thread: the first waiting caller with no batch in flight commits the queue
for everyone (leader and followers, as databases do their own group commit), so the appender
works the same in a server process and in a command-line process, and needs no shutdown. Several
processes each have their own appender; the lock on the head orders their batches.

On PostgreSQL an appender that knows the head it wrote last stores its next batch without the lock,
in one statement outside a transaction, which stores it only if the database's head is still that
one (`ledger.entries.append_if_head`): one round trip instead of four while no other transaction
appended meanwhile. The server processes of a host take turns to append (`SignedHead.turn`, a lock
file), and each batch is chained onto the later of its appender's own head and the one the head
file names, which the previous turn wrote: so another process's batches do not send it to the lock.
When a write or another host has appended, the batch is chained again onto the head read under the
lock, as before. The appender keeps the autocommit connection of those batches from one to the
next (`models.kept`, one batch at a time, so one connection): taking it from the pool and switching
it to autocommit each time was 7 % of a small read's instructions (BENCHMARKS.md, "Nested records
without their worker's test, reads without BEGIN and COMMIT, one thread pool").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from ledger.entries import Appended, Asked, Disclosure, append_all, append_if_head
from ledger.keys import SignedHead
from models.kept import KeptConnections


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


class LedgerRefused(RuntimeError):
    """The batch holding this entry was not committed: the answer it records must not be sent."""


@dataclass(eq=False)
class _Waiting:
    disclosure: Disclosure
    asked: Asked
    appended: Appended | None = None
    error: BaseException | None = None
    done: bool = False
    queued_at: float = field(default_factory=time.perf_counter)
    # Held from the start; released once, by the leader: when the entry is committed (or refused),
    # or when its caller is to lead the next batch.
    wake: threading.Lock = field(default_factory=_held_lock)


class LedgerAppender:
    """One per process. `record` returns once the entry is committed, or raises `LedgerRefused`."""

    def __init__(
        self,
        open_session: Callable[[], Session],
        key: Ed25519PrivateKey,
        committed: Callable[[Appended], None],
        waited: Callable[[float], None] = lambda _seconds: None,
        batch_limit: int = 256,
        signed: SignedHead | None = None,
        unlocked: KeptConnections | None = None,
    ) -> None:
        """`open_session` gives a session that sees the whole ledger; `committed` is told the last
        entry of each committed batch (to move the head file); `waited` the seconds each entry
        waited, from its arrival to its commit; `batch_limit` bounds one transaction (1: every
        entry alone, as before group commit); `signed` the head file a batch must not fall behind
        (`ledger.entries.LedgerBehind`); `unlocked` the autocommit connection kept on PostgreSQL
        for batches stored without the lock (limit 1; none: every batch takes the lock)."""
        self._limit = batch_limit
        self._open_session = open_session
        self._unlocked = unlocked
        self._head: tuple[int, str] | None = None  # (seq, hash) of the last entry this appender wrote
        self._key = key
        self._committed = committed
        self._waited = waited
        self._signed = signed
        self._queue: list[_Waiting] = []
        self._leading = False
        self._mutex = threading.Lock()  # the queue and who leads
        self.batches = 0
        self.entries = 0

    @property
    def waiting(self) -> int:
        """Entries queued for the next batch."""
        with self._mutex:
            return len(self._queue)

    @property
    def committing(self) -> bool:
        """Whether a batch is being committed now."""
        with self._mutex:
            return self._leading

    def record(self, disclosure: Disclosure, asked: Asked) -> Appended:
        """Queues the entry and returns once it is committed. The caller that finds no batch under
        way leads: it commits the queue, batch after batch, until its own entry is in; then it
        wakes each caller of those batches, and hands the lead to the first caller still queued.
        Only those are woken: waking every waiter after every batch (a condition's `notify_all`)
        woke the next batch's callers to find their entries not yet in and wait again."""
        mine = _Waiting(disclosure, asked)
        with self._mutex:
            self._queue.append(mine)
            leads = not self._leading
            self._leading = True
        if not leads:
            mine.wake.acquire()  # committed, or this caller's turn to lead
        while not mine.done:
            with self._mutex:
                batch = self._queue[: self._limit]
                del self._queue[: self._limit]
            try:
                self._commit(batch)
            except BaseException:  # not the database's refusal (`_commit` keeps that): leave, lead no more
                self._hand_on(batch, mine, failed=True)
                raise
            self._hand_on(batch, mine)
        self._waited(time.perf_counter() - mine.queued_at)
        if mine.appended is None:
            raise LedgerRefused() from mine.error
        return mine.appended

    def _hand_on(self, batch: list[_Waiting], mine: _Waiting, failed: bool = False) -> None:
        """Marks the batch done and wakes its callers. If the leader's own entry is in (or its
        batch `failed` past what `_commit` keeps), the first caller still queued leads next; none
        queued, the next caller to come leads."""
        with self._mutex:
            for waiting in batch:
                waiting.done = True
            leaving = failed or mine.done
            if failed and not mine.done and mine in self._queue:
                self._queue.remove(mine)  # its caller is gone: its entry is not appended
            following = self._queue[0] if leaving and self._queue else None
            if leaving and following is None:
                self._leading = False
        for waiting in batch:
            if waiting is not mine:
                waiting.wake.release()
        if following is not None:
            following.wake.release()  # it leads the next batch: `_leading` stays set

    def _commit(self, batch: list[_Waiting]) -> None:
        items = [(w.disclosure, w.asked) for w in batch]
        try:
            with self._host_turn():
                appended = self._append_unlocked(items)
                if appended is None:
                    with self._open_session() as session:
                        session.connection(execution_options={"sqlite_immediate": True})
                        appended = append_all(session, self._key, items, signed=self._signed)
                        session.commit()
                self._head = (appended[-1].seq, appended[-1].entry_hash)
                # If the head file cannot be moved the answers are refused as if the commit had
                # failed: their entries stay, recorded but never sent, which errs on the safe side.
                self._committed(appended[-1])
        except Exception as exc:
            self._head = None
            for waiting in batch:
                waiting.error = exc
            return
        for waiting, done in zip(batch, appended, strict=True):
            waiting.appended = done
        self.batches += 1
        self.entries += len(batch)

    def _host_turn(self) -> AbstractContextManager[None]:
        """The host's turn to append (`SignedHead.turn`), where batches may be stored without the
        database's lock; elsewhere (SQLite, no head file) nothing to take."""
        if self._unlocked is None or self._signed is None:
            return nullcontext()
        return self._signed.turn()

    def _append_unlocked(self, items: list[tuple[Disclosure, Asked]]) -> list[Appended] | None:
        """The batch stored onto the later of the head this appender wrote last and the one the
        head file names, if it is still the database's; None if it was not stored."""
        head = self._head
        if self._unlocked is None or head is None:
            return None
        if self._signed is not None:
            written = self._signed.head()
            if written is not None and written[0] > head[0]:
                head = written  # another process of this host appended since: chain onto its entry
        with self._unlocked.taken() as connection:
            return append_if_head(connection, self._key, items, head)

    def close(self) -> None:
        """Hands back the connection kept for unlocked batches (its engine is being disposed, or
        the appender's work is done); a later unlocked batch takes another."""
        if self._unlocked is not None:
            self._unlocked.close()
