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
