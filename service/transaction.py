"""The one transaction template: every read, write, file and report runs in it as the office.

`Transactions.run` opens the office's scoped session, hands the work a fresh `DisclosureRecorder`,
and ends the transaction one way for everyone:
  - writes take the database's write lock first (SQLite `BEGIN IMMEDIATE`), and what they disclose
    is ledgered in their own transaction, committed with them: all or nothing; so are the events
    they tell other offices of (`events.outbox`);
  - a read is committed, then ledgered with the reads this process answers at the same moment
    (group commit, `ledger.appender`), before its answer may be sent;
  - work that abandons its transaction (an unexpected error) is rolled back and keeps nothing written;
  - a database that does not answer becomes `DatabaseUnavailable` (also when it went away while the
    ledger was being written: after a failover the client retries), a ledger that cannot record
    for another reason `LedgerUnavailable`: the caller then sends nothing;
  - work the database aborted for a concurrent transaction (a deadlock, a serialization failure:
    `models.conflicts`) is run again from the start, in a new transaction, as often as the caller
    allows (`again`): the client never sees the other transaction's timing, only its outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session, sessionmaker

from events.outbox import write_events
from ledger.appender import LedgerAppender, LedgerRefused
from ledger.entries import Appended, Asked, append
from ledger.keys import SignedHead
from ledger.recorder import DisclosureRecorder
from models.conflicts import is_transaction_conflict, sqlstate_of
from models.timeouts import StatementTimedOut, is_statement_timeout
from policies.grants import Grant
from policies.purposes import check_case_ref
from policies.sessions import scoped_session
from schema.masking import is_database_down

log = logging.getLogger("borderlabour.request")

T = TypeVar("T")
Work = Callable[[Session, DisclosureRecorder], T]


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the client gets 503 and may retry."""


class TransactionConflict(DatabaseUnavailable):
    """The database aborted the transaction for a concurrent one (`models.conflicts`), and it was
    not run again (or as often as allowed, each time aborted): the client gets 503 and may retry."""


class LedgerUnavailable(RuntimeError):
    """The disclosure could not be recorded, so the answer must not be sent."""


class Transactions:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        ledger_key: Ed25519PrivateKey,
        appender: LedgerAppender,
        advance_head: Callable[[Appended], None],
        signed_head: SignedHead | None = None,
        statement_seconds: float = 0.0,  # the statement budget, named to a client whose statement met it
    ) -> None:
        self.sessions = sessions
        self.statement_seconds = statement_seconds
        self.signed_head = signed_head
        self.ledger_key = ledger_key
        self.appender = appender
        self.advance_head = advance_head

    def run(self, grant: Grant, asked: Asked, work: Work[T], *, writes: bool = False, again: int = 0) -> T:
        """`work(session, recorder)` as `grant`'s office, its disclosure ledgered as `asked`.

        `again`: how many times work the database aborted for a concurrent transaction is run again,
        each time in a new transaction with a new recorder. Only for work that may run twice: it
        reads its input from the request (a GraphQL operation), not from a stream it consumes."""
        check_case_ref(grant, asked.purpose, asked.case_ref)  # whatever door the request came by
        for attempt in range(again + 1):
            try:
                return self._once(grant, asked, work, writes)
            except TransactionConflict as exc:
                if attempt == again:
                    raise
                log.warning(
                    "the database aborted a transaction for a concurrent one (SQLSTATE %s): "
                    "running it again (%d of %d)",
                    sqlstate_of(exc.__cause__),
                    attempt + 1,
                    again,
                )
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _once(self, grant: Grant, asked: Asked, work: Work[T], writes: bool) -> T:
        recorder = DisclosureRecorder()
        session = scoped_session(self.sessions, grant)
        try:
            if writes:
                session.connection(execution_options={"sqlite_immediate": True})
            result = work(session, recorder)
            if recorder.abandoned:
                session.rollback()
            elif writes and recorder:
                write_events(session, recorder.written, grant.office.id)
                head = self._ledgered(session, recorder, asked)
                session.commit()
                self.advance_head(head)
            elif session.in_transaction():  # a compiled read may have begun nothing (`planner.engine`)
                session.commit()
        except Exception as exc:
            session.rollback()
            if is_statement_timeout(exc) and not isinstance(exc, StatementTimedOut):
                raise StatementTimedOut(self.statement_seconds) from exc
            if is_transaction_conflict(exc):
                raise TransactionConflict() from exc
            if is_database_down(exc):
                raise DatabaseUnavailable() from exc
            raise
        finally:
            session.close()
        if recorder and not writes:
            self._record_read(recorder, asked)
        return result

    def _ledgered(self, session: Session, recorder: DisclosureRecorder, asked: Asked) -> Appended:
        try:
            return append(
                session,
                self.ledger_key,
                recorder.disclosure(),
                office_id=asked.office_id,
                token_id=asked.token_id,
                purpose=asked.purpose,
                request=asked.request,
                signed=self.signed_head,
                officer=asked.officer,
                case_ref=asked.case_ref,
            )
        except Exception as exc:
            if is_database_down(exc):
                raise  # the database went away: the caller answers UNAVAILABLE, to be retried
            log.error("ledger append failed: %s", type(exc).__name__)
            raise LedgerUnavailable() from exc

    def _record_read(self, recorder: DisclosureRecorder, asked: Asked) -> None:
        """Returns once the read's entry is committed, with those of concurrent reads (group commit)."""
        try:
            self.appender.record(recorder.disclosure(), asked)
        except LedgerRefused as exc:
            if is_database_down(exc.__cause__):  # lost with its database (a failover): retryable
                log.warning("ledger append failed: the database is unavailable")
                raise DatabaseUnavailable() from exc
            log.error("ledger append failed: %s", type(exc.__cause__).__name__)
            raise LedgerUnavailable() from exc
