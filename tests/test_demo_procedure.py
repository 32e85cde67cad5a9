"""The demo every test runs on obeys the procedure (issue 9 item 8): its histories would have been
accepted by the rules, and each worker's status history ends in the worker's status.

Read from the database the real `demo` command loaded; the rules are DOMAIN.md's with the
requirement set of procedure/requirements.toml (clearance 6 months, health 12, age 18, wage 2000).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    Agreement,
    ClearanceResult,
    Crossing,
    Direction,
    Employer,
    HealthCheck,
    HealthResult,
    Placement,
    PlacementStatus,
    PoliceClearance,
    StatusChange,
    UnitClosure,
    Worker,
    agreement_gates,
)
from models.database import make_engine, session_factory


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


@pytest.fixture(scope="module")
def demo(database, demo_tokens):
    engine = make_engine(database.url)
    with session_factory(engine)() as session:
        session.info["borderlabour.internal"] = True
        # the demo's own workers: those registered by the generator (tests add others with histories)
        rows = {
            "workers": {w.id: w for w in session.scalars(select(Worker))},
            "placements": list(session.scalars(select(Placement))),
            "crossings": list(session.scalars(select(Crossing).order_by(Crossing.crossed_at, Crossing.id))),
            "health": list(session.scalars(select(HealthCheck))),
            "clearances": list(session.scalars(select(PoliceClearance))),
            "history": list(session.scalars(select(StatusChange).order_by(StatusChange.at, StatusChange.id))),
            "agreements": {a.id: a for a in session.scalars(select(Agreement))},
            "employers": {e.id: e for e in session.scalars(select(Employer))},
            "closure": {
                (a, b) for a, b in session.execute(select(UnitClosure.ancestor_id, UnitClosure.descendant_id))
            },
            "gates": {
                (a, b)
                for a, b in session.execute(select(agreement_gates.c.agreement_id, agreement_gates.c.gate_id))
            },
        }
        session.expunge_all()
    engine.dispose()
    return rows


def _demo_workers(demo) -> set[int]:
    """Workers whose registration the generator wrote (their first history entry is at 02:00 UTC
    on a registration day that precedes the demo's end): tests' own workers came later."""
    first = {}
    for change in demo["history"]:
        first.setdefault(change.worker_id, change)
    return {w for w, c in first.items() if c.at.date() <= dt.date(2025, 6, 15)}


def test_every_demo_placement_met_the_requirements_on_its_start(demo) -> None:
    ours = _demo_workers(demo)
    broken = []
    for p in demo["placements"]:
        if p.worker_id not in ours or p.status is PlacementStatus.CANCELLED:
            continue
        worker, agreement, employer = (
            demo["workers"][p.worker_id],
            demo["agreements"][p.agreement_id],
            demo["employers"][p.employer_id],
        )
        clear = [c for c in demo["clearances"] if c.worker_id == p.worker_id and c.issued_on <= p.start_date]
        fit = [h for h in demo["health"] if h.worker_id == p.worker_id and h.checked_on <= p.start_date]
        latest_clear = max(clear, key=lambda c: c.issued_on, default=None)
        latest_fit = max(fit, key=lambda h: h.checked_on, default=None)
        age = (
            p.start_date.year
            - worker.date_of_birth.year
            - (
                (p.start_date.month, p.start_date.day)
                < (worker.date_of_birth.month, worker.date_of_birth.day)
            )
        )
        problems = {
            "clearance": latest_clear is None
            or latest_clear.result is not ClearanceResult.CLEAR
            or latest_clear.issued_on < _months_before(p.start_date, 6),
            "health": latest_fit is None
            or latest_fit.result is not HealthResult.FIT
            or latest_fit.checked_on < _months_before(p.start_date, 12),
            "age": age < 18,
            "wage": p.monthly_wage_cny < Decimal(2000),
            "employer": (agreement.cn_unit_id, employer.county_id) not in demo["closure"],
            "validity": p.start_date < agreement.valid_from
            or (agreement.valid_to is not None and p.start_date > agreement.valid_to),
        }
        broken += [(p.id, rule) for rule, bad in problems.items() if bad]
    assert broken == []


def test_demo_crossings_alternate_from_an_exit_at_gates_of_the_placements_agreement(demo) -> None:
    ours = _demo_workers(demo)
    by_worker = defaultdict(list)
    for c in demo["crossings"]:
        if c.worker_id in ours:
            by_worker[c.worker_id].append(c)
    placements = defaultdict(list)
    for p in demo["placements"]:
        placements[p.worker_id].append(p)
    broken = []
    for worker_id, crossings in by_worker.items():
        for n, c in enumerate(crossings):
            expected = Direction.EXIT_VIETNAM if n % 2 == 0 else Direction.ENTER_VIETNAM
            if c.direction is not expected:
                broken.append((c.id, "sequence"))
            if c.direction is Direction.EXIT_VIETNAM:
                under = [
                    p
                    for p in placements[worker_id]
                    if p.start_date <= c.crossed_at.date() <= (p.end_date or dt.date.max)
                ]
                if not any((p.agreement_id, c.gate_id) in demo["gates"] for p in under):
                    broken.append((c.id, "gate"))
    assert broken == []


def test_every_demo_worker_has_a_status_history_ending_in_its_status(demo) -> None:
    last, first = {}, {}
    for change in demo["history"]:
        first.setdefault(change.worker_id, change)
        last[change.worker_id] = change
    ours = _demo_workers(demo)
    assert len(ours) >= 300
    assert all(first[w].from_status is None and first[w].cause == "registerWorker" for w in ours)
    assert [w for w in ours if last[w].to_status is not demo["workers"][w].status] == []
