"""The protection an agreement requires before the exit (issue 22 item 1: "the procedure's
requirements may demand them before an exit (as data, per agreement)"), judged by one rule on the
write (`recordCrossing`) and by `borderlabour procedure check` over exits already made.

A requirement is a dated version of the agreement's requirement set (`procedure/requirements.toml`
holds the default: none), so an exit is judged by the version in force on its day. Labour may
record a version from a past day (the talks agreed it before it was entered); exits made since then
without what it requires are then breaches `procedure check` must report, the others not. A part
with its own day (a contract's signing) counts only if that day is not after the exit.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import procedure
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from tests import procedure_steps as steps

RECORD = """mutation($input: RecordPlacementProtectionInput!) { recordPlacementProtection(input: $input) {
  placement { id } errors { field code } } }"""
REQUIRE = """mutation($input: UpdateAgreementRequirementsInput!) { updateAgreementRequirements(input: $input) {
  agreement { id } errors { field code } } }"""
READ = "query($id: ID!) { node(id: $id) { ... on Agreement { requirements { protectionBeforeExit } } } }"
RULE = "protection-before-exit"


def _placed(as_office, code: str, contract_signed_on: str | None, insured: bool, start_days_ago: int) -> str:
    """A new worker placed under the agreement `code`, with the protection given recorded."""
    worker = steps.ready(as_office)
    placed = steps.place(as_office, worker, agreement=code, startDate=steps.days_ago(start_days_ago))
    assert placed["errors"] == [], placed["errors"]
    placement = placed["placement"]["id"]
    if contract_signed_on is not None:
        contract = {"placementId": placement, "contractSignedOn": contract_signed_on, "contractMonths": 12,
                    "contractWage": "3800", "contractCurrency": "CNY"}  # fmt: skip
        recorded = as_office("lc-home-affairs").data(RECORD, {"input": contract})
        assert recorded["recordPlacementProtection"]["errors"] == []
    if insured:
        insurance = {"placementId": placement, "injuryInsurer": "中国人民财产保险股份有限公司",
                     "injuryPolicyNumber": f"GS-{placement[:12]}", "healthInsurer": "中国人寿保险股份有限公司",
                     "healthPolicyNumber": f"YL-{placement[:12]}"}  # fmt: skip
        recorded = as_office("cn-hekou").data(RECORD, {"input": insurance})
        assert recorded["recordPlacementProtection"]["errors"] == []
    return worker


def _exit(as_office, worker: str, minutes_ago: float = 0) -> dict:
    return steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=minutes_ago)


def test_procedure_check_reports_exits_made_without_the_protection_required_on_their_day(
    database, as_office
) -> None:
    labour = as_office("lc-home-affairs")
    code = steps.new_agreement(as_office)
    agreement, _ = steps.ids(labour, code, "CN-YN-HH-HK")
    # A new agreement starts from the data file's defaults: no protection before the exit.
    default = tomllib.loads((Path(procedure.__file__).parent / "requirements.toml").read_text())
    first = labour.data(READ, {"id": agreement})["node"]["requirements"]["protectionBeforeExit"]
    assert first == default["protection_before_exit"] == []
    # Exits made while the agreement required nothing: each accepted.
    lacking = _placed(as_office, code, None, insured=False, start_days_ago=0)
    complete = _placed(as_office, code, steps.days_ago(5), insured=True, start_days_ago=0)
    signed_after = _placed(as_office, code, steps.days_ago(-1), insured=True, start_days_ago=0)
    earlier = _placed(as_office, code, None, insured=False, start_days_ago=3)
    crossings = {}
    for name, worker, minutes in (
        ("lacking", lacking, 0),
        ("complete", complete, 0),
        ("signed_after", signed_after, 0),
        ("earlier", earlier, 3 * 1440),
    ):
        crossed = _exit(as_office, worker, minutes)
        assert crossed["errors"] == [], (name, crossed["errors"])
        crossings[name] = crossed["crossing"]["id"]

    # The talks required the contract and the insurance from yesterday; labour records it today.
    required = {"agreementId": agreement, "protectionBeforeExit": ["contract", "insurance"],
                "validFrom": steps.days_ago(1)}  # fmt: skip
    assert labour.data(REQUIRE, {"input": required})["updateAgreementRequirements"]["errors"] == []

    # The same rule on the write: a contract signed after the exit's day is not there before it.
    late = _placed(as_office, code, steps.days_ago(-1), insured=True, start_days_ago=0)
    assert _exit(as_office, late)["errors"] == [{"field": "workerId", "code": "PROTECTION_MISSING"}]

    status, found = steps.procedure_check(database)
    set_keyring(Keyring.load(database.key_file))
    judged = {name: found.get(f"Crossing {decode_id(c, 'Crossing')[1]}", {}) for name, c in crossings.items()}
    assert judged["lacking"].get(RULE, "").endswith(": contract, insurance"), judged["lacking"]
    assert judged["signed_after"].get(RULE, "").endswith(": contract"), judged["signed_after"]
    assert RULE not in judged["complete"] and RULE not in judged["earlier"], judged
    assert status == 1
