"""Every office x every field, over real HTTP: visible if and only if the policy says so.

The expectation comes from the policy files (tests/policy_expectations.py); the observation from
the running server's introspection and from querying the field on a real row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schema.builder import policy_catalogue
from tests.policy_expectations import OFFICES, expected_visible

INTROSPECTION = "{ __schema { types { name kind fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } } }"

# How to reach one row of each type from the root, as (prefix, suffix) around the field.
PATHS = {
    "Worker": ("{ workers(first: 3) { nodes { ", " } } }"),
    "Employer": ("{ employers(first: 3) { nodes { ", " } } }"),
    "Placement": ("{ placements(first: 3) { nodes { ", " } } }"),
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
    for code in OFFICES:
        types = as_office(code).data(INTROSPECTION)["__schema"]["types"]
        found[code] = {t["name"]: {f["name"]: f for f in (t["fields"] or [])} for t in types}
    return found


@pytest.mark.parametrize("office", OFFICES)
def test_introspection_shows_exactly_the_fields_the_policy_allows(office: str, schemas) -> None:
    observed = schemas[office]
    wrong = []
    for resource in sorted(policy_catalogue()):
        type_name, field = resource.split(".")
        present = field in observed.get(type_name, {})
        if present != expected_visible(office, resource):
            wrong.append(f"{resource}: {'shown' if present else 'hidden'}")
    assert not wrong, f"{office}: " + ", ".join(wrong)


@pytest.mark.parametrize("office", OFFICES)
def test_each_field_answers_if_visible_and_fails_as_unknown_if_hidden(
    office: str, as_office, schemas
) -> None:
    client = as_office(office)
    problems = []
    reachable: dict[str, bool] = {}
    for resource in sorted(policy_catalogue()):
        type_name, field = resource.split(".")
        prefix, suffix = PATHS[type_name]
        if type_name not in reachable:
            reachable[type_name] = not client.query(prefix + "__typename" + suffix).get("errors")
        if not reachable[type_name]:
            continue  # no path to the type for this office; the introspection test covers its fields
        spec = schemas[office].get(type_name, {}).get(field)
        selection = f"{field} {{ __typename }}" if spec and _is_object(spec["type"]) else field
        body = client.query(prefix + selection + suffix)
        if expected_visible(office, resource):
            if body.get("errors"):
                problems.append(f"{resource} visible but failed: {body['errors'][0]['message']}")
        else:
            messages = [e["message"] for e in body.get("errors", [])]
            if messages != [f"Cannot query field '{field}' on type '{type_name}'."]:
                problems.append(f"{resource} hidden but answered {messages or body.get('data')}")
    assert not problems, f"{office}: " + "; ".join(problems)


@pytest.mark.parametrize("office", OFFICES)
def test_a_hidden_field_and_a_nonexistent_field_fail_the_same_way(office: str, as_office, schemas) -> None:
    client = as_office(office)
    nonsense = client.query("{ me { code nationalIdNumber } }")["errors"][0]["message"]
    assert nonsense == "Cannot query field 'nationalIdNumber' on type 'Me'."
    assert "Did you mean" not in nonsense
    if "Worker" in schemas[office]:
        typo = client.query("{ workers { nodes { fullNam } } }")["errors"][0]["message"]
        assert typo == "Cannot query field 'fullNam' on type 'Worker'."


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
    shown = {office for office in OFFICES if field in schemas[office].get(type_name, {})}
    assert shown == _expected_procedure_fields()[resource]
