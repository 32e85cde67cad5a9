"""Many ledger disclosures of one worker, for the statement's benchmark and its completeness test.

A worker with ten thousand disclosures (issue 19) cannot be made in minutes through ten thousand
HTTP reads, so the entries are appended by the ledger's own code (`ledger.entries.append_all`, what
the group-commit appender runs) in batches: each entry hashed, chained and signed as if an answer
had been ledgered, and the signed head file moved after each batch, so `audit verify` passes.

The entries vary as real ones do: several offices, officers and service tokens, purposes, field
lists and searches that matched the worker. Some name another worker besides (a list page), and
some name only the other worker: a statement must show the first and never the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from cli.database import open_database
from ledger.checkpoints import sign_checkpoint
from ledger.entries import SEARCHED_BY, Asked, Disclosure, Officer, append_all, request_hash
from ledger.keys import LedgerFiles, advance_head, load_signing_key
from models import Office
from policies.sessions import internal_session
from settings import Settings

OFFICES = ("cn-hekou", "lc-police", "lc-border-guard", "lc-home-affairs", "lc-health")
PURPOSES = (
    "placement-verification",
    "crossing-control",
    "incident-handling",
    "security-clearance",
    "health-screening",
)
FIELD_LISTS = (
    frozenset({"Worker.fullName", "Worker.dateOfBirth"}),
    frozenset({"Worker.fullName", "Crossing.crossedAt", "Crossing.direction"}),
    frozenset({"Worker.passportNumber", "Placement.startDate"}),
    frozenset({"Worker.fullName", "HealthCheck.result"}),
    frozenset({"Worker.fullName", SEARCHED_BY + "Worker.passportNumber"}),
)
OFFICERS = 40  # officers per tag; every seventh entry is a service token's


@dataclass(frozen=True)
class Made:
    """One disclosure appended about the worker: what its statement line must show."""

    seq: int
    office: str  # the office's code
    officer: str | None  # the officer's name; None: a service token
    purpose: str
    fields: frozenset[str]


def _officer(n: int, tag: str) -> Officer | None:
    if n % 7 == 6:
        return None
    return Officer(f"{tag}-{n % OFFICERS}", f"Cán bộ {tag} {n % OFFICERS}")


def _name(officer: Officer | None) -> str | None:
    return None if officer is None else officer.name


def append_disclosures(
    database_url: str,
    key_file: Path,
    worker_id: int,
    other_id: int,
    count: int,
    *,
    tag: str = "B",
    batch: int = 500,
) -> list[Made]:
    """Appends `count` entries disclosing `worker_id` (every third also `other_id`) and, besides,
    `count // 10` naming `other_id` alone, whose officers are tagged `tag + "x"`. Returns what was
    appended about `worker_id`, in ledger order."""
    settings = Settings(database_url=database_url, key_file=key_file)
    sessions = open_database(settings)
    files = LedgerFiles.beside_keys(settings.key_path)
    key = load_signing_key(files.signing_key)
    with internal_session(sessions) as session:
        office_ids = dict(
            session.execute(select(Office.code, Office.id).where(Office.code.in_(OFFICES))).all()
        )
    plan: list[tuple[Disclosure, Asked, Made | None]] = []
    for n in range(count):
        fields = FIELD_LISTS[n % len(FIELD_LISTS)]
        office, purpose = OFFICES[n % len(OFFICES)], PURPOSES[n // 3 % len(PURPOSES)]
        officer = _officer(n, tag)
        workers = {worker_id: set(fields)}
        if n % 3 == 0:
            workers[other_id] = set(fields)
        asked = Asked(office_ids[office], None, purpose, request_hash(tag, {"n": n}, None), officer)
        plan.append((Disclosure(workers, []), asked, Made(0, office, _name(officer), purpose, fields)))
        if n % 10 == 9:  # the other worker alone, by officers of their own
            other = Asked(
                office_ids[office], None, purpose, request_hash(tag, {"x": n}, None), _officer(n, tag + "x")
            )
            plan.append((Disclosure({other_id: set(fields)}, []), other, None))
    done: list[Made] = []
    for start in range(0, len(plan), batch):
        part = plan[start : start + batch]
        with internal_session(sessions) as session:
            session.connection(execution_options={"sqlite_immediate": True})
            appended = append_all(session, key, [(d, a) for d, a, _ in part])
            session.commit()
        last = appended[-1]
        advance_head(files.head, sign_checkpoint(key, last.seq, last.entry_hash, last.at))
        for (_d, _a, made), entry in zip(part, appended, strict=True):
            if made is not None:
                done.append(Made(entry.seq, made.office, made.officer, made.purpose, made.fields))
    sessions.kw["bind"].dispose()
    return done
