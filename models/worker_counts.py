"""How many workers each commune holds in each status, kept by the database itself.

Counting a province's workers row by row costs time in proportion to the table; reading this
table costs time in proportion to the communes. Triggers on `workers` (created by the migration
`0010_worker_counts`) change the counts in the same statement as every insert, delete, or change
of a worker's status or home commune, whichever code path writes it (a mutation, an import,
`generate`, the demo loader, SQL typed by an operator), as an atomic `n = n + 1` upsert: two
processes writing at once never lose a count. `recount` rebuilds the table from the rows and
`drift` compares the two, for `borderlabour statistics rebuild|check`. A de-identified worker
(`borderlabour retention apply`) is in no list and in no count (migration `0014_retention`).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, delete, func, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, db_enum
from models.workers import Worker, WorkerStatus


class WorkerCount(Base):
    __tablename__ = "worker_counts"

    commune_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), primary_key=True)
    status: Mapped[WorkerStatus] = mapped_column(db_enum(WorkerStatus, 16), primary_key=True)
    # Kept when it reaches 0: a later write then updates the row instead of inserting it again.
    n: Mapped[int] = mapped_column(Integer)


def counted_from_rows(session: Session) -> dict[tuple[int, str], int]:
    """The counts as the rows give them now."""
    stmt = (
        select(Worker.home_commune_id, Worker.status, func.count())
        .where(Worker.deidentified_on.is_(None))
        .group_by(Worker.home_commune_id, Worker.status)
    )
    return {(commune, WorkerStatus(status).value): n for commune, status, n in session.execute(stmt)}


def kept_counts(session: Session) -> dict[tuple[int, str], int]:
    """The counts as the table holds them, leaving out the zeros."""
    stmt = select(WorkerCount.commune_id, WorkerCount.status, WorkerCount.n).where(WorkerCount.n != 0)
    return {(commune, WorkerStatus(status).value): n for commune, status, n in session.execute(stmt)}


def drift(session: Session) -> dict[tuple[int, str], tuple[int, int]]:
    """Every (commune, status) whose kept count differs from the rows: {key: (kept, counted)}.

    Read in one snapshot: on PostgreSQL the two reads run in one REPEATABLE READ transaction, so a
    write committed between them cannot show as drift.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    counted, kept = counted_from_rows(session), kept_counts(session)
    return {
        key: (kept.get(key, 0), counted.get(key, 0))
        for key in counted.keys() | kept.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    }


def recount(session: Session) -> int:
    """Rebuilds the table from the rows (the caller commits); returns how many keys it holds.

    Writers are held off while it runs (PostgreSQL: a SHARE lock on `workers`; SQLite: the caller's
    write transaction), so no trigger can change a count between the delete and the insert.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE workers IN SHARE MODE"))
    session.execute(delete(WorkerCount))
    session.execute(
        insert(WorkerCount).from_select(
            ["commune_id", "status", "n"],
            select(Worker.home_commune_id, Worker.status, func.count())
            .where(Worker.deidentified_on.is_(None))
            .group_by(Worker.home_commune_id, Worker.status),
        )
    )
    return session.scalar(select(func.count()).select_from(WorkerCount)) or 0
