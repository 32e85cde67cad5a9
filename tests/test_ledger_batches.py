"""A batch of entries is stored as the entries appended one by one would be, on either database.

The ledger's append stores a batch in as few statements as the database allows (one on
PostgreSQL), resolving each field list's id in the database. Here a ledger of its own receives a
first entry, then a batch mixing a field list already stored, two new ones and an entry that
discloses no worker: every per-worker row must name the field list its entry's signed payload
names, each list is stored once, and `audit verify` proves the chain. The head file written after
each batch moves forward only, and a head written by another process is seen by the next batch;
it is written in place, so a longer file is cut to the new head and readers wait for its writer.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from ledger.checkpoints import sign_checkpoint
from ledger.entries import Disclosure
from ledger.keys import SignedHead, advance_head, read_head
from tests.conftest import Database, run_cli
from tests.own_ledger import append_batch, head_file, ledger_key, own_ledger


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Engine]]:
    """A migrated database of its own, with one office and no entry yet."""
    with own_ledger(tmp_path_factory.mktemp("ledger-batches")) as made:
        yield made


def _index(engine: Engine) -> dict[tuple[int, int], str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT w.entry_id, w.worker_id, l.fields FROM ledger_workers w "
                "LEFT JOIN ledger_field_lists l ON l.id = w.field_list_id"
            )
        )
        return {(entry, worker): fields for entry, worker, fields in rows}


def test_a_batch_with_stored_and_new_field_lists_indexes_each_worker_under_its_own_list(ledger) -> None:
    database, engine = ledger
    key = ledger_key(database)
    head = head_file(database)
    name, both = {"Worker.fullName"}, {"Worker.fullName", "Worker.id"}
    append_batch(engine, key, [Disclosure(workers={7: set(name)}, written=[])], head)

    append_batch(
        engine,
        key,
        [
            Disclosure(workers={7: set(both), 8: set(name)}, written=[]),
            Disclosure(workers={}, written=[]),
            Disclosure(workers={9: {"Worker.status"}, 7: set(name)}, written=[]),
        ],
        head,
    )

    assert _index(engine) == {
        (1, 7): "Worker.fullName",
        (2, 7): "Worker.fullName,Worker.id",
        (2, 8): "Worker.fullName",
        (4, 9): "Worker.status",
        (4, 7): "Worker.fullName",
    }
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT fields FROM ledger_field_lists")).scalars().all()
    assert sorted(stored) == ["Worker.fullName", "Worker.fullName,Worker.id", "Worker.status"]
    assert read_head(head.path) is not None and read_head(head.path).seq == 4  # type: ignore[union-attr]
    assert "ledger OK" in run_cli(database, "audit", "verify").stdout


def test_the_head_file_moves_forward_only_and_another_writers_head_is_seen(ledger, tmp_path: Path) -> None:
    database, _engine = ledger
    key = ledger_key(database)
    path = tmp_path / "head.json"
    mine, other = SignedHead(path), SignedHead(path)

    mine.advance(sign_checkpoint(key, 5, "a" * 64, None))
    other.advance(sign_checkpoint(key, 9, "b" * 64, None))
    mine.advance(sign_checkpoint(key, 7, "c" * 64, None))

    assert mine.seq() == 9 and other.seq() == 9
    written = read_head(path)
    assert written is not None and (written.seq, written.entry_hash) == (9, "b" * 64)


def test_a_head_written_by_hand_longer_than_the_head_is_overwritten_whole(ledger, tmp_path: Path) -> None:
    """The head is written in place: what was longer must not leave its tail behind the new head."""
    database, _engine = ledger
    key = ledger_key(database)
    path = tmp_path / "head.json"
    by_hand = json.dumps(sign_checkpoint(key, 3, "d" * 64, None).as_json(), indent=80)
    assert len(by_hand.encode()) > 600
    path.write_text(by_hand)

    SignedHead(path).advance(sign_checkpoint(key, 4, "e" * 64, None))

    written = read_head(path)
    assert written is not None and (written.seq, written.entry_hash) == (4, "e" * 64)
    assert json.loads(path.read_text())["seq"] == 4


@pytest.mark.parametrize("reader", ["read_head", "SignedHead.seq"])
def test_a_reader_of_the_head_waits_while_a_writer_holds_it(ledger, tmp_path: Path, reader: str) -> None:
    """Heads are written in place, so a reader must not read while another process writes: it
    waits for the exclusive lock on the lock file beside the head to be released."""
    database, _engine = ledger
    key = ledger_key(database)
    path = tmp_path / "head.json"
    SignedHead(path).advance(sign_checkpoint(key, 6, "f" * 64, None))
    read = (lambda: read_head(path).seq) if reader == "read_head" else SignedHead(path).seq  # type: ignore[union-attr]
    got: list[int] = []
    writer = os.open(path.with_name(path.name + ".lock"), os.O_RDWR)
    try:
        fcntl.flock(writer, fcntl.LOCK_EX)
        waiting = threading.Thread(target=lambda: got.append(read()))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and got == []
        fcntl.flock(writer, fcntl.LOCK_UN)
        waiting.join(10)
    finally:
        os.close(writer)
    assert got == [6]


def test_moving_the_head_from_a_command_leaves_no_lock_file_open(ledger, tmp_path: Path) -> None:
    """`advance_head` (the commands', once each) closes the lock file a server process keeps open."""
    database, _engine = ledger
    key = ledger_key(database)
    path = tmp_path / "head.json"
    before = len(os.listdir("/proc/self/fd"))
    for seq in range(1, 51):
        advance_head(path, sign_checkpoint(key, seq, "a" * 64, None))
    assert len(os.listdir("/proc/self/fd")) == before
    assert read_head(path).seq == 50  # type: ignore[union-attr]
