"""Every word a reader sees in Vietnamese and Chinese, including what used to stay English: the
identity-number rules, enum values inside sentences, graphql-core's syntax, validation and coercion
errors and the schema's limits on a document, a missing record's type, and money, written as the
reader's locale writes it (Babel).

Expected wordings are the glossary's terms (locales/GLOSSARY.md) and the catalogues' sentences.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from locales import Money, render

REGISTER = """mutation { registerWorker(input: {fullName: "Lò Thị Mai", dateOfBirth: "1999-02-03", sex: FEMALE,
  ethnicity: "Giáy", nationalIdNumber: "012345678901", homeCommuneCode: "nowhere",
  borderPassNumber: "ab", phone: "12"}) { errors { field code message } } }"""
LABELS = "query($enum: String!) { labels(enum: $enum) { value vi zh } }"
CANCEL = """mutation($id: ID!) { cancelPlacement(input: {placementId: $id, reason: "test"}) {
  errors { field code message } } }"""


def _in(as_office, office: str, purpose: str, query: str, language: str, variables=None) -> dict:
    return as_office(office, purpose).query(query, variables, headers={"Accept-Language": language})


@pytest.mark.parametrize(
    ("language", "border_pass", "phone"),
    [
        ("vi", "phải gồm 6-12 chữ cái hoặc chữ số", "phải gồm 9-12 chữ số"),
        ("zh", "必须为 6-12 位字母或数字", "必须为 9-12 位数字"),
    ],
)
def test_identity_number_rules_are_in_the_readers_language(as_office, language, border_pass, phone):
    body = _in(as_office, "lc-home-affairs", "worker-registration", REGISTER, language)
    errors = {e["field"]: e["message"] for e in body["data"]["registerWorker"]["errors"]}
    assert errors["borderPassNumber"] == border_pass and errors["phone"] == phone


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", "đợt làm việc đang ở trạng thái đang thực hiện, không phải dự kiến"),
        ("zh", "务工安置状态为 进行中，不是计划中"),
    ],
)
def test_a_placements_status_inside_a_sentence_is_its_label(as_office, language, expected):
    office = as_office("lc-home-affairs")
    active = office.data("{ placements(first: 1, filter: {status: [ACTIVE]}) { nodes { id } } }")
    placement = active["placements"]["nodes"][0]["id"]
    body = _in(as_office, "lc-home-affairs", "default", CANCEL, language, {"id": placement})
    [error] = body["data"]["cancelPlacement"]["errors"]
    assert error["code"] == "INVALID_STATE" and error["message"] == expected


@pytest.mark.parametrize(
    ("language", "active_placement", "agreement_in_force"),
    [("vi", "đang thực hiện", "còn hiệu lực"), ("zh", "进行中", "有效")],
)
def test_placement_and_agreement_labels_say_different_things(
    as_office, language, active_placement, agreement_in_force
):
    def active(enum: str) -> str:
        labels = as_office("cn-hekou").data(LABELS, {"enum": enum})["labels"]
        return next(label[language] for label in labels if label["value"] == "ACTIVE")

    assert active("PlacementStatus") == active_placement
    assert active("AgreementStatus") == agreement_in_force


@pytest.mark.parametrize(
    ("language", "syntax", "coercion", "unknown_field"),
    [
        (
            "vi",
            "Lỗi cú pháp: Cần Name, nhưng gặp <EOF>.",
            "Biến '$year' có giá trị không hợp lệ: Int không biểu diễn được giá trị không phải số nguyên: 'x'",
            "Không thể truy vấn trường 'agreementz' trên kiểu 'Query'.",
        ),
        (
            "zh",
            "语法错误：应为 Name，实际为 <EOF>。",
            "变量 '$year' 的值无效：Int 不能表示非整数值：'x'",
            "无法在类型 'Query' 上查询字段 'agreementz'。",
        ),
    ],
)
def test_graphql_syntax_and_coercion_errors_are_in_the_readers_language(
    as_office, language, syntax, coercion, unknown_field
):
    client = as_office("cn-hekou", "statistics")
    broken = client.post({"query": "{ agreements { code"}, {"Accept-Language": language})
    assert broken.status_code == 400 and broken.json()["errors"][0]["message"] == syntax
    typed = "query($id: ID!, $year: Int!) { agreementReport(agreementId: $id, year: $year) { year } }"
    body = client.query(typed, {"id": "x", "year": "x"}, headers={"Accept-Language": language})
    assert body["errors"][0]["message"] == coercion
    misspelt = client.query("{ agreementz { code } }", headers={"Accept-Language": language})
    assert misspelt["errors"][0]["message"] == unknown_field


# Documents an office can get wrong, each refused with one message; what the message must say in each
# language (the glossary's term, the names and numbers as given), as (vi, zh).
NESTED = "placements { employer { placements(first: 1) { worker { %s } } } }"
DEPTH_13 = "{ workers(first: 1) { nodes { %s } } }" % (
    NESTED % NESTED % "placements { employer { placements(first: 1) { job } } }"
)
WRONG_DOCUMENTS = {
    "40 aliases": (
        "{ " + " ".join(f"a{i}: me {{ code }}" for i in range(40)) + " }",
        None,
        (["bí danh", "40", "30"], ["别名", "40", "30"]),
    ),
    "more than 3,000 tokens": (
        "{ " + "me { code } " * 800 + "}",
        None,
        (["từ tố", "3000"], ["词法单元", "3000"]),
    ),
    "depth 13": (DEPTH_13, None, (["12"], ["12"])),
    "a fragment cycle": (
        "{ me { ...A } } fragment A on Me { ...B } fragment B on Me { ...A }",
        None,
        (["phân đoạn 'A'", "'B'"], ["片段 'A'", "'B'"]),
    ),
    "an unused fragment": (
        "{ me { code } } fragment A on Me { code }",
        None,
        (["phân đoạn 'A'"], ["片段 'A'"]),
    ),
    "an unknown directive": ("{ me @foo { code } }", None, (["chỉ thị '@foo'"], ["指令 '@foo'"])),
    "a variable declared twice": (
        'query($a: Int, $a: Int) { labels(enum: "Sex") { value } }',
        None,
        (["biến tên '$a'"], ["名为 '$a' 的变量"]),
    ),
    "a missing required variable": (
        "query($n: Int!) { workers(first: $n) { totalCount } }",
        {},
        (["Biến '$n'", "'Int!'"], ["变量 '$n'", "'Int!'"]),
    ),
    "an unterminated string": (
        '{ labels(enum: "Sex) { value } }',
        None,
        (["Lỗi cú pháp", "Chuỗi ký tự"], ["语法错误", "字符串"]),
    ),
}


def _english_words(message: str) -> set[str]:
    """The words of graphql-core's sentence, without the names and numbers it quotes."""
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"'[^']*'", "", message))}


