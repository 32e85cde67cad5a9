"""Storing a batch of ledger entries: as few statements as each database allows.

Every answer that discloses personal data waits for its batch to be stored and committed, so the
statements here are on the answer's path. On PostgreSQL a batch is one statement after the lock
on the head: the entries, the field lists not stored yet, the per-worker index rows (the field
lists' ids resolved in the database) and the head, in data-modifying CTEs, one round trip. SQLite
has no data-modifying CTEs, so there each part is a statement, the field list's id looked up by
its digest inside the index row's insert (no separate look-up per batch).

Nothing is cached between batches: a field list's id is the database's, read in the statement
that uses it, so a rolled-back batch or a restored database cannot leave a stale id behind.

On PostgreSQL a process that appended last may also store its next batch without the lock, in one
statement outside any transaction (`store_if_head`): the head moves only if it is still the head
that process wrote, and the batch is stored only if the head moved. One round trip instead of four
(BEGIN, the lock, the batch, COMMIT) while no other process or transaction has appended since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, TextClause, bindparam, insert, select, update
from sqlalchemy import text as sql_text

from models import LedgerEntry, LedgerFieldList, LedgerHead, LedgerWorker
from models.database import first_row


@dataclass(frozen=True)
class Batch:
    """What one batch adds: its entries' rows, the field lists they use (digest -> text), the
    per-worker index rows (entry, worker, digest of the field list) and the new head."""

    entries: list[dict[str, Any]]
    lists: dict[str, str]
    workers: list[tuple[int, int, str]]
    seq: int
    entry_hash: str


def lock_head(connection: Connection) -> tuple[int, str] | None:
    """The head's (seq, hash), locked until the transaction ends; None for a ledger never appended to."""
    head = connection.execute(_LOCK_HEAD).first()
    return None if head is None else (head.seq, head.entry_hash)


def store(connection: Connection, batch: Batch, first: bool) -> None:
    """Adds the batch in the connection's transaction; `first`: the ledger has no head row yet."""
    if connection.dialect.name == "postgresql":
        _run_pg(connection, _PG_FIRST if first else _PG_NEXT, _pg_values(batch))
        return
    connection.execute(_INSERT_ENTRY, batch.entries)
    if batch.lists:  # SQLite's executemany is one prepared statement stepped in C
        connection.execute(_ADD_LIST, [{"digest": d, "fields": t} for d, t in sorted(batch.lists.items())])
        rows = [{"entry": e, "worker": w, "digest": d} for e, w, d in batch.workers]
        connection.execute(_INSERT_WORKER, rows)
    if first:
        connection.execute(insert(LedgerHead).values(id=1, seq=batch.seq, entry_hash=batch.entry_hash))
    else:
        connection.execute(_MOVE_HEAD, {"new_seq": batch.seq, "new_hash": batch.entry_hash})


def store_if_head(connection: Connection, batch: Batch, head: tuple[int, str]) -> bool:
    """On PostgreSQL, in one statement on an autocommit connection: the batch, chained onto
    `head`, is stored and the head moved if the database's head is still `head`; whether it was.

    Nothing is stored otherwise. The statement's snapshot can be older than the moment its update
    takes the head's row lock, but the head moves with every batch and every entry appended in a
    transaction: if the head is still `head` under that lock, no batch was committed after it, and
    the field lists the snapshot shows are all the stored ones.
    """
    values = {**_pg_values(batch), "old_seq": head[0], "old_hash": head[1]}
    return bool(_run_pg(connection, _PG_IF_HEAD, values))


def _run_pg(connection: Connection, statement: TextClause, values: dict[str, Any]) -> int:
    """How many head rows one of the batch's statements moved, run on the driver's cursor
    (`models.database.first_row`): a batch is on the path of every answer that discloses."""
    key = (statement.text, connection.dialect.driver)
    sql = _DRIVER_SQL.get(key)
    if sql is None:
        sql = _DRIVER_SQL[key] = str(statement.compile(dialect=connection.dialect))
    return int(first_row(connection, sql, values)[0])


def _pg_values(batch: Batch) -> dict[str, Any]:
    """The batch as three JSON texts, which orjson writes in C: thirteen arrays, one a column,
    cost psycopg more to adapt than the statement costs to run."""
    digests = sorted(batch.lists)
    number = {digest: n for n, digest in enumerate(digests, start=1)}
    return {
        "entries": orjson.dumps(batch.entries).decode(),
        "lists": orjson.dumps([[d, batch.lists[d]] for d in digests]).decode(),
        "workers": orjson.dumps([[e, w, number[d]] for e, w, d in batch.workers]).decode(),
        "new_seq": batch.seq,
        "new_hash": batch.entry_hash,
    }


