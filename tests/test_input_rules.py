"""Each write judges its input on its own rules before anything else (issue 17, "Low"): a refused input
tells nothing of records the office may not read, and no text made only of invisible characters is kept.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from tests import procedure_steps as steps


def _codes(result: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


def test_a_crossing_in_the_future_is_refused_for_its_time_alone_not_for_the_placement(as_office) -> None:
    worker = steps.register(as_office, "VN-LC")  # no placement: an exit now would break a rule
    future = steps.cross(as_office, "lc-customs", worker, "EXIT_VIETNAM", minutes_ago=-180)
    assert _codes(future) == {("crossedAt", "OUT_OF_RANGE")}
    # with a time the input accepts, the procedure's rule still answers
    now = steps.cross(as_office, "lc-customs", worker, "EXIT_VIETNAM", minutes_ago=5)
    assert _codes(now) == {("workerId", "NO_PLACEMENT")}


def test_a_crossing_is_judged_against_birth_on_the_registrys_day_whatever_offset_it_was_sent_with(
    as_office,
) -> None:
    """The registry's day is Vietnam's (UTC+7, `procedure.calendar`), as `procedure check` judges
    the same rule: 17:30 UTC on the eve of the worker's birthday is 00:30 on the birthday there."""
    worker = steps.register(as_office, "VN-LC", born=dt.date(2005, 5, 4))

    def crossed(at: str) -> set[tuple[str, str]]:
        data = {"workerId": worker, "gateCode": "GATE-LAOCAI-HEKOU", "direction": "EXIT_VIETNAM",
                "crossedAt": at, "document": "BORDER_PASS"}  # fmt: skip
        return _codes(as_office("lc-customs").data(steps.CROSS, {"input": data})["recordCrossing"])

    assert crossed("2005-05-03T17:30:00+00:00") == {("workerId", "NO_PLACEMENT")}  # born that day
    assert crossed("2005-05-04T00:30:00+07:00") == {("workerId", "NO_PLACEMENT")}  # the same moment
    assert crossed("2005-05-03T16:30:00+00:00") == {("crossedAt", "OUT_OF_RANGE")}  # the eve, 23:30


CHANGE_STATUS = """mutation($input: ChangeWorkerStatusInput!) {
  changeWorkerStatus(input: $input) { worker { status } errors { field code message } } }"""
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner, word joiner, BOM
BLANK = "\u3164\u2800"  # a Hangul filler and the blank Braille pattern: letters that draw nothing


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (ZERO_WIDTH, "NOT_VISIBLE"),
        (BLANK, "NOT_VISIBLE"),
        ("\u202e\u2066\u2069\u200f", "INVALID_CHARACTERS"),  # direction controls only
        ("Lý Seo \u202eChứ", "INVALID_CHARACTERS"),  # a right-to-left override inside a name
    ],
)
def test_a_name_of_invisible_or_direction_control_characters_is_refused(
    as_office, name: str, code: str
) -> None:
    labour = as_office("lc-home-affairs", "worker-registration")
    data = steps.registration("VN-LC", steps.a_commune(labour, "VN-LC"), fullName=name)
    result = labour.data(steps.REGISTER, {"input": data})["registerWorker"]
    assert result["worker"] is None
    assert _codes(result) == {("fullName", code)}


def test_a_reason_of_zero_width_characters_is_refused_in_the_readers_language_naming_the_field(
    as_office,
) -> None:
    worker = steps.register(as_office, "VN-LC")
    labour = as_office("lc-home-affairs")
    changed = labour.query(
        CHANGE_STATUS,
        {"input": {"workerId": worker, "status": "SUSPENDED", "reason": ZERO_WIDTH}},
        headers={"Accept-Language": "vi"},
    )["data"]["changeWorkerStatus"]
    assert changed["worker"] is None
    assert [(e["field"], e["code"], e["message"]) for e in changed["errors"]] == [
        ("reason", "NOT_VISIBLE", "reason không có ký tự nhìn thấy được")
    ]
    assert steps.status(labour, worker) == "REGISTERED"


def test_a_name_is_kept_in_composed_form(as_office) -> None:
    labour = as_office("lc-home-affairs", "worker-registration")
    decomposed = unicodedata.normalize("NFD", "Lò Thị Mai")
    data = steps.registration("VN-LC", steps.a_commune(labour, "VN-LC"), fullName=f" {decomposed} ")
    worker = labour.data(steps.REGISTER, {"input": data})["registerWorker"]["worker"]["id"]
    name = labour.data("query($id: ID!) { node(id: $id) { ... on Worker { fullName } } }", {"id": worker})
    assert name["node"]["fullName"] == unicodedata.normalize("NFC", "Lò Thị Mai")


def _agreement(party: str, valid_from: str) -> dict:
    code = f"AGR-UNIT-T{next(steps._serial)}"
    return {
        "code": code,
        "title": "Thỏa thuận thử nghiệm",
        "vietnamesePartyCode": party,
        "chinesePartyCode": "CN-YN-HH-HK",
        "signedOn": valid_from,
        "validFrom": valid_from,
        "borderGateCodes": ["GATE-LAOCAI-HEKOU"],
    }


@pytest.mark.parametrize(
    ("party", "valid_from", "refused"),
    [
        ("VN-LC", steps.today().isoformat(), True),  # the old province, closed on 30 June 2025
        ("VN-LC", "2024-01-10", False),  # ...in force on an earlier agreement's first day
        ("VN-LC-2025", steps.today().isoformat(), False),  # its successor, in force today
    ],
)
def test_an_agreement_binds_only_units_in_force_on_its_first_day(
    as_office, party: str, valid_from: str, refused: bool
) -> None:
    answer = as_office("lc-home-affairs").data(
        steps.CREATE_AGREEMENT, {"input": _agreement(party, valid_from)}
    )
    created = answer["createAgreement"]
    assert _codes(created) == ({("vietnamesePartyCode", "UNIT_NOT_CURRENT")} if refused else set())
