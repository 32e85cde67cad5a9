"""What a read without a purpose may reach, and the purposes the ledger keeps (issue: purpose of use).

Counts and reference data with no personal criteria answer without a purpose; a purpose the policy
does not allow (`policies/purposes.csv`) is never stored in the ledger, whether the read it came
with was refused or answered. The refusals themselves, on every path: `tests/test_purpose_paths.py`.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text

from settings import normalise_url
from tests.policy_expectations import ALL_PURPOSES
from tests.test_purpose_paths import _assert_refused


def test_counts_and_reference_data_without_personal_criteria_need_no_purpose(as_office) -> None:
    data = as_office("cn-hekou", purpose=None).data(
        "{ me { code } agreements { code } employers(first: 2) { totalCount nodes { nameZh } }"
        " workers(first: 0) { totalCount } }"
    )
    assert data["me"] == {"code": "cn-hekou"} and data["workers"]["totalCount"] > 0


def test_the_ledger_never_stores_a_purpose_the_policy_did_not_allow(database, as_office) -> None:
    reach = "{ employers(first: 3) { nodes { placements { worker { fullName passportNumber } } } } }"
    hekou = as_office("cn-hekou", purpose=None)
    _assert_refused(hekou, {"query": reach}, "security-clearance FORGED")
    as_office("cn-hekou", "security-clearance FORGED").query("{ agreements { code } }")
    engine = create_engine(normalise_url(database.url))
    try:
        with engine.connect() as conn:
            stored = {
                row.purpose: row.payload[:200]
                for row in conn.execute(text("SELECT purpose, payload FROM ledger_entries"))
            }
    finally:
        engine.dispose()
    assert set(stored) <= set(ALL_PURPOSES), {p: v for p, v in stored.items() if p not in ALL_PURPOSES}
