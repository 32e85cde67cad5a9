"""Action items of the talks (issue 22 item 3), over HTTP: added and followed up by either focal
office and by Foreign Affairs (tests/expected_write_duties.csv), read with the minutes by every
office that reads them, and listed by the next year's report with their status, overdue ones
marked (due before today, neither done nor dropped).

Each test uses an agreement of its own, so what it lists is what it wrote.
"""

from __future__ import annotations

import datetime as dt

from tests import procedure_steps as steps

ADD_MINUTES = """mutation($input: AddTalksMinutesInput!) {
  addTalksMinutes(input: $input) { talksMinutes { id } errors { field code } } }"""
ADD = """mutation($input: AddActionItemInput!) {
  addActionItem(input: $input) { actionItem { id status ownerOffice { code } } errors { field code } } }"""
UPDATE = """mutation($input: UpdateActionItemInput!) {
  updateActionItem(input: $input) { actionItem { id status followUp dueOn } errors { field code } } }"""
MINUTES = """query { agreements { code talksMinutes { heldOn actionItems {
  textVi textZh ownerOffice { code } dueOn status followUp } } } }"""
REPORT = """query($a: ID!, $y: Int!) { agreementReport(agreementId: $a, year: $y) {
  actionItems { heldOn textVi ownerOffice dueOn status followUp overdue } } }"""
MUTATIONS = '{ __type(name: "Mutation") { fields { name } } }'


def _minutes(as_office, office: str, agreement: str, held_on: dt.date) -> str:
    data = {
        "agreementId": agreement,
        "heldOn": held_on.isoformat(),
        "vietnameseDelegation": "Sở Ngoại vụ, Sở Nội vụ tỉnh Lào Cai",
        "chineseDelegation": "河口县劳动力市场管理办公室",
        "summary": "Đánh giá kết quả năm và thống nhất các việc cần làm.",
    }
    answer = as_office(office).data(ADD_MINUTES, {"input": data})["addTalksMinutes"]
    assert answer["errors"] == [], answer
    return answer["talksMinutes"]["id"]


def _item(as_office, office: str, minutes: str, text: str, owner: str, due: dt.date) -> str:
    data = {
        "minutesId": minutes,
        "textVi": text,
        "textZh": f"{text}（中文）",
        "ownerOfficeCode": owner,
        "dueOn": due.isoformat(),
    }
    answer = as_office(office).data(ADD, {"input": data})["addActionItem"]
    assert answer["errors"] == [], answer
    assert answer["actionItem"]["status"] == "OPEN" and answer["actionItem"]["ownerOffice"]["code"] == owner
    return answer["actionItem"]["id"]


def test_foreign_affairs_and_both_focal_offices_keep_the_items_and_the_next_report_lists_them(
    as_office,
) -> None:
    code = steps.new_agreement(as_office)
    agreement, _ = steps.ids(as_office("lc-home-affairs"), code, "CN-YN-HH-HK")
    today = steps.today()
    last_year = dt.date(today.year - 1, 9, 20)
    minutes = _minutes(
        as_office, "lc-foreign-affairs", agreement, last_year
    )  # Foreign Affairs may add minutes
    done = _item(
        as_office, "lc-foreign-affairs", minutes, "Tập huấn trước khi đi", "lc-home-affairs", last_year
    )
    late = _item(
        as_office, "cn-hekou", minutes, "Đối chiếu danh sách", "cn-hekou", today - dt.timedelta(days=3)
    )
    ahead = _item(
        as_office,
        "lc-home-affairs",
        minutes,
        "Họp sơ kết",
        "lc-foreign-affairs",
        today + dt.timedelta(days=30),
    )
    this_year = _minutes(as_office, "lc-home-affairs", agreement, today)
    _item(as_office, "lc-home-affairs", this_year, "Việc của năm nay", "lc-home-affairs", today)

    follow = {"actionItemId": done, "status": "DONE", "followUp": "Đã tập huấn 40 người", "reason": "Họp quý"}
    updated = as_office("cn-hekou").data(UPDATE, {"input": follow})["updateActionItem"]
    assert updated["errors"] == [] and updated["actionItem"]["status"] == "DONE"
    started = {"actionItemId": late, "status": "IN_PROGRESS"}
    assert (
        as_office("lc-foreign-affairs").data(UPDATE, {"input": started})["updateActionItem"]["errors"] == []
    )

    report = as_office("cn-hekou", "statistics").data(REPORT, {"a": code, "y": today.year})["agreementReport"]
    assert [(i["textVi"], i["ownerOffice"], i["status"], i["overdue"]) for i in report["actionItems"]] == [
        ("Tập huấn trước khi đi", "lc-home-affairs", "DONE", False),
        ("Đối chiếu danh sách", "cn-hekou", "IN_PROGRESS", True),
        ("Họp sơ kết", "lc-foreign-affairs", "OPEN", False),
    ]
    assert report["actionItems"][0]["followUp"] == "Đã tập huấn 40 người"
    assert {i["heldOn"] for i in report["actionItems"]} == {last_year.isoformat()}
    assert ahead  # listed above, not overdue: due in 30 days

    # the minutes carry their items for every office that reads the minutes (here: the police)
    shown = as_office("lc-police").data(MINUTES)["agreements"]
    held = next(a for a in shown if a["code"] == code)["talksMinutes"]
    assert [len(m["actionItems"]) for m in held] == [3, 1]


def test_only_the_focal_offices_and_foreign_affairs_keep_items_and_only_within_their_agreements(
    as_office,
) -> None:
    has = {
        office: {"addActionItem", "updateActionItem"}
        <= {f["name"] for f in as_office(office).data(MUTATIONS)["__type"]["fields"]}
        for office in ("lc-home-affairs", "cn-hekou", "lc-foreign-affairs", "lc-police", "lc-customs")
    }
    assert has == {
        "lc-home-affairs": True,
        "cn-hekou": True,
        "lc-foreign-affairs": True,
        "lc-police": False,
        "lc-customs": False,
    }
    code = steps.new_agreement(as_office)
    agreement, _ = steps.ids(as_office("lc-home-affairs"), code, "CN-YN-HH-HK")
    minutes = _minutes(as_office, "lc-home-affairs", agreement, steps.today())
    item = _item(as_office, "lc-home-affairs", minutes, "Rà soát hợp đồng", "cn-hekou", steps.today())
    elsewhere = as_office("cn-wenshan").data(UPDATE, {"input": {"actionItemId": item, "status": "DONE"}})
    assert elsewhere["updateActionItem"] == {
        "actionItem": None,
        "errors": [{"field": "actionItemId", "code": "NOT_FOUND"}],
    }
    nowhere = as_office("cn-wenshan").data(
        ADD,
        {
            "input": {
                "minutesId": minutes,
                "textVi": "x",
                "textZh": "x",
                "ownerOfficeCode": "cn-wenshan",
                "dueOn": steps.today().isoformat(),
            }
        },
    )
    assert nowhere["addActionItem"]["errors"] == [{"field": "minutesId", "code": "NOT_FOUND"}]
