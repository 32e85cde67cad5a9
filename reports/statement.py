"""A worker's statement: what the registry holds about them and who received it, in plain words.

Asked for at the labour office or the commune (purpose `data-subject-request`), as Estonia's Data
Tracker lets a citizen see who read their data. It names each disclosure by the receiving office's
name, the officer where the ledger knows one, the day, the purpose in words (`policies/purposes.txt`)
and the categories of data (`reports/categories.csv`), never a `Type.field`, or that the worker was
only counted in an agreement's yearly figures, which sent nothing about them; then the corrections
and voided records; and the ledger checkpoint it was made at, signed, so that its completeness can
be checked later (`borderlabour audit verify --checkpoint`): every entry up to that checkpoint that
names the worker is in it. Making it is ledgered like any read of the worker.

The worker is read through the office's scoped session: a worker outside the office's scope is
`NotFound`, exactly as one that does not exist.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import models
from ledger.checkpoints import current_checkpoint
from ledger.entries import COUNTED_IN, SEARCHED_BY, sent_fields
from ledger.recorder import DisclosureRecorder
from locales import N_, gettext
from models.opaque import encode_id
from procedure.calendar import day_of, today
from settings import POLICY_DIR

STATEMENT_PURPOSE = "data-subject-request"
CATEGORIES_FILE = Path(__file__).with_name("categories.csv")
# What making the statement sends about the worker, for the ledger.
STATEMENT_FIELDS = frozenset({"Worker.fullName", "Worker.disclosures"})

CATEGORY_WORDS = {
    "identifier": N_("the registry's number for you"),
    "identity": N_("your name, date of birth and sex"),
    "ethnicity": N_("your ethnicity"),
    "identity-documents": N_("your identity card, border pass and passport numbers"),
    "contact": N_("your phone number"),
    "home": N_("your home address"),
    "status": N_("your status in the procedure"),
    "employment": N_("your employment in China"),
    "crossings": N_("your border crossings"),
    "health": N_("your health checks"),
    "police": N_("your police clearances"),
    "incidents": N_("incidents about you"),
    "wage-arrears": N_("wages owed to you and what was paid of them"),
    "events": N_("what happened to your records (events)"),
    "disclosures": N_("who received your data"),
    "other": N_("other data"),
}
# The records held about a worker, by category, counted for the statement.
HELD_RECORDS = (
    ("employment", models.Placement),
    ("crossings", models.Crossing),
    ("health", models.HealthCheck),
    ("police", models.PoliceClearance),
    ("incidents", models.Incident),
    ("wage-arrears", models.WageArrears),
)
HELD_FIELDS = (
    ("identity", "full_name"),
    ("ethnicity", "ethnicity"),
    ("identity-documents", "national_id_index"),
    ("contact", "phone_sealed"),
    ("home", "home_commune_id"),
    ("status", "status"),
)


class NotFound(LookupError):
    """No such worker for this office: absent or outside its scope, told apart by nobody."""


@dataclass(frozen=True)
class Category:
    key: str
    sensitive: bool


@cache
def categories() -> tuple[dict[str, Category], dict[str, Category]]:
    """(`Type.field` -> category, `Type` -> category), from reports/categories.csv."""
    by_field: dict[str, Category] = {}
    by_type: dict[str, Category] = {}
    with CATEGORIES_FILE.open(encoding="utf-8") as source:
        rows = csv.DictReader(line for line in source if not line.startswith("#"))
        for row in rows:
            category = Category(row["category"], row["sensitive"] == "sensitive")
            name = row["field"]
            if name.endswith(".*"):
                by_type.setdefault(name[:-2], category)
            else:
                by_field.setdefault(name, category)
    return by_field, by_type


def category_of(name: str) -> Category:
    by_field, by_type = categories()
    return by_field.get(name) or by_type.get(name.split(".", 1)[0]) or Category("other", False)


@cache
def purpose_words() -> dict[str, str]:
    """purpose -> what it covers, in English (policies/purposes.txt); translated where shown."""
    words: dict[str, str] = {}
    for line in (POLICY_DIR / "purposes.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, covers = line.strip().partition(" ")
            words[name] = covers.strip()
    return words


@dataclass
class Disclosed:
    day: str
    office: str
    officer: str | None
    purpose: str
    categories: list[str]
    searched_by: list[str] = field(default_factory=list)
    # Counted in an agreement's yearly figures: the ledger names the worker, no data was sent.
    counted_in_figures: bool = False


@dataclass
class Changed:
    day: str
    office: str
    what: str
    reason: str | None


@dataclass
class Statement:
    worker: str  # the global ID
    full_name: str
    language: str
    made_on: str
    made_by: str
    held: list[tuple[str, int]]
    disclosures: list[Disclosed]
    corrections: list[Changed]
    voids: list[Changed]
    checkpoint: dict[str, Any]

    def as_json(self) -> bytes:
        # orjson writes dataclasses itself: `dataclasses.asdict` copied ten thousand disclosures
        # deeply first, a second for a worker with that many.
        return orjson.dumps(self, option=orjson.OPT_INDENT_2)


def _words(key: str, language: str) -> str:
    return gettext(CATEGORY_WORDS.get(key, CATEGORY_WORDS["other"]), language)


def _day(moment: dt.datetime) -> str:
    """The registry's day (Vietnam's) of a stored moment."""
    return day_of(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def _held(session: Session, worker: models.Worker, language: str) -> list[tuple[str, int]]:
    """Each category held, with how many records of it (1 for a detail of the worker's own row)."""
    held = [(_words(key, language), 1) for key, attr in HELD_FIELDS if getattr(worker, attr) is not None]
    for key, model in HELD_RECORDS:
        count = session.scalar(
            select(func.count()).select_from(model).where(model.worker_id == worker.id)  # type: ignore[attr-defined]
        )
        if count:
            held.append((_words(key, language), int(count)))
    return held


def _disclosures(session: Session, worker_id: int, upto: int, language: str) -> list[Disclosed]:
    lw, le, fl, office = models.LedgerWorker, models.LedgerEntry, models.LedgerFieldList, models.Office
    rows = session.execute(
        select(le.at, office.name, le.officer_id, le.officer_name, le.purpose, fl.fields)
        .select_from(lw)
        .join(le, le.id == lw.entry_id)
        .join(fl, fl.id == lw.field_list_id)
        .join(office, office.id == le.office_id)
        .where(lw.worker_id == worker_id, lw.entry_id <= upto)
        .order_by(lw.entry_id)
    )
    words = purpose_words()
    # A worker's disclosures repeat a few field lists and purposes: each is put in words once.
    said: dict[str, tuple[list[str], list[str], bool]] = {}
    purposes: dict[str | None, str] = {}
    found = []
    for at, office_name, officer_id, officer_name, purpose, fields in rows:
        if fields not in said:
            names = [f for f in fields.split(",") if f]
            searched = [n.removeprefix(SEARCHED_BY) for n in names if n.startswith(SEARCHED_BY)]
            said[fields] = (
                _category_words(sent_fields(names), language),
                _category_words(searched, language),
                COUNTED_IN in names,
            )
        if purpose not in purposes:
            purposes[purpose] = gettext(words.get(purpose or "", purpose or ""), language)
        categories, searched_by, counted = said[fields]
        found.append(
            Disclosed(
                day=_day(at),
                office=office_name,
                officer=officer_name or officer_id,
                purpose=purposes[purpose],
                categories=list(categories),
                searched_by=list(searched_by),
                counted_in_figures=counted,
            )
        )
    return found


def _category_words(names: list[str], language: str) -> list[str]:
    keys = dict.fromkeys(category_of(n).key for n in names)
    return [_words(k, language) for k in keys]


def _changes(session: Session, worker_id: int, language: str) -> tuple[list[Changed], list[Changed]]:
    offices = dict(session.execute(select(models.Office.id, models.Office.name)).tuples().all())
    corrected = session.scalars(
        select(models.Correction)
        .where(models.Correction.record_type == "Worker", models.Correction.record_id == worker_id)
        .order_by(models.Correction.at)
    )
    corrections = [
        Changed(
            _day(c.at),
            offices.get(c.office_id, ""),
            ", ".join(_category_words([f"Worker.{n}" for n in c.fields.split(",") if n], language)),
            c.reason,
        )
        for c in corrected
    ]
    voids: list[Changed] = []
    record: Any
    for key, model in HELD_RECORDS[1:4]:  # crossings, health checks, police clearances: voidable
        for record in session.scalars(
            select(model).where(model.worker_id == worker_id, model.voided_at.is_not(None))  # type: ignore[attr-defined]
        ):
            office = offices.get(record.voided_by_office_id, "")
            voids.append(Changed(_day(record.voided_at), office, _words(key, language), record.void_reason))
    return corrections, sorted(voids, key=lambda v: v.day)


def subject_statement(
    session: Session,
    recorder: DisclosureRecorder,
    key: Ed25519PrivateKey,
    office_name: str,
    worker_id: int,
    language: str,
) -> Statement:
    """The statement of `worker_id` as the office's scoped session sees them, ledgered as a read."""
    worker = session.get(models.Worker, worker_id)
    if worker is None:
        raise NotFound(worker_id)
    checkpoint = current_checkpoint(session, key)
    corrections, voids = _changes(session, worker.id, language)
    statement = Statement(
        worker=encode_id("Worker", worker.id),
        full_name=worker.full_name,
        language=language,
        made_on=today().isoformat(),
        made_by=office_name,
        held=_held(session, worker, language),
        disclosures=_disclosures(session, worker.id, checkpoint.seq, language),
        corrections=corrections,
        voids=voids,
        checkpoint=checkpoint.as_json(),
    )
    recorder.disclosed(worker.id, STATEMENT_FIELDS)
    return statement
