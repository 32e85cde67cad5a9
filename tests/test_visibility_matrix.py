"""Every office x every field, over real HTTP: visible if and only if the policy says so.

The expectation comes from tests/expected_access.csv, a table kept as data and reviewed against
DOMAIN.md; the observation from the running server's introspection and from querying the field on a
real row. The access-control code under test computes neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schema.builder import policy_catalogue
from tests.policy_expectations import IN_FORCE, OFFICES, ROLE_OF, expected_row, expected_visible

INTROSPECTION = "{ __schema { types { name kind fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } } }"

# How to reach one row of each type from the root, as (prefix, suffix) around the field.
PATHS = {
    "Worker": ("{ workers(first: 3) { nodes { ", " } } }"),
    "Employer": ("{ employers(first: 3) { nodes { ", " } } }"),
    "Placement": ("{ placements(first: 3) { nodes { ", " } } }"),
    "WageArrears": ("{ placements(first: 3) { nodes { wageArrears { ", " } } } }"),
    "Crossing": ("{ crossings(first: 3) { nodes { ", " } } }"),
    "Incident": ("{ incidents(first: 3) { nodes { ", " } } }"),
    "Agreement": ("{ agreements { ", " } }"),
    "BorderGate": ("{ borderGates { ", " } }"),
    "TalksMinutes": ("{ agreements { talksMinutes { ", " } } }"),
    "HealthCheck": ("{ workers(first: 20) { nodes { healthChecks { ", " } } } }"),
    "PoliceClearance": ("{ workers(first: 20) { nodes { policeClearances { ", " } } } }"),
    "Statistics": ("{ statistics { ", " } }"),
}


def _is_object(field_type: dict) -> bool:
    kind = field_type
    while kind["kind"] in ("NON_NULL", "LIST"):
        kind = kind["ofType"]
    return kind["kind"] in ("OBJECT", "INTERFACE")


@pytest.fixture(scope="module")
def schemas(as_office) -> dict[str, dict[str, dict]]:
    found = {}
    for code in IN_FORCE:
        types = as_office(code).data(INTROSPECTION)["__schema"]["types"]
        found[code] = {t["name"]: {f["name"]: f for f in (t["fields"] or [])} for t in types}
    return found


def test_the_expected_table_decides_every_field_and_office() -> None:
    """A new field or office fails here until someone decides, in the table, who gets it."""
    undecided = [r for r in sorted(policy_catalogue()) if expected_row(r) is None]
    assert not undecided, "not in tests/expected_access.csv: " + ", ".join(undecided)
    assert sorted(ROLE_OF) == sorted(OFFICES)


@pytest.mark.parametrize("office", IN_FORCE)
def test_introspection_shows_exactly_the_fields_the_policy_allows(office: str, schemas) -> None:
    observed = schemas[office]
    wrong = []
    for resource in sorted(policy_catalogue()):
        type_name, field = resource.split(".")
        present = field in observed.get(type_name, {})
        if present != expected_visible(office, resource):
            wrong.append(f"{resource}: {'shown' if present else 'hidden'}")
    assert not wrong, f"{office}: " + ", ".join(wrong)


@pytest.mark.parametrize("office", IN_FORCE)
def test_each_field_answers_if_visible_and_fails_as_unknown_if_hidden(
    office: str, as_office, schemas
) -> None:
    """One document asks for a type's visible fields on real rows, another for its hidden ones:
    the first answers with no error (an error names the field in its path), the second fails with
    exactly one "Cannot query field" per hidden field, as GraphQL's validation reports each apart."""
    client = as_office(office)
    problems = []
    by_type: dict[str, list[str]] = {}
    for resource in sorted(policy_catalogue()):
        type_name, field = resource.split(".")
        by_type.setdefault(type_name, []).append(field)
    for type_name, fields in by_type.items():
        prefix, suffix = PATHS[type_name]
        if client.query(prefix + "__typename" + suffix).get("errors"):
            continue  # no path to the type for this office; the introspection test covers its fields
        visible = [f for f in fields if expected_visible(office, f"{type_name}.{f}")]
        hidden = [f for f in fields if f not in visible]
        if visible:
            observed = schemas[office].get(type_name, {})
            selections = [
                f"{f} {{ __typename }}" if f in observed and _is_object(observed[f]["type"]) else f
                for f in visible
            ]
            body = client.query(prefix + " ".join(selections) + suffix)
            problems.extend(
                f"{type_name} visible but failed: {e.get('path')}: {e['message']}"
                for e in body.get("errors", [])
            )
        if hidden:
            body = client.query(prefix + " ".join(hidden) + suffix)
            messages = sorted(e["message"] for e in body.get("errors", []))
            unknown = sorted(f"Cannot query field '{f}' on type '{type_name}'." for f in hidden)
            if messages != unknown:
                problems.append(f"{type_name} hidden {hidden} answered {messages or body.get('data')}")
    assert not problems, f"{office}: " + "; ".join(problems)


def _answer_without(client, document: str, name: str) -> tuple[int, str]:
    """The whole HTTP answer with the field's name blanked out, to compare two answers byte for byte."""
    response = client.post({"query": document})
    return response.status_code, response.text.replace(name, "<field>")


@pytest.mark.parametrize("office", IN_FORCE)
def test_a_hidden_field_and_a_nonexistent_field_fail_the_same_way(office: str, as_office, schemas) -> None:
    """Every field the office may not read (per tests/expected_access.csv) of a type it does see gets,
    when asked for, the very answer a field that never existed gets, save the name itself."""
    client = as_office(office)
    compared = 0
    for resource in sorted(policy_catalogue()):
        type_name, field = resource.split(".")
        if expected_visible(office, resource) or type_name not in schemas[office]:
            continue
        prefix, suffix = PATHS[type_name]
        hidden = _answer_without(client, f"{prefix}__typename {field}{suffix}", field)
        assert hidden == _answer_without(client, f"{prefix}__typename neverAField{suffix}", "neverAField"), (
            resource
        )
        compared += 1
    if "Worker" not in schemas[office]:
        # An office that sees no worker: the `workers` root field itself is what is hidden.
        assert _answer_without(client, "{ workers { nodes { id } } }", "workers") == _answer_without(
            client, "{ wrkrs { nodes { id } } }", "wrkrs"
        )
        compared += 1
    assert compared, f"{office} has no hidden field to compare"


def _expected_procedure_fields() -> dict[str, set[str]]:
    path = Path(__file__).parent / "expected_procedure_fields.csv"
    expected = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            field, offices = (part.strip() for part in line.split(";"))
            expected[field] = set(offices.split())
    return expected


@pytest.mark.parametrize("resource", sorted(_expected_procedure_fields()))
def test_the_procedures_fields_are_shown_to_exactly_the_offices_reviewed(resource: str, schemas) -> None:
    type_name, field = resource.split(".")
    shown = {office for office in IN_FORCE if field in schemas[office].get(type_name, {})}
    assert shown == _expected_procedure_fields()[resource] & set(IN_FORCE)
