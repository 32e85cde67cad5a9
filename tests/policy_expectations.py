"""What the policy says each office may see, computed from the policy files alone (for the tests)."""

from __future__ import annotations

from functools import cache

from policies.access import AccessControl
from policies.grants import Grant, OfficeIdentity
from schema.builder import _strawberry_classes, policy_catalogue, write_duties
from schema.fields import POLICY, REQUIRES

OFFICES = [
    "hg-labour",
    "hg-police",
    "hg-border-guard",
    "hg-foreign-affairs",
    "hg-health",
    "hg-meo-vac",
    "lc-labour",
    "tq-home-affairs",
    "lc-home-affairs",
    "lc-police",
    "lc-border-guard",
    "lc-customs",
    "lc-health",
    "lc-foreign-affairs",
    "lc-economic-zone",
    "cn-wenshan",
    "cn-baise",
    "cn-napo",
    "cn-hekou",
    "admin",
]


@cache
def access() -> AccessControl:
    return AccessControl(policy_catalogue(), write_duties())


@cache
def grant(code: str) -> Grant:
    return access().grant_for(OfficeIdentity(0, code, code, "", None))


@cache
def requirements() -> dict[str, tuple[str, ...]]:
    """resource -> the types a relation field also needs."""
    found: dict[str, tuple[str, ...]] = {}
    for cls in _strawberry_classes():
        definition = cls.__strawberry_definition__
        if definition.is_input:
            continue
        for field in definition.fields:
            if POLICY in field.metadata:
                found[field.metadata[POLICY]] = tuple(field.metadata.get(REQUIRES, ()))
    return found


def expected_visible(code: str, resource: str) -> bool:
    g = grant(code)
    return g.can_read(resource) and all(g.sees_type(t) for t in requirements()[resource])
