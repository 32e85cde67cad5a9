"""Vietnamese and Chinese everywhere a person reads.

The messages are found where they are written (Babel's extractor over the packages, the schema's
descriptions, the enum values: `tools.catalogue.all_messages`), so a message anyone adds fails here
until `python -m tools.catalogue` has put it in the catalogues and someone has translated it.
"""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.pofile import read_po

from locales import LANGUAGES, po_path
from schema.descriptions import every_description
from tests import plain_http
from tools.catalogue import all_messages, context_labels

pytestmark = pytest.mark.engine_independent(
    "the catalogues and the words of answers refused before any statement"
)

TRANSLATED = LANGUAGES[1:]


@pytest.fixture(scope="module")
def messages() -> dict[str, list[str]]:
    return all_messages()


def _catalogue(language: str):
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_label_and_description_has_a_translation(messages, language):
    catalogue = _catalogue(language)
    missing = [
        f"{m!r} ({messages[m][0]})" for m in messages if not (catalogue.get(m) and catalogue.get(m).string)
    ]
    assert not missing, f"run `python -m tools.catalogue` and translate into {language}:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_enum_value_with_words_of_its_own_has_them(language):
    catalogue = _catalogue(language)
    missing = [
        (c, m)
        for c, m in context_labels()
        if not (catalogue.get(m, context=c) and catalogue.get(m, context=c).string)
    ]
    assert context_labels() and not missing


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_of_their_message(language):
    wrong = [
        entry.id
        for entry in _catalogue(language)
        if entry.id and entry.string and _placeholders(entry.id) != _placeholders(entry.string)
    ]
    assert not wrong


def test_no_field_is_described_only_by_its_policy_mark():
    bare = [
        where
        for where, text in every_description()
        if re.fullmatch(r"\((?:Policy|Write duty): [^)]+\)|(?:Policy|Write duty): \S+", text)
    ]
    assert not bare


REGISTER = """mutation { registerWorker(input: {fullName: "Lò Thị Mai", dateOfBirth: "1999-02-03", sex: FEMALE,
  ethnicity: "Giáy", nationalIdNumber: "12ab", homeCommuneCode: "nowhere"}) { errors { field code message } } }"""


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("vi-VN,vi;q=0.9,en;q=0.5", "phải gồm 12 chữ số"),
        ("zh-CN", "必须为 12 位数字"),
        ("en", "must be 12 digits"),
        (None, "must be 12 digits"),
        ("fr", "must be 12 digits"),
    ],
)
def test_validation_errors_come_in_the_language_the_reader_accepts(as_office, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    body = as_office("lc-home-affairs", "worker-registration").query(REGISTER, headers=headers)
    errors = {e["field"]: e["message"] for e in body["data"]["registerWorker"]["errors"]}
    assert errors["nationalIdNumber"] == expected


def test_http_errors_come_in_the_readers_language(live_server):

    answer = plain_http.post(
        f"{live_server.url}/graphql", json={"query": "{ me { code } }"}, headers={"Accept-Language": "vi"}
    )
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["message"] == "cần xác thực: hãy gửi Authorization: Bearer <token>"


def test_enum_labels_come_in_english_vietnamese_and_chinese(as_office):
    labels = as_office("cn-hekou").data('{ labels(enum: "WorkerStatus") { value en vi zh } }')["labels"]
    assert {
        "value": "DEPLOYED",
        "en": "deployed",
        "vi": "đang làm việc ở nước ngoài",
        "zh": "已派出",
    } in labels
    assert [label["value"] for label in labels] == [
        "REGISTERED",
        "CLEARED",
        "DEPLOYED",
        "RETURNED",
        "SUSPENDED",
        "ABSCONDED",
    ]
    missing = as_office("cn-hekou").query('{ labels(enum: "Nothing") { value } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("language", "meaning", "mark"),
    [
        ("vi", '"""Người lao động trong phạm vi quản lý của bạn."""', "(Quy định truy cập: Worker.fullName)"),
        ("zh", '"""您管辖范围内的务工人员。"""', "(访问策略：Worker.fullName)"),
    ],
)
def test_schema_export_describes_the_offices_schema_in_the_language_asked(database, language, meaning, mark):
    from tests.conftest import run_cli

    sdl = run_cli(database, "schema", "export", "--office", "cn-hekou", "--lang", language).stdout
    assert meaning in sdl and mark in sdl
    assert "Policy:" not in sdl and "Write duty:" not in sdl


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("vi", "Không thể truy vấn trường 'ethnicity' trên kiểu 'Worker'."),
        ("zh", "无法在类型 'Worker' 上查询字段 'ethnicity'。"),
        ("en", "Cannot query field 'ethnicity' on type 'Worker'."),
    ],
)
def test_graphql_validation_errors_come_in_the_readers_language(as_office, accept, expected):
    body = as_office("cn-hekou").query(
        "{ workers(first: 1) { nodes { ethnicity } } }", headers={"Accept-Language": accept}
    )
    assert body["errors"][0]["message"] == expected


