"""The procedure's rules as pure functions (DOMAIN.md, "The procedure"), without a database.

A placement needs a clearance CLEAR issued within 6 months and a health check FIT within 12, a
worker at least 18 on the start date, an employer inside the agreement's Chinese party, an agreement
in force on the start date, room in the employer's approved quota and the agreement's yearly quota,
at least the minimum wage, and no other open placement. Exits and entries alternate, starting with
an exit, and an exit is at a gate the placement's agreement lists. Each test states one of these
and judges facts on either side of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from models import AgreementRequirements, AgreementStatus, Direction, WorkerStatus
from procedure import Requirements, default_requirements
from procedure.calendar import VIETNAM, age_on
from procedure.rules import (
    Check,
    ConfirmationFacts,
    CrossingFacts,
    PlacementFacts,
    Stay,
    confirmation_rules,
    crossing_rules,
    placement_left_for,
    placement_rules,
    requirements_in_force,
    window_opens,
)

pytestmark = pytest.mark.engine_independent("the procedure's rules as pure functions; no database")

START = dt.date(2026, 3, 16)
# DOMAIN.md's defaults; the minimum wage is the figure of procedure/requirements.toml.
DOMAIN = Requirements(
    clearance_valid_months=6,
    health_valid_months=12,
    minimum_age=18,
    minimum_monthly_wage_cny=Decimal("2000"),
    overridable=frozenset(),
)
ELIGIBLE = PlacementFacts(
    start=START,
    requirements=DOMAIN,
    age=30,
    clearance=Check(dt.date(2026, 1, 5), passed=True),
    health=Check(dt.date(2025, 12, 1), passed=True),
    worker_status=WorkerStatus.CLEARED,
    open_placements=0,
    employer_in_agreement=True,
    agreement_status=AgreementStatus.ACTIVE,
    agreement_valid_from=dt.date(2024, 1, 1),
    agreement_valid_to=dt.date(2028, 12, 31),
    employer_open=0,
    employer_quota=10,
    agreement_started=0,
    agreement_yearly_quota=100,
    wage=Decimal("3500"),
)


def _broken(facts: PlacementFacts) -> set[tuple[str, str, str]]:
    return {(r.rule, r.field, r.code) for r in placement_rules(facts)}


def test_the_data_files_defaults_are_the_procedures() -> None:
    defaults = default_requirements()
    assert (defaults.clearance_valid_months, defaults.health_valid_months, defaults.minimum_age) == (
        6,
        12,
        18,
    )
    assert defaults.minimum_monthly_wage_cny == DOMAIN.minimum_monthly_wage_cny


def test_a_placement_that_meets_every_requirement_breaks_no_rule() -> None:
    assert placement_rules(ELIGIBLE) == []


def test_a_worker_is_placed_from_the_day_of_their_eighteenth_birthday() -> None:
    born = dt.date(2008, 3, 16)
    assert _broken(replace(ELIGIBLE, age=age_on(born, START))) == set()
    day_before = START - dt.timedelta(days=1)
    assert _broken(replace(ELIGIBLE, start=day_before, age=age_on(born, day_before))) == {
        ("minimum-age", "workerId", "UNDERAGE")
    }


@pytest.mark.parametrize(
    ("clearance", "broken"),
    [
        (Check(dt.date(2025, 9, 16), passed=True), set()),  # issued 6 months before the start
        (Check(dt.date(2025, 9, 15), passed=True), {("clearance-age", "workerId", "PREREQUISITE_MISSING")}),
        (Check(dt.date(2026, 3, 1), passed=False), {("clearance", "workerId", "PREREQUISITE_MISSING")}),
        (None, {("clearance", "workerId", "PREREQUISITE_MISSING")}),
    ],
)
def test_a_placement_needs_a_clear_clearance_issued_within_six_months(
    clearance: Check | None, broken: set[tuple[str, str, str]]
) -> None:
    assert _broken(replace(ELIGIBLE, clearance=clearance)) == broken


@pytest.mark.parametrize(
    ("health", "broken"),
    [
        (Check(dt.date(2025, 3, 16), passed=True), set()),  # made 12 months before the start
        (Check(dt.date(2025, 3, 15), passed=True), {("health-age", "workerId", "PREREQUISITE_MISSING")}),
        (Check(dt.date(2026, 3, 1), passed=False), {("health", "workerId", "PREREQUISITE_MISSING")}),
        (None, {("health", "workerId", "PREREQUISITE_MISSING")}),
    ],
)
def test_a_placement_needs_a_fit_health_check_made_within_twelve_months(
    health: Check | None, broken: set[tuple[str, str, str]]
) -> None:
    assert _broken(replace(ELIGIBLE, health=health)) == broken


def test_the_clearances_age_is_counted_in_the_agreements_months() -> None:
    longer = replace(DOMAIN, clearance_valid_months=9)
    assert (
        _broken(replace(ELIGIBLE, requirements=longer, clearance=Check(dt.date(2025, 6, 16), True))) == set()
    )


def test_a_worker_with_a_planned_or_active_placement_is_not_placed_again() -> None:
    assert _broken(replace(ELIGIBLE, open_placements=1)) == {
        ("one-open-placement", "workerId", "ALREADY_PLACED")
    }


def test_the_employers_approved_quota_counts_its_open_placements() -> None:
    assert _broken(replace(ELIGIBLE, employer_quota=2, employer_open=1)) == set()
    full = placement_rules(replace(ELIGIBLE, employer_quota=2, employer_open=2))
    assert [(r.rule, r.field, r.code, r.params) for r in full] == [
        ("employer-quota", "employerId", "QUOTA_EXCEEDED", (("quota", 2),))
    ]


def test_the_agreements_yearly_quota_counts_the_placements_starting_that_year() -> None:
    assert _broken(replace(ELIGIBLE, agreement_yearly_quota=3, agreement_started=2)) == set()
    full = placement_rules(replace(ELIGIBLE, agreement_yearly_quota=3, agreement_started=3))
    assert [(r.rule, r.code, r.params) for r in full] == [
        ("agreement-quota", "QUOTA_EXCEEDED", (("quota", 3), ("year", 2026)))
    ]
    assert _broken(replace(ELIGIBLE, agreement_yearly_quota=None, agreement_started=500)) == set()


def test_the_wage_is_at_least_the_agreements_minimum() -> None:
    assert _broken(replace(ELIGIBLE, wage=Decimal("2000.00"))) == set()
    assert _broken(replace(ELIGIBLE, wage=Decimal("1999.99"))) == {
        ("minimum-wage", "monthlyWageCny", "BELOW_MINIMUM_WAGE")
    }


def test_the_employer_is_inside_the_agreements_chinese_party() -> None:
    assert _broken(replace(ELIGIBLE, employer_in_agreement=False)) == {
        ("employer-in-agreement", "employerId", "OUTSIDE_AGREEMENT")
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agreement_status": AgreementStatus.SUSPENDED}, "agreementId"),
        ({"agreement_valid_from": START + dt.timedelta(days=1)}, "startDate"),
        ({"agreement_valid_to": START - dt.timedelta(days=1)}, "startDate"),
        # judged after the fact, the agreement's status then is unknown: its dates still count
        ({"agreement_status": None, "agreement_valid_to": START - dt.timedelta(days=1)}, "startDate"),
    ],
)
def test_the_agreement_is_in_force_on_the_start_date(changes: dict[str, Any], field: str) -> None:
    assert _broken(replace(ELIGIBLE, **changes)) == {("agreement-in-force", field, "AGREEMENT_NOT_IN_FORCE")}


def test_the_agreements_last_day_is_in_force() -> None:
    assert _broken(replace(ELIGIBLE, agreement_valid_to=START)) == set()


@pytest.mark.parametrize("status", [WorkerStatus.SUSPENDED, WorkerStatus.ABSCONDED, WorkerStatus.DEPLOYED])
def test_a_suspended_absconded_or_deployed_worker_is_not_placed(status: WorkerStatus) -> None:
    assert _broken(replace(ELIGIBLE, worker_status=status)) == {("status", "workerId", "INELIGIBLE_STATUS")}


def test_every_broken_rule_is_reported_at_once() -> None:
    everything = replace(
        ELIGIBLE,
        age=17,
        open_placements=1,
        employer_open=10,
        wage=Decimal("100"),
        employer_in_agreement=False,
    )
    assert {r.rule for r in placement_rules(everything)} == {
        "minimum-age",
        "one-open-placement",
        "employer-in-agreement",
        "employer-quota",
        "minimum-wage",
    }


def _version(valid_from: dt.date, valid_to: dt.date | None, minimum_age: int) -> AgreementRequirements:
    return AgreementRequirements(
        valid_from=valid_from,
        valid_to=valid_to,
        clearance_valid_months=6,
        health_valid_months=12,
        minimum_age=minimum_age,
        minimum_monthly_wage_cny=Decimal("2000"),
        overridable="employer-quota",
    )


def test_a_step_is_judged_by_the_requirement_version_in_force_on_its_date() -> None:
    versions = [
        _version(dt.date(2024, 1, 1), dt.date(2025, 6, 30), 18),
        _version(dt.date(2025, 7, 1), None, 20),
    ]
    assert requirements_in_force(versions, dt.date(2023, 12, 31)) == default_requirements()
    assert requirements_in_force(versions, dt.date(2025, 6, 30)).minimum_age == 18
    assert requirements_in_force(versions, dt.date(2025, 7, 1)).minimum_age == 20
    assert requirements_in_force(versions, dt.date(2025, 7, 1)).overridable == {"employer-quota"}


AT = dt.datetime(2026, 4, 1, 8, 30, tzinfo=dt.UTC)
EXIT, ENTRY = Direction.EXIT_VIETNAM, Direction.ENTER_VIETNAM


def _crossing(
    direction: Direction,
    previous: tuple[Direction, dt.datetime] | None,
    under_placement: bool = True,
    gate_listed: bool | None = True,
) -> set[str]:
    return {
        r.code for r in crossing_rules(CrossingFacts(direction, AT, previous, under_placement, gate_listed))
    }


def test_exits_and_entries_alternate_starting_with_an_exit() -> None:
    earlier = AT - dt.timedelta(days=30)
    assert _crossing(EXIT, None) == set()
    assert _crossing(ENTRY, None) == {"CROSSING_OUT_OF_SEQUENCE"}
    assert _crossing(ENTRY, (EXIT, earlier)) == set()
    assert _crossing(EXIT, (ENTRY, earlier)) == set()
    assert _crossing(EXIT, (EXIT, earlier)) == {"CROSSING_OUT_OF_SEQUENCE"}
    assert _crossing(ENTRY, (EXIT, AT)) == {"CROSSING_OUT_OF_SEQUENCE"}  # not after the previous one


def test_an_exit_leaves_for_a_placement_at_a_gate_its_agreement_lists() -> None:
    assert _crossing(EXIT, None, under_placement=False, gate_listed=None) == {"NO_PLACEMENT"}
    assert _crossing(EXIT, None, gate_listed=False) == {"GATE_NOT_IN_AGREEMENT"}
    assert _crossing(EXIT, None, gate_listed=None) == set()  # an unknown gate is refused as input
    assert (
        _crossing(ENTRY, (EXIT, AT - dt.timedelta(days=1)), under_placement=False, gate_listed=None) == set()
    )


def _made(day: dt.date) -> dt.datetime:
    """A moment at noon in Vietnam on `day`: a placement made then was made on that day."""
    return dt.datetime.combine(day, dt.time(12), VIETNAM)


def test_an_exit_leaves_for_the_placement_planned_or_under_way_its_start_possibly_ahead() -> None:
    """DOMAIN.md: the placement (step 3), then the exit (step 4), then the start's confirmation
    (step 5, from the day before the start): an exit leaves for a placement not yet begun."""
    day = START - dt.timedelta(days=10)
    last = START - dt.timedelta(days=30)
    begun = START - dt.timedelta(days=400)
    ended = Stay(1, 7, _made(begun - dt.timedelta(days=20)), begun, last)  # made 20 days before its start
    planned = Stay(2, 8, _made(day - dt.timedelta(days=5)), START, None)  # made 5 days before the exit
    assert placement_left_for([ended, planned], day) == planned
    assert placement_left_for([ended, planned], START + dt.timedelta(days=90)) == planned  # under way
    assert placement_left_for([ended], day) is None  # nothing to leave for after the end
    assert placement_left_for([replace(ended, end=day)], day) is None  # ended that very day
    # A placement running on the exit's day is the one left for, before any planned after it.
    assert placement_left_for([planned, ended], last - dt.timedelta(days=1)) == ended
    assert placement_left_for([], day) is None


def test_an_exit_does_not_leave_for_a_placement_made_on_a_later_day() -> None:
    """DOMAIN.md: the placement comes before the exit, and its window, which is all the Chinese
    office sees, opens on the day it is made (or on its start, when it is recorded after it)."""
    day = START - dt.timedelta(days=10)
    made_after = Stay(2, 8, _made(day + dt.timedelta(days=1)), START, None)
    assert placement_left_for([made_after], day) is None
    assert placement_left_for([made_after], day + dt.timedelta(days=1)) == made_after
    # Made five days after its start (recorded after the fact): its window opens on the start.
    recorded_late = Stay(3, 8, _made(START + dt.timedelta(days=5)), START, None)
    assert placement_left_for([recorded_late], START) == recorded_late
    assert placement_left_for([recorded_late], START - dt.timedelta(days=1)) is None


def test_a_window_opens_on_the_registrys_day_of_the_creation_or_on_the_start_if_earlier() -> None:
    """The day is Vietnam's (UTC+7): a placement made at 17:30 UTC was made on the next day there."""
    made = dt.datetime(2026, 3, 9, 17, 30, tzinfo=dt.UTC)
    assert window_opens(made, dt.date(2026, 4, 1)) == dt.date(2026, 3, 10)
    assert window_opens(made, dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)


def _confirming(today: dt.date, exited: bool = True, days: int = 1) -> set[str]:
    facts = ConfirmationFacts(today, START, replace(DOMAIN, confirm_days_before_start=days), exited)
    return {r.code for r in confirmation_rules(facts)}


def test_a_start_is_confirmed_after_the_workers_exit_and_from_the_day_before_the_start() -> None:
    """Issue 22: the exit at a gate of the agreement comes first (NOT_EXITED), and a start is not
    confirmed earlier than the day before it (the requirement set's window, 1 day by default)."""
    assert _confirming(START - dt.timedelta(days=1)) == set()
    assert _confirming(START + dt.timedelta(days=40)) == set()
    assert _confirming(START - dt.timedelta(days=2)) == {"CONFIRMED_TOO_EARLY"}
    assert _confirming(START - dt.timedelta(days=15), exited=False) == {"NOT_EXITED", "CONFIRMED_TOO_EARLY"}
    assert _confirming(START, exited=False) == {"NOT_EXITED"}
    assert _confirming(START - dt.timedelta(days=7), days=7) == set()
