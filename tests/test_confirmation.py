"""Confirming a placement's start (issue 22 item 5, DOMAIN.md "The procedure" steps 4-5), over HTTP.

The exit (step 4) comes before the confirmation (step 5): a worker still CLEARED, who has not left
Vietnam at a gate of the agreement, has no start to confirm (`NOT_EXITED`), and a start is confirmed
no earlier than the day before it (`CONFIRMED_TOO_EARLY`; procedure/requirements.toml,
`confirm_days_before_start = 1`). A confirmation that moves the start is judged again by every rule
of the placement for the new date: age, clearance, health check, the agreement's validity.
"""

from __future__ import annotations

import datetime as dt

from tests import procedure_steps as steps

CONFIRM = """mutation($input: ConfirmPlacementStartInput!) {
  confirmPlacementStart(input: $input) { placement { id status startDate } errors { field code } } }"""


def _codes(result: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


def _confirm(as_office, placement: str, **extra: str) -> dict:
    data = {"placementId": placement, "workPermitNumber": steps.work_permit(), **extra}
    return as_office("cn-hekou").data(CONFIRM, {"input": data})["confirmPlacementStart"]


def _in_days(days: int) -> str:
    return (steps.today() + dt.timedelta(days=days)).isoformat()


def test_a_worker_who_has_not_exited_has_no_start_to_confirm_15_days_ahead_or_on_the_day(as_office) -> None:
    worker = steps.ready(as_office)
    ahead = steps.place(as_office, worker, startDate=_in_days(15))
    assert ahead["errors"] == []
    placement = ahead["placement"]["id"]
    assert _codes(_confirm(as_office, placement)) == {
        ("placementId", "NOT_EXITED"),
        ("startDate", "CONFIRMED_TOO_EARLY"),
    }
    assert steps.status(as_office("lc-home-affairs"), worker) == "CLEARED"
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    assert _codes(_confirm(as_office, placement)) == {("startDate", "CONFIRMED_TOO_EARLY")}
    moved = _confirm(as_office, placement, startDate=_in_days(1))  # from the day before the start
    assert moved["errors"] == []
    assert moved["placement"] == {"id": placement, "status": "ACTIVE", "startDate": _in_days(1)}


def test_an_exit_at_a_gate_of_another_agreement_or_an_exit_followed_by_a_return_is_no_exit(as_office) -> None:
    worker = steps.ready(as_office)
    placement = steps.place(as_office, worker)["placement"]["id"]
    # Each crossing at the moment it is recorded: after the placement, in order.
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    assert steps.cross(as_office, "lc-customs", worker, "ENTER_VIETNAM")["errors"] == []
    assert _codes(_confirm(as_office, placement)) == {("placementId", "NOT_EXITED")}
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    assert _confirm(as_office, placement)["errors"] == []


def test_a_confirmation_that_moves_the_start_is_judged_again_by_every_rule_for_the_new_date(
    as_office,
) -> None:
    """The issue's cases: cn-hekou moved a start to a day the worker was 17, before the clearance
    and the health check, and another to 2036; both are refused, and the start stays where it was."""
    born = steps.today().replace(year=steps.today().year - 18) - dt.timedelta(days=10)
    worker = steps.ready(as_office, born=born)  # 18 for 10 days; checked 20 and 15 days ago
    placed = steps.place(as_office, worker)
    assert placed["errors"] == []
    placement = placed["placement"]["id"]
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    seventeen = _confirm(as_office, placement, startDate=steps.days_ago(30))
    assert _codes(seventeen) == {("workerId", "UNDERAGE"), ("workerId", "PREREQUISITE_MISSING")}
    far = _confirm(as_office, placement, startDate="2036-03-01")
    assert ("startDate", "CONFIRMED_TOO_EARLY") in _codes(far)
    assert ("workerId", "PREREQUISITE_MISSING") in _codes(far)  # a clearance ten years old by then
    within = _confirm(as_office, placement, startDate=steps.days_ago(2))
    assert within["errors"] == [], within
    assert within["placement"]["startDate"] == steps.days_ago(2)


def test_a_start_moved_out_of_the_agreements_validity_is_refused(as_office) -> None:
    labour = as_office("lc-home-affairs")
    agreement, employer = steps.ids(labour, steps.new_agreement(as_office), "CN-YN-HH-HK")
    worker = steps.ready(as_office)
    data = steps.placement_input(worker, agreement, employer)
    placement = labour.data(steps.PLACE, {"input": data})["createPlacement"]["placement"]["id"]
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    before = _confirm(as_office, placement, startDate="2024-01-09")  # the agreement starts on 10 January 2024
    assert ("startDate", "AGREEMENT_NOT_IN_FORCE") in _codes(before)


WORDED = """mutation($input: ConfirmPlacementStartInput!) {
  confirmPlacementStart(input: $input) { placement { id status startDate } errors { field code message } } }"""


def test_a_start_moved_before_the_police_clearance_is_refused_without_naming_a_record_the_office_cannot_read(
    as_office,
) -> None:
    """cn-hekou may not read police clearances (DOMAIN.md's visibility table): a start it moves to a
    day before the clearance is refused, and the refusal names no clearance and no date of one. While
    anything else refuses the confirmation (no exit yet), the clearance's rule says nothing at all,
    so a confirmation that writes nothing cannot be sent date after date to find the clearance's day."""
    worker = steps.register(as_office)
    steps.clear(as_office, worker, clearance_days_ago=10)  # the health check 15 days ago
    placement = steps.place(as_office, worker)["placement"]["id"]  # starting today: both in force

    def confirm(start: str) -> dict:
        data = {"placementId": placement, "workPermitNumber": steps.work_permit(), "startDate": start}
        return as_office("cn-hekou").data(WORDED, {"input": data})["confirmPlacementStart"]

    not_exited = confirm(steps.days_ago(12))
    assert _codes(not_exited) == {("placementId", "NOT_EXITED")}
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    before_clearance = confirm(steps.days_ago(12))
    assert before_clearance["placement"] is None
    assert _codes(before_clearance) == {("startDate", "START_NOT_ALLOWED")}
    (error,) = before_clearance["errors"]
    assert "clearance" not in error["message"] and "police" not in error["message"]
    after_clearance = confirm(steps.days_ago(5))
    assert after_clearance["errors"] == [], after_clearance
    assert after_clearance["placement"] == {
        "id": placement,
        "status": "ACTIVE",
        "startDate": steps.days_ago(5),
    }
