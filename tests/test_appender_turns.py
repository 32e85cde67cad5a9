"""Who commits the ledger's batches (`ledger.appender.LedgerAppender.record`): the first caller leads,
commits batch after batch until its own entry is in, wakes the callers of those batches and hands
the lead to the first caller still queued. What is committed is stubbed here (`_commit`), so the
test is of the hand-over alone: every entry committed once, no caller left waiting, entries that
arrive together committed together."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.appender import LedgerAppender, LedgerRefused
from ledger.entries import Appended, Asked, Disclosure

pytestmark = pytest.mark.engine_independent("the appender's turns; its batches are stubbed")

CALLERS, EACH = 16, 150


class Stubbed(LedgerAppender):
    """Commits by numbering the batch's entries, after a moment's wait as a database's commit takes."""

    def __init__(self, batch_limit: int = 256, fail_first: bool = False) -> None:
        super().__init__(
            lambda: None, Ed25519PrivateKey.generate(), lambda _last: None, batch_limit=batch_limit
        )  # type: ignore[arg-type,return-value]
        self.seq = 0
        self.sizes: list[int] = []
        self.fail_first = fail_first

    def _commit(self, batch: list[Any]) -> None:
        if self.fail_first:
            self.fail_first = False
            time.sleep(0.05)  # the others queue behind it meanwhile
            raise KeyboardInterrupt  # not a refusal `_commit` keeps: it leaves the leader's call
        time.sleep(0.0005)
        for waiting in batch:
            self.seq += 1
            waiting.appended = Appended(self.seq, f"{self.seq:064x}", dt.datetime.now(dt.UTC))
        self.sizes.append(len(batch))
        self.batches += 1
        self.entries += len(batch)


def _asked(n: int) -> Asked:
    return Asked(1, None, "statistics", f"{n:064x}")


def _all_at_once(appender: LedgerAppender, callers: int, each: int) -> tuple[list[int], list[BaseException]]:
    seqs: list[int] = []
    raised: list[BaseException] = []
    lock = threading.Lock()

    def caller(n: int) -> None:
        for i in range(each):
            try:
                appended = appender.record(Disclosure({}, []), _asked(n * each + i))
            except BaseException as exc:
                with lock:
                    raised.append(exc)
                continue
            with lock:
                seqs.append(appended.seq)

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a caller still waits for its entry"
    return seqs, raised


def test_callers_recording_at_once_each_get_their_own_entry_and_none_waits_for_ever() -> None:
    appender = Stubbed()
    seqs, raised = _all_at_once(appender, CALLERS, EACH)
    assert not raised
    assert sorted(seqs) == list(range(1, CALLERS * EACH + 1))  # each committed once, none lost
    assert appender.batches < appender.entries  # entries that came together went together
    assert not appender.committing and appender.waiting == 0  # the next caller to come leads


def test_a_batch_limit_keeps_every_batch_within_it_and_still_commits_every_entry() -> None:
    appender = Stubbed(batch_limit=3)
    seqs, raised = _all_at_once(appender, CALLERS, 40)
    assert not raised
    assert sorted(seqs) == list(range(1, CALLERS * 40 + 1))
    assert max(appender.sizes) <= 3


def test_a_leader_that_leaves_abruptly_hands_the_lead_on_and_the_callers_behind_it_are_committed() -> None:
    appender = Stubbed(fail_first=True)
    seqs, raised = _all_at_once(appender, 8, 5)
    # The leader's caller sees the interruption; callers whose entries were in its batch are refused.
    interrupted = [exc for exc in raised if isinstance(exc, KeyboardInterrupt)]
    assert len(interrupted) == 1
    assert all(isinstance(exc, (KeyboardInterrupt, LedgerRefused)) for exc in raised)
    assert len(seqs) + len(raised) == 8 * 5
    assert sorted(seqs) == list(range(1, len(seqs) + 1))  # every later entry, each once
    assert len(seqs) >= 8 * 5 - 8  # the failed batch held at most one entry per caller
    assert not appender.committing


def test_a_refused_batch_refuses_each_of_its_callers() -> None:
    class Refusing(Stubbed):
        def _commit(self, batch: list[Any]) -> None:
            for waiting in batch:
                waiting.error = RuntimeError("the database refused the batch")

    seqs, raised = _all_at_once(Refusing(), 4, 5)
    assert not seqs
    assert len(raised) == 20 and all(isinstance(exc, LedgerRefused) for exc in raised)