@pytest.mark.parametrize("language", ["vi", "zh"])
@pytest.mark.parametrize("wrong", list(WRONG_DOCUMENTS))
def test_a_wrong_document_is_refused_wholly_in_the_readers_language(as_office, wrong, language):
    query, variables, musts = WRONG_DOCUMENTS[wrong]
    client = as_office("lc-home-affairs")
    body = {"query": query, "variables": variables} if variables is not None else {"query": query}
    english = client.post(body, {"Accept-Language": "en"})
    answer = client.post(body, {"Accept-Language": language})
    assert answer.status_code == english.status_code
    errors_en, errors = english.json()["errors"], answer.json()["errors"]
    assert len(errors) == len(errors_en)
    messages = [error.pop("message") for error in errors]
    for message, error_en in zip(messages, errors_en, strict=True):
        left = {w for w in _english_words(error_en.pop("message")) if re.search(rf"\b{w}\b", message.lower())}
        assert not left, f"{message!r} still says {left}"
    said = " ".join(messages).lower()
    assert all(must.lower() in said for must in musts[["vi", "zh"].index(language)]), messages
    assert errors == errors_en  # the code, locations and path as they were


@pytest.mark.parametrize(
    ("language", "expected"), [("vi", "không có thỏa thuận nào có ID này"), ("zh", "没有此 ID 的 协议")]
)
def test_a_missing_record_is_named_in_the_readers_language(as_office, language, expected):
    query = '{ agreementReport(agreementId: "AGR-NOWHERE", year: 2024) { year } }'
    body = _in(as_office, "cn-hekou", "statistics", query, language)
    assert body["errors"][0]["message"] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", "phải ít nhất bằng mức tối thiểu 2.000,00\xa0CN¥ của thỏa thuận"),
        ("zh", "不得低于协议规定的最低标准 ¥2,000.00"),
        ("en", "must be at least the agreement's minimum of CN¥2,000.00"),
    ],
)
def test_money_in_a_message_is_written_as_the_readers_locale_writes_it(language, expected):
    template = "must be at least the agreement's minimum of {minimum}"
    assert render(template, language, minimum=Money(Decimal("2000.00"))) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("vi_VN.UTF-8", "borderlabour: lỗi: không có mã truy cập có id 999999"),
        ("zh_CN.UTF-8", "borderlabour：错误：没有 ID 为 999999 的令牌"),
        ("C.UTF-8", "borderlabour: error: no token with id 999999"),
    ],
)
def test_the_command_lines_errors_follow_the_terminals_locale(database, locale, expected):
    from tests.conftest import run_cli

    result = run_cli(database, "token", "revoke", "999999", check=False, LC_ALL=locale)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("vi", "lỗi nội bộ; hãy báo mã yêu cầu "),
        ("zh", "内部错误"),
        ("en", "internal error; quote request id "),
    ],
)
def test_an_error_no_route_answered_is_told_in_the_readers_language(language, start):
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from web.app import app_middleware

    async def crash(request):
        raise RuntimeError("a bug outside any answering route")

    app = Starlette(routes=[Route("/crash", crash)], middleware=app_middleware())
    with TestClient(app, raise_server_exceptions=True) as client:
        answer = client.get("/crash", headers={"Accept-Language": language})
    assert answer.status_code == 500
    error = answer.json()["errors"][0]
    assert error["message"].startswith(start) and error["extensions"]["requestId"] in error["message"]