# Built once: every batch runs them, and a statement object keeps its compiled form and cache key,
# where one built per call is constructed, keyed and looked up again (a millisecond per batch).
_LOCK_HEAD = select(LedgerHead.seq, LedgerHead.entry_hash).where(LedgerHead.id == 1).with_for_update()
_INSERT_ENTRY = insert(LedgerEntry)
_MOVE_HEAD = (
    update(LedgerHead)
    .where(LedgerHead.id == 1)
    .values(seq=bindparam("new_seq"), entry_hash=bindparam("new_hash"))
)
_ENTRIES, _LISTS, _WORKERS, _HEAD = (
    LedgerEntry.__tablename__,
    LedgerFieldList.__tablename__,
    LedgerWorker.__tablename__,
    LedgerHead.__tablename__,
)
# Appends are serialised by the lock on the head, so "not stored yet" cannot race.
_ADD_LIST = sql_text(
    f"INSERT INTO {_LISTS} (digest, fields) SELECT :digest, :fields "
    f"WHERE NOT EXISTS (SELECT 1 FROM {_LISTS} WHERE digest = :digest)"
)
_INSERT_WORKER = sql_text(
    f"INSERT INTO {_WORKERS} (entry_id, worker_id, field_list_id) "
    f"VALUES (:entry, :worker, (SELECT id FROM {_LISTS} WHERE digest = :digest))"
)


def _pg_batch(head: str, *, only_if_moved: bool = False) -> Any:
    """The whole batch as one PostgreSQL statement, answering how many head rows it moved. Each
    CTE runs once whether or not it is read; the table (`s`) shows the field lists as they were
    before the statement, `added` the ones it adds (in digest order, as ids were given before); an
    index row whose list has no id fails on `field_list_id`'s NOT NULL rather than being left out.
    The entries' JSON objects are read as rows of the table (`json_populate_recordset`): every text
    exactly as sent, `at` to the microsecond as `UtcDateTime` stores it. `only_if_moved`: nothing
    is inserted unless `head` moved a row."""
    names = ", ".join(column.name for column in LedgerEntry.__table__.columns)
    moved = " AND EXISTS (SELECT 1 FROM head)" if only_if_moved else ""
    return sql_text(
        f"WITH head AS ({head} RETURNING id), "
        f"entries AS (INSERT INTO {_ENTRIES} ({names}) SELECT {names} "
        f"FROM json_populate_recordset(NULL::{_ENTRIES}, CAST(:entries AS json)) WHERE TRUE{moved}), "
        "given AS (SELECT g.item ->> 0 AS digest, g.item ->> 1 AS fields, g.n "
        "FROM json_array_elements(CAST(:lists AS json)) WITH ORDINALITY AS g(item, n)), "
        f"added AS (INSERT INTO {_LISTS} (digest, fields) SELECT g.digest, g.fields FROM given g "
        f"WHERE NOT EXISTS (SELECT 1 FROM {_LISTS} s WHERE s.digest = g.digest){moved} ORDER BY g.digest "
        "RETURNING id, digest), "
        "ids AS (SELECT g.n, coalesce(a.id, s.id) AS id FROM given g "
        f"LEFT JOIN added a ON a.digest = g.digest LEFT JOIN {_LISTS} s ON s.digest = g.digest), "
        f"indexed AS (INSERT INTO {_WORKERS} (entry_id, worker_id, field_list_id) "
        "SELECT (w.item ->> 0)::bigint, (w.item ->> 1)::integer, ids.id "
        "FROM json_array_elements(CAST(:workers AS json)) AS w(item) "
        f"LEFT JOIN ids ON ids.n = (w.item ->> 2)::bigint WHERE TRUE{moved}) "
        "SELECT count(*) FROM head"
    )


# The PostgreSQL statements below compiled to their driver's SQL (its placeholders), by text and driver.
_DRIVER_SQL: dict[tuple[str, str], str] = {}
_MOVE = f"UPDATE {_HEAD} SET seq = :new_seq, entry_hash = :new_hash WHERE id = 1"
_PG_NEXT = _pg_batch(_MOVE)
_PG_FIRST = _pg_batch(f"INSERT INTO {_HEAD} (id, seq, entry_hash) VALUES (1, :new_seq, :new_hash)")
_PG_IF_HEAD = _pg_batch(f"{_MOVE} AND seq = :old_seq AND entry_hash = :old_hash", only_if_moved=True)
