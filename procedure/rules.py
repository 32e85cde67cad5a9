"""The procedure's rules, each a pure function over the facts of one step, returning what it breaks.

A write gathers the facts of its step from the database (`resolvers.writes.facts`) and refuses the
step if a rule breaks; `procedure check` gathers the same facts for every record of a database
(`procedure.violations`) and reports what breaks. Both call these functions, so each rule, its
refusal code and its message are written once, here. Messages are English templates with their
values kept apart (see `resolvers.errors`): the catalogues translate them by the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from locales import Money, Term
from models import AgreementRequirements, AgreementStatus, Direction, WorkerStatus
from procedure import (
    PROTECTION_DAYS,
    PROTECTION_IDENTIFIERS,
    PROTECTION_PARTS,
    Requirements,
    default_requirements,
)
from procedure.calendar import day_of, months_before

# A worker in one of these cannot be placed: suspended, gone, or already abroad.
INELIGIBLE = (WorkerStatus.SUSPENDED, WorkerStatus.ABSCONDED, WorkerStatus.DEPLOYED)


@dataclass(frozen=True)
class BrokenRule:
    """A rule a step breaks: the rule's name (what an override names), the input field it is about,
    the message template with its values, and the refusal code."""

    rule: str
    field: str
    message: str
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def english(self) -> str:
        """The message in English, its values filled in (the operator's reports are in English)."""
        return self.message.format(**dict(self.params))


# Also what the database's one-open-placement index answers through the write (migration 0015).
ALREADY_PLACED = BrokenRule(
    "one-open-placement", "workerId", "already has a planned or active placement", "ALREADY_PLACED"
)


@dataclass(frozen=True)
class Check:
    """A police clearance or a health check as the rules read it: its date and whether it passed
    (a clearance CLEAR, a health check FIT)."""

    on: dt.date
    passed: bool


@dataclass(frozen=True)
class PlacementFacts:
    """What a placement is judged on, each fact as it stands on the start date.

    The counts leave the placement judged out: they are the others that hold the limit already.
    A fact the bulk check cannot know for a past day is None and its rule is not judged (the
    worker's status then, the agreement's status then).
    """

    start: dt.date
    requirements: Requirements  # the agreement's set in force on the start date
    age: int  # completed years on the start date
    clearance: Check | None  # the latest not voided, dated on or before the start
    health: Check | None
    worker_status: WorkerStatus | None
    open_placements: int  # the worker's placements open at the start
    employer_in_agreement: bool  # the employer's county lies inside the agreement's Chinese party
    agreement_status: AgreementStatus | None
    agreement_valid_from: dt.date
    agreement_valid_to: dt.date | None
    employer_open: int  # the employer's placements open at the start
    employer_quota: int
    agreement_started: int  # the agreement's placements (not cancelled) starting in the start's year
    agreement_yearly_quota: int | None
    wage: Decimal | None  # None when the input was refused already


@dataclass(frozen=True)
class Stay:
    """A worker's placement (not cancelled) as an exit reads it: when it was made, its start, and
    its end (None while it is planned or under way)."""

    id: int
    agreement_id: int
    created_at: dt.datetime
    start: dt.date
    end: dt.date | None

    @cached_property
    def opens(self) -> dt.date:
        """The first day of its window (`window_opens`), worked out once: `procedure check` asks it
        for every exit of the worker."""
        return window_opens(self.created_at, self.start)


def window_opens(created_at: dt.datetime, start: dt.date) -> dt.date:
    """The first day of a placement's window (DOMAIN.md, "Row scopes"): the registry's day of its
    creation, or its start if it was recorded after it; `policies.windows.opens` says the same in
    SQL, for the row scopes."""
    return min(day_of(created_at), start)


def placement_left_for(stays: Iterable[Stay], day: dt.date) -> Stay | None:
    """The placement an exit on `day` leaves for: the worker's first (by start) not ended by then,
    whose window is open by then. Its start may lie ahead: the worker exits while it is planned and
    the start is confirmed after (DOMAIN.md's steps 4 and 5). One ended on `day` or before is not
    left for, and neither is one made on a later day: the procedure places before the exit, and
    the Chinese office, which sees only the crossings of the placement's window, could never see
    that exit to confirm the start. The write and `procedure check` both ask this, so they judge an
    exit against the same placement."""
    running = (s for s in stays if s.opens <= day and (s.end is None or s.end > day))
    return min(running, key=lambda s: (s.start, s.id), default=None)


@dataclass(frozen=True)
class CrossingFacts:
    """What a crossing is judged on: the worker's crossing before it and, for an exit, the placement
    it leaves for."""

    direction: Direction
    at: dt.datetime | None  # None when the input was refused already: the order is then not judged
    previous: tuple[Direction, dt.datetime] | None  # the worker's latest crossing not voided
    under_placement: bool  # the worker has a placement to leave for (`placement_left_for`)
    gate_listed: bool | None  # that placement's agreement lists the gate; None: no gate to judge
    # Parts of the protection the agreement requires before an exit on its day (the version of the
    # requirement set in force then), and those the placement it leaves for had by then.
    protection_required: frozenset[str] = frozenset()
    protection_recorded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ConfirmationFacts:
    """What confirming a placement's start is judged on (besides the placement's own rules, judged
    again when the confirmation moves the start): the worker's last crossing and the day."""

    today: dt.date  # the day the Chinese office confirms
    start: dt.date  # the start as confirmed
    requirements: Requirements  # the agreement's set in force on the start date
    exited_at_gate: bool  # the worker's latest crossing (not voided) is an exit at a gate of the agreement


def protection_recorded(values: Mapping[str, Any], day: dt.date, erased: bool = False) -> frozenset[str]:
    """The parts of a placement's protection it had on `day`, from its columns (`values`): each
    part whose columns all hold a value and whose own day, if it has one, is not after `day`. On the
    placement of a worker retention has de-identified (`erased`), the columns naming the worker's
    own documents are gone by design (`PROTECTION_IDENTIFIERS`) and the rest of the part decides."""
    held = set()
    for part, columns in PROTECTION_PARTS.items():
        kept = [c for c in columns if not (erased and c in PROTECTION_IDENTIFIERS)]
        if any(values.get(column) is None for column in kept):
            continue
        dated = PROTECTION_DAYS.get(part)
        if dated is None or values[dated] <= day:
            held.add(part)
    return frozenset(held)


def valid_on(valid_from: dt.date, valid_to: dt.date | None, day: dt.date) -> bool:
    """Whether `day` lies within a validity (its last day included; none: open-ended)."""
    return valid_from <= day and (valid_to is None or day <= valid_to)


def requirements_in_force(versions: Iterable[AgreementRequirements], day: dt.date) -> Requirements:
    """The version of an agreement's requirement set in force on `day`: of those valid that day, the
    one begun last; before an agreement's first version, the data file's defaults."""
    current = max(
        (v for v in versions if valid_on(v.valid_from, v.valid_to, day)),
        key=lambda v: v.valid_from,
        default=None,
    )
    if current is None:
        return default_requirements()
    return Requirements(
        clearance_valid_months=current.clearance_valid_months,
        health_valid_months=current.health_valid_months,
        minimum_age=current.minimum_age,
        minimum_monthly_wage_cny=Decimal(current.minimum_monthly_wage_cny),
        overridable=frozenset(r for r in current.overridable.split(",") if r),
        partner_access_days=current.partner_access_days,
        protection_before_exit=frozenset(p for p in (current.protection_before_exit or "").split(",") if p),
        confirm_days_before_start=current.confirm_days_before_start,
    )


def prerequisites(
    clearance: Check | None, health: Check | None, on: dt.date, req: Requirements
) -> list[BrokenRule]:
    """What the worker lacks on `on`: a CLEAR clearance and a FIT health check, recent enough."""
    broken = []
    if clearance is None or not clearance.passed:
        broken.append(
            BrokenRule("clearance", "workerId", "has no clear police clearance", "PREREQUISITE_MISSING")
        )
    elif clearance.on < months_before(on, req.clearance_valid_months):
        broken.append(
            BrokenRule(
                "clearance-age",
                "workerId",
                "the police clearance is older than {months} months",
                "PREREQUISITE_MISSING",
                (("months", req.clearance_valid_months),),
            )
        )
    if health is None or not health.passed:
        broken.append(BrokenRule("health", "workerId", "has no fit health check", "PREREQUISITE_MISSING"))
    elif health.on < months_before(on, req.health_valid_months):
        broken.append(
            BrokenRule(
                "health-age",
                "workerId",
                "the health check is older than {months} months",
                "PREREQUISITE_MISSING",
                (("months", req.health_valid_months),),
            )
        )
    return broken


def _agreement_in_force(f: PlacementFacts) -> list[BrokenRule]:
    if f.agreement_status is not None and f.agreement_status != AgreementStatus.ACTIVE:
        return [
            BrokenRule(
                "agreement-in-force",
                "agreementId",
                "the agreement is {status}",
                "AGREEMENT_NOT_IN_FORCE",
                (("status", Term.of(f.agreement_status.value, enum="AgreementStatus")),),
            )
        ]
    if not valid_on(f.agreement_valid_from, f.agreement_valid_to, f.start):
        return [
            BrokenRule(
                "agreement-in-force",
                "startDate",
                "the start is outside the agreement's validity",
                "AGREEMENT_NOT_IN_FORCE",
            )
        ]
    return []


def _quotas(f: PlacementFacts) -> list[BrokenRule]:
    broken = []
    if f.employer_open >= f.employer_quota:
        broken.append(
            BrokenRule(
                "employer-quota",
                "employerId",
                "the employer's approved quota of {quota} open placements is reached",
                "QUOTA_EXCEEDED",
                (("quota", f.employer_quota),),
            )
        )
    if f.agreement_yearly_quota is not None and f.agreement_started >= f.agreement_yearly_quota:
        broken.append(
            BrokenRule(
                "agreement-quota",
                "agreementId",
                "the agreement's quota of {quota} placements starting in {year} is reached",
                "QUOTA_EXCEEDED",
                (("quota", f.agreement_yearly_quota), ("year", f.start.year)),
            )
        )
    return broken


def placement_rules(f: PlacementFacts) -> list[BrokenRule]:
    """Every rule of DOMAIN.md's placement step that the placement breaks, in the order a refusal
    lists them: prerequisites, age, the worker's status, one open placement, the agreement's party
    and validity, the two quotas, the minimum wage."""
    req = f.requirements
    broken = prerequisites(f.clearance, f.health, f.start, req)
    if f.age < req.minimum_age:
        broken.append(
            BrokenRule(
                "minimum-age",
                "workerId",
                "must be at least {age} years old on the start date",
                "UNDERAGE",
                (("age", req.minimum_age),),
            )
        )
    if f.worker_status is not None and f.worker_status in INELIGIBLE:
        broken.append(
            BrokenRule(
                "status",
                "workerId",
                "a worker who is {status} cannot be placed",
                "INELIGIBLE_STATUS",
                (("status", Term.of(f.worker_status.value, enum="WorkerStatus")),),
            )
        )
    if f.open_placements:
        broken.append(ALREADY_PLACED)
    if not f.employer_in_agreement:
        broken.append(
            BrokenRule(
                "employer-in-agreement",
                "employerId",
                "the employer is not inside the agreement's Chinese party",
                "OUTSIDE_AGREEMENT",
            )
        )
    broken += _agreement_in_force(f)
    broken += _quotas(f)
    if f.wage is not None and f.wage < req.minimum_monthly_wage_cny:
        broken.append(
            BrokenRule(
                "minimum-wage",
                "monthlyWageCny",
                "must be at least the agreement's minimum of {minimum}",
                "BELOW_MINIMUM_WAGE",
                (("minimum", Money(req.minimum_monthly_wage_cny)),),
            )
        )
    return broken


def confirmation_rules(f: ConfirmationFacts) -> list[BrokenRule]:
    """A start is confirmed once the worker has left Vietnam at a gate the agreement lists (the
    procedure's exit comes before the confirmation), and not earlier than the requirement set's
    days before the start (by default the day before)."""
    broken = []
    if not f.exited_at_gate:
        broken.append(
            BrokenRule(
                "exited",
                "placementId",
                "the worker has not exited Vietnam at a gate of the placement's agreement",
                "NOT_EXITED",
            )
        )
    days = f.requirements.confirm_days_before_start
    if f.today < f.start - dt.timedelta(days=days):
        broken.append(
            BrokenRule(
                "confirm-window",
                "startDate",
                "a start is confirmed at most {days} days before it",
                "CONFIRMED_TOO_EARLY",
                (("days", days),),
            )
        )
    return broken


def crossing_rules(f: CrossingFacts) -> list[BrokenRule]:
    """An exit leaves for a placement whose agreement lists the gate; exits and entries alternate
    in time order, starting with an exit."""
    broken = []
    if f.direction == Direction.EXIT_VIETNAM:
        if not f.under_placement:
            broken.append(
                BrokenRule(
                    "gate", "workerId", "has no planned or active placement to leave for", "NO_PLACEMENT"
                )
            )
        elif f.gate_listed is False:
            broken.append(
                BrokenRule(
                    "gate",
                    "gateCode",
                    "the placement's agreement does not list this gate",
                    "GATE_NOT_IN_AGREEMENT",
                )
            )
    missing = sorted(f.protection_required - f.protection_recorded)
    if f.direction == Direction.EXIT_VIETNAM and f.under_placement and missing:
        broken.append(
            BrokenRule(
                "protection-before-exit",
                "workerId",
                "the placement lacks what the agreement requires before the exit: {parts}",
                "PROTECTION_MISSING",
                (("parts", ", ".join(missing)),),
            )
        )
    if f.at is not None and not in_sequence(f.direction, f.at, f.previous):
        broken.append(
            BrokenRule(
                "crossing-sequence",
                "direction",
                "exits and entries must alternate, starting with an exit",
                "CROSSING_OUT_OF_SEQUENCE",
            )
        )
    return broken


def in_sequence(
    direction: Direction, at: dt.datetime, previous: tuple[Direction, dt.datetime] | None
) -> bool:
    """The crossing-sequence rule: a worker's crossing follows the one before it (not voided) in
    time and in the other direction, and the first is an exit. A new crossing (`crossing_rules`),
    every crossing of `procedure check`, and the crossing a void would leave after another
    (`crossing_void_rules`) are judged by it."""
    if previous is None:
        return direction == Direction.EXIT_VIETNAM
    return previous[0] != direction and previous[1] < at


@dataclass(frozen=True)
class CrossingVoidFacts:
    """What voiding a crossing is judged on: the worker's crossings (not voided) just before and just
    after it, in time order. Voiding it changes the facts of the one after only: that one then
    follows the one before."""

    before: tuple[Direction, dt.datetime] | None
    after: tuple[Direction, dt.datetime] | None


def crossing_void_rules(f: CrossingVoidFacts) -> list[BrokenRule]:
    """A void leaves the crossings after it in sequence (`in_sequence`): voiding the latest crossing
    always does, voiding an exit that an entry follows does not (the entry would follow nothing, or
    another entry), so the later crossings are voided first."""
    if f.after is None or in_sequence(f.after[0], f.after[1], f.before):
        return []
    return [
        BrokenRule(
            "crossing-sequence",
            "recordId",
            "the crossings left would not alternate, starting with an exit: void the later crossings first",
            "CROSSING_OUT_OF_SEQUENCE",
        )
    ]
