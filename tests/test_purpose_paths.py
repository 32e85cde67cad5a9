"""The purpose of use is checked wherever personal data is reached, on every path the office's own
schema offers: generated from each office's schema, tried over real HTTP.

Expectations come from the issue: a selection that can return a personal type (Worker, Placement,
Crossing, HealthCheck, PoliceClearance, Incident) by any path, or that filters or orders by a
personal field, answers 400 PURPOSE_REQUIRED without a purpose and 403 PURPOSE_REFUSED with one the
office may not state, with no data either way. (What such a read may reach without a purpose,
and the purposes the ledger stores: `tests/test_purpose_reads.py`.)
"""

from __future__ import annotations

from functools import cache

import pytest
from graphql import get_named_type

from schema.builder import OfficeSchema
from tests.operation_paths import PERSONAL, document, personal_filters, personal_paths, sample_value
from tests.policy_expectations import ALL_PURPOSES, IN_FORCE, grant

pytestmark = pytest.mark.engine_independent(
    "the door refuses from the prepared operation before the registry runs it (web/app.py): "
    "no statement of the operation runs; what a purpose-less read reaches and what the ledger "
    "stores run on both engines in tests/test_purpose_reads.py"
)

SHAPES = ("plain", "fragment", "inline")


@cache
def _schema(code: str):
    return OfficeSchema(grant(code))._schema


def _refused_purposes(code: str) -> list[str]:
    """A purpose with a forged suffix, and a well-formed one only other offices may state."""
    others = [p for p in ALL_PURPOSES if p not in grant(code).purposes]
    return ["security-clearance FORGED", *others[:1]]


def _assert_refused(client, body: dict, purpose: str | None) -> None:
    headers = {"X-Purpose": purpose} if purpose else {}
    response = client.post(body, headers=headers)
    expected = (403, "PURPOSE_REFUSED") if purpose else (400, "PURPOSE_REQUIRED")
    got = response.json()
    assert (response.status_code, got["errors"][0]["extensions"]["code"]) == expected, body["query"]
    assert "data" not in got, body["query"]


@pytest.mark.parametrize("office", IN_FORCE)
def test_every_path_to_a_personal_type_needs_a_permitted_purpose(office: str, as_office) -> None:
    schema = _schema(office)
    paths = list(personal_paths(schema))
    if any(grant(office).sees_type(t) for t in PERSONAL):
        assert paths, "an office that sees personal types must have paths to them"
    client = as_office(office, purpose=None)
    refused = _refused_purposes(office)
    for path in paths:
        for n, shape in enumerate(SHAPES):
            body = {"query": document(schema, path, shape)}
            _assert_refused(client, body, None)
            _assert_refused(client, body, refused[n % len(refused)])


def _personal_lists(schema) -> list[str]:
    """Root lists whose edges hold a personal type."""
    found = []
    for name, field in schema.query_type.fields.items():
        edges = getattr(get_named_type(field.type), "fields", {}).get("edges")
        node = get_named_type(edges.type).fields["node"] if edges is not None else None
        if node is not None and get_named_type(node.type).name in PERSONAL:
            found.append(name)
    return found


@pytest.mark.parametrize("office", IN_FORCE)
def test_cursors_of_personal_rows_need_a_permitted_purpose(office: str, as_office) -> None:
    client = as_office(office, purpose=None)
    for root in _personal_lists(_schema(office)):
        for selection in ("edges { cursor }", "pageInfo { endCursor }"):
            query = f"{{ {root}(first: 1) {{ {selection} }} }}"
            _assert_refused(client, {"query": query}, None)
            _assert_refused(client, {"query": query}, _refused_purposes(office)[0])


@pytest.mark.parametrize("office", IN_FORCE)
def test_counting_under_a_personal_filter_or_ordering_needs_a_permitted_purpose(
    office: str, as_office
) -> None:
    schema = _schema(office)
    client = as_office(office, purpose=None)
    criteria = list(personal_filters(schema))
    if "workers" in schema.query_type.fields:
        assert criteria, "an office that lists workers can search them by a personal field"
    for root, argument, input_name in criteria:
        arg_type = schema.query_type.fields[root].args[argument].type
        value = {input_name: sample_value(arg_type.fields[input_name].type)}
        query = f"query($v: {arg_type}) {{ {root}(first: 0, {argument}: $v) {{ totalCount }} }}"
        _assert_refused(client, {"query": query, "variables": {"v": value}}, None)
        _assert_refused(client, {"query": query, "variables": {"v": value}}, _refused_purposes(office)[0])