# Documents an office plausibly gets wrong, each refused by graphql-core (or strawberry) before anything
# runs: every message about them has a template in locales/graphql.py. (tests/test_reader_language.py
# sends the ones the audit found over HTTP.) A variable's value is refused by the execution's
# coercion, before any resolver.
FILTERED = "query($f: WorkerFilter) { workers(first: 1, filter: $f) { totalCount } }"
WRONG_DOCUMENTS = {
    "an unknown fragment": ("{ me { ...Nope } }", None),
    "a fragment defined twice": ("{ me { ...A } } fragment A on Me { code } fragment A on Me { name }", None),
    "a fragment of a type the field never is": ("{ me { ... on Worker { id } } }", None),
    "a named fragment of a type the field never is": ("{ me { ...W } } fragment W on Worker { id }", None),
    "a fragment on a scalar": ("{ me { ...S } } fragment S on String { x }", None),
    "a fragment spreading itself": ("{ me { ...A } } fragment A on Me { code ...A }", None),
    "a directive where it may not stand": ("query @include(if: true) { me { code } }", None),
    "a directive twice on a field": ("{ me @include(if: true) @include(if: true) { code } }", None),
    "an unknown argument of a directive": ("{ me @include(if: true, iff: true) { code } }", None),
    "an argument given twice": ("{ workers(first: 1, first: 2) { totalCount } }", None),
    "an input field given twice": (
        "{ workers(first: 1, filter: {status: [DEPLOYED], status: [DEPLOYED]}) { totalCount } }",
        None,
    ),
    "a variable unused in a named operation": ("query Q($x: Int) { me { code } }", None),
    "a variable the named operation does not define": ("query Q { workers(first: $n) { totalCount } }", None),
    "a variable of an output type": ("query($x: Me) { me { code } }", None),
    "two fields under one name": ("{ me { code: name code } }", None),
    "one field twice with other arguments": (
        "{ workers(first: 1) { totalCount } workers(first: 2) { totalCount } }",
        None,
    ),
    "an unknown field of an input": ("{ workers(first: 1, filter: {nope: 1}) { totalCount } }", None),
    "a number for an input": ("{ workers(first: 1, filter: 3) { totalCount } }", None),
    "an empty selection": ("{ me { } }", None),
    "an unexpected character": ("{ me { code } } ?", None),
    "a single quote": ("{ agreementReport(agreementId: 'x', year: 2024) { year } }", None),
    "two dots": ("{ me { ..A } }", None),
    "a number starting with 0": ("{ workers(first: 01) { totalCount } }", None),
    "a number followed by a letter": ("{ workers(first: 1x) { totalCount } }", None),
    "a number starting with a dot": ("{ workers(first: .5) { totalCount } }", None),
    "an unknown escape": ('{ agreementReport(agreementId: "a\\q", year: 2024) { year } }', None),
    "a short unicode escape": ('{ agreementReport(agreementId: "a\\u12", year: 2024) { year } }', None),
    "a variable in a default value": ("query($x: Int = $y) { workers(first: $x) { totalCount } }", None),
    "a description on a shorthand query": ('"what" { me { code } }', None),
    "a document nested too deeply": ("{" + "me {" * 3000, None),
    "a variable's unknown input field": (FILTERED, {"f": {"nope": 1}}),
    "a variable's number for an input": (FILTERED, {"f": 3}),
    "a variable's unknown enum value": (FILTERED, {"f": {"status": ["NOPE"]}}),
    "a variable's wrong date": (FILTERED, {"f": {"bornAfter": "x"}}),
    "a variable's number for a date": (FILTERED, {"f": {"bornAfter": 3}}),
}
# Token kinds, scalar types and Unicode are names in graphql-core's messages, and stay as they are.
NAMES = {"name", "eof", "int", "float", "string", "boolean", "date", "unicode"}


def _refusals(query: str, variables: dict | None) -> list[str]:
    import asyncio
    from unittest.mock import MagicMock

    from graphql import GraphQLError

    from schema.builder import OfficeSchema
    from schema.context import RequestContext
    from tests.policy_expectations import grant

    schema = OfficeSchema(grant("lc-home-affairs"))
    try:
        prepared = schema.operations.prepare(query, None)
    except GraphQLError as error:
        return [error.message]
    errors = list(prepared.errors) + list(prepared.validated.limit_errors if prepared.validated else ())
    if not errors:
        context = RequestContext(grant=schema.grant, session=MagicMock(), request_id="r")
        run = schema.execute(query, variable_values=variables, context_value=context)
        errors = list(asyncio.run(run).errors or [])
    schema.process_errors(errors)
    return [error.message for error in errors]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("wrong", list(WRONG_DOCUMENTS))
def test_graphql_cores_refusal_of_a_wrong_document_has_no_english_left(wrong, language):
    from locales.graphql import translate_graphql

    refusals = _refusals(*WRONG_DOCUMENTS[wrong])
    assert refusals
    for english in refusals:
        said = translate_graphql(english, language).lower()
        words = set(
            re.findall(r"[a-z]{3,}", re.sub(r"'[^']*'|\"[^\"]*\"|\{[^}]*\}|\.\w+", "", english.lower()))
        )
        left = {w for w in words - NAMES if re.search(rf"\b{w}\b", said)}
        assert not left, f"{english!r} -> {said!r} still says {left}"
