"""Which placement an exit leaves for, judged alike by the write (`recordCrossing`) and by
`borderlabour procedure check` (procedure/rules.py, `placement_left_for`).

DOMAIN.md's procedure: the placement is made (step 3), the worker exits at a gate the agreement lists
(step 4), and only then does the Chinese office confirm the start (step 5), no earlier than the day
before the start date. So an exit is made while the placement is still planned, before its start
date, and is judged (gate, protection required before the exit) against that placement. An exit the
write accepts must not be reported by the check; one it refuses, loaded without the API (as `demo`,
`generate` or a migration from another system would), must be reported, by the same rule.
"""

from __future__ import annotations

import datetime as dt

from models import Direction
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from tests import procedure_steps as steps

REQUIRE = """mutation($input: UpdateAgreementRequirementsInput!) { updateAgreementRequirements(input: $input) {
  agreement { id } errors { field code } } }"""
AHEAD = 10  # days from today to the planned start: the worker exits before it, as DOMAIN.md's steps go


def _in_days(days: int) -> str:
    return (steps.today() + dt.timedelta(days=days)).isoformat()


def _planned(as_office, code: str) -> str:
    """A new cleared worker with a planned placement under `code` starting AHEAD days from today."""
    worker = steps.ready(as_office)
    placed = steps.place(as_office, worker, agreement=code, startDate=_in_days(AHEAD))
    assert placed["errors"] == [] and placed["placement"]["status"] == "PLANNED", placed
    return worker


def _load_exit(database, worker: str, gate: str, at: dt.datetime) -> int:
    """The exit the write refused, written straight into the database, as data loaded in bulk is."""
    return steps.load_crossing(database, worker, Direction.EXIT_VIETNAM, gate, at)


def test_an_exit_before_the_planned_start_is_judged_alike_by_the_write_and_by_procedure_check(
    database, as_office
) -> None:
    labour = as_office("lc-home-affairs")
    open_gate, protected = steps.new_agreement(as_office), steps.new_agreement(as_office)
    protected_id, _ = steps.ids(labour, protected, "CN-YN-HH-HK")
    required = {"agreementId": protected_id, "protectionBeforeExit": ["contract"],
                "validFrom": steps.days_ago(1)}  # fmt: skip
    assert labour.data(REQUIRE, {"input": required})["updateAgreementRequirements"]["errors"] == []

    # Accepted: a planned placement starting in AHEAD days, an exit today at a gate it lists.
    ahead = _planned(as_office, open_gate)
    accepted = steps.cross(as_office, "lc-border-guard", ahead, "EXIT_VIETNAM")
    assert accepted["errors"] == [], accepted["errors"]

    # Refused, each for its own reason, then loaded without the API: the check must say the same.
    refusals = {}
    hekou, unlisted = "GATE-LAOCAI-HEKOU", "GATE-KIMTHANH"  # new_agreement lists only the first
    for name, worker, gate, expected in (
        ("other gate", _planned(as_office, open_gate), unlisted, ("gateCode", "GATE_NOT_IN_AGREEMENT")),
        ("no contract", _planned(as_office, protected), hekou, ("workerId", "PROTECTION_MISSING")),
        ("no placement", steps.ready(as_office), hekou, ("workerId", "NO_PLACEMENT")),
    ):
        refused = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", gate=gate)
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [expected], (name, refused)
        refusals[name] = _load_exit(database, worker, gate, dt.datetime.now(dt.UTC))

    status, found = steps.procedure_check(database)
    set_keyring(Keyring.load(database.key_file))
    accepted_id = decode_id(accepted["crossing"]["id"], "Crossing")[1]
    assert found.get(f"Crossing {accepted_id}", {}) == {}, found.get(f"Crossing {accepted_id}")
    judged = {name: found.get(f"Crossing {crossing_id}", {}) for name, crossing_id in refusals.items()}
    assert judged["other gate"].keys() == {"gate"}, judged
    assert "does not list this gate" in judged["other gate"]["gate"]
    assert judged["no contract"].keys() == {"protection-before-exit"}, judged
    assert judged["no contract"]["protection-before-exit"].endswith(": contract")
    assert judged["no placement"].keys() == {"gate"}, judged
    assert "no planned or active placement" in judged["no placement"]["gate"]
    assert status == 1


def test_an_exit_dated_before_the_day_its_placement_was_made_leaves_for_no_placement(
    database, as_office
) -> None:
    """DOMAIN.md: the placement comes before the exit, and the Chinese office sees a worker's crossings
    only from the day the placement was made (its window). An exit dated on an earlier day, recorded
    after the placement, has no placement to leave for: the write refuses it (where the office could
    otherwise never see the exit to confirm the start), and the check reports it loaded in bulk."""
    worker = _planned(as_office, steps.new_agreement(as_office))  # made today, starting AHEAD days on
    refused = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=2 * 24 * 60)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("workerId", "NO_PLACEMENT")]
    # The same worker's exit made today, after the placement, is one the write accepts.
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    loaded = _load_exit(database, worker, "GATE-LAOCAI-HEKOU", dt.datetime.now(dt.UTC) - dt.timedelta(days=2))

    _, found = steps.procedure_check(database)
    judged = found.get(f"Crossing {loaded}", {})
    assert judged.keys() == {"gate"}, judged
    assert "no planned or active placement" in judged["gate"]
