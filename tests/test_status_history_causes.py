"""A status change's cause is shown only to offices that may read the record that caused it (issue 17,
item 8): `CLEARED -> REGISTERED, cause recordPoliceClearance` tells that a clearance came back NOT_CLEAR.

The police may read clearances (policies/visibility.csv, vn-police: PoliceClearance.*); a health
department may not, so it sees the change with no cause. Both read engines answer alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import procedure_steps as steps
from tests.conftest import AsOffice, Database, Server, office_clients

HISTORY = (
    """query($id: ID!) { node(id: $id) { ... on Worker { status statusHistory { from status cause } } } }"""
)


@pytest.fixture(scope="module")
def reference_offices(
    database: Database, demo_tokens: dict[str, str], tmp_path_factory
) -> Iterator[AsOffice]:
    server = Server(
        database,
        demo_tokens,
        tmp_path_factory.mktemp("reference") / "server.log",
        BORDERLABOUR_ENGINE="reference",
    )
    try:
        yield office_clients(server)
    finally:
        server.stop()


@pytest.mark.parametrize("engine", ["compiled", "reference"])
def test_a_negative_clearance_is_a_cause_only_for_offices_that_read_clearances(
    as_office, request, engine: str
) -> None:
    reader = as_office if engine == "compiled" else request.getfixturevalue("reference_offices")
    worker = steps.ready(as_office)
    recorded = as_office("lc-police").data(
        steps.CLEARANCE, {"input": {"workerId": worker, "issuedOn": steps.days_ago(1), "result": "NOT_CLEAR"}}
    )
    assert recorded["recordPoliceClearance"]["errors"] == []

    police = reader("lc-police").data(HISTORY, {"id": worker})["node"]
    assert police["status"] == "REGISTERED"
    assert police["statusHistory"][-1] == {
        "from": "CLEARED",
        "status": "REGISTERED",
        "cause": "recordPoliceClearance",
    }

    health = reader("lc-health").data(HISTORY, {"id": worker})["node"]
    assert health["statusHistory"][-1] == {"from": "CLEARED", "status": "REGISTERED", "cause": None}
    assert "recordPoliceClearance" not in [change["cause"] for change in health["statusHistory"]]
    # the health department's own record still names its cause
    assert "recordHealthCheck" in [change["cause"] for change in health["statusHistory"]]
