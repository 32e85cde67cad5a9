"""Every field of the schema has a policy decision, and every policy line names something real."""

from __future__ import annotations

import pytest
from casbin.util import key_match

from schema.builder import policy_catalogue, write_duties
from tests.policy_expectations import OFFICES, access

pytestmark = pytest.mark.engine_independent("the policy against the schema's fields; no database")


@pytest.mark.parametrize("resource", sorted(policy_catalogue()))
def test_every_schema_field_is_decided_by_some_policy_line(resource: str) -> None:
    assert access().rules_mentioning(resource), f"no policy line decides who may read {resource}"


def test_every_read_rule_names_a_real_field() -> None:
    catalogue = policy_catalogue()
    for sub, obj, act in access()._enforcer.get_policy():
        if act == "read":
            assert any(key_match(f, obj) for f in catalogue), f"rule p, {sub}, {obj}, {act} matches no field"


def test_every_write_rule_names_a_real_mutation() -> None:
    for sub, obj, act in access()._enforcer.get_policy():
        if act == "write":
            assert obj in write_duties(), f"rule p, {sub}, {obj}, {act} names no mutation"


def test_every_demo_office_has_a_role() -> None:
    assert sorted(access().known_subjects()) == sorted(OFFICES)
