"""What each office is expected to see and write, for the tests.

`expected_visible` reads tests/expected_access.csv, a table reviewed against
DOMAIN.md: the tests compare the running server with it, never with the access-control code they
test. `access()` and `grant()` load the policy itself, for tests about the policy files.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from policies.access import AccessControl
from policies.grants import Grant, OfficeIdentity
from schema.builder import policy_catalogue, write_duties

OFFICES = [
    "hg-labour",
    "hg-home-affairs",
    "hg-police",
    "hg-border-guard",
    "hg-foreign-affairs",
    "hg-health",
    "hg-meo-vac",
    "lc-labour",
    "tq-home-affairs",
    "tq-police",
    "tq-border-guard",
    "tq-foreign-affairs",
    "tq-health",
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
# The offices closed by the 2025 reorganisation (DOMAIN.md, "Parties": labour passed to Home Affairs on
# 1 March 2025, Hà Giang's agencies and the district committees closed on 30 June 2025). They cannot
# authenticate: the tests over HTTP act as the offices in force today.
CLOSED = {
    "hg-labour",
    "lc-labour",
    "hg-home-affairs",
    "hg-police",
    "hg-border-guard",
    "hg-foreign-affairs",
    "hg-health",
    "hg-meo-vac",
}
IN_FORCE = [code for code in OFFICES if code not in CLOSED]
# Every purpose some office may state, as policies/purposes.csv lists them (`p, role, purpose, NAME`).
_PURPOSE_LINES = (Path(__file__).parent.parent / "policies" / "purposes.csv").read_text().splitlines()
ALL_PURPOSES = sorted({line.split(",")[3].strip() for line in _PURPOSE_LINES if line.startswith("p,")})


@cache
def access() -> AccessControl:
    return AccessControl(policy_catalogue(), write_duties())


@cache
def grant(code: str) -> Grant:
    return access().grant_for(OfficeIdentity(0, code, code, "", None))


EXPECTED_ACCESS = Path(__file__).with_name("expected_access.csv")

# Which role each demo office holds (DOMAIN.md, "Parties"): the columns of expected_access.csv.
ROLE_OF = {
    "hg-labour": "labour",
    "lc-labour": "labour",
    # From 1 March 2025 the provincial departments of Home Affairs took over labour, and from 1 July
    # 2025 Tuyên Quang's agencies those of Hà Giang (DOMAIN.md, "Parties").
    "hg-home-affairs": "labour",
    "tq-home-affairs": "labour",
    "lc-home-affairs": "labour",
    "hg-police": "police",
    "tq-police": "police",
    "lc-police": "police",
    "hg-border-guard": "border-guard",
    "tq-border-guard": "border-guard",
    "lc-border-guard": "border-guard",
    "lc-customs": "customs",
    "hg-health": "health",
    "tq-health": "health",
    "lc-health": "health",
    "hg-foreign-affairs": "foreign-affairs",
    "tq-foreign-affairs": "foreign-affairs",
    "lc-foreign-affairs": "foreign-affairs",
    "hg-meo-vac": "district",
    "lc-economic-zone": "economic-zone",
    "cn-wenshan": "cn-office",
    "cn-baise": "cn-office",
    "cn-napo": "cn-office",
    "cn-hekou": "cn-office",
    "admin": "admin",
}


@cache
def expected_table() -> dict[str, dict[str, str]]:
    """resource pattern (`Worker.fullName`, `Agreement.*`, `write registerWorker`) -> role -> R/W/-."""
    lines = [
        line for line in EXPECTED_ACCESS.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    rows = list(csv.DictReader(lines))
    return {row.pop("resource"): row for row in rows}


def expected_row(resource: str) -> dict[str, str] | None:
    table = expected_table()
    if resource in table:
        return table[resource]
    return table.get(resource.split(".", 1)[0] + ".*")


def expected_visible(code: str, resource: str) -> bool:
    row = expected_row(resource)
    assert row is not None, f"tests/expected_access.csv does not decide {resource}"
    return row[ROLE_OF[code]] == "R"
