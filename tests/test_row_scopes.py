"""Rows outside an office's jurisdiction are invisible everywhere: lists, node, relations, counts, filters."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from settings import normalise_url
from tests.office_history import back_in_force
from tests.paging import all_nodes
from tests.partner_windows import WINDOW_FACTS, open_on
from tests.procedure_steps import today

PLACED = "id homeProvince { code } placements { employer { county { code } } }"


# Each province's labour duties today (the Home Affairs departments since 2025): their workers are
# those registered under the old province's units and under the merged province's.
@pytest.fixture(scope="module")
def lc_workers(as_office):
    return all_nodes(as_office("lc-home-affairs"), "workers", PLACED + " passportNumber borderPassNumber")


@pytest.fixture(scope="module")
def hg_workers(as_office):
    return all_nodes(as_office("tq-home-affairs"), "workers", PLACED + " homeDistrict { code }")


def test_each_provincial_labour_department_sees_only_its_own_province(hg_workers, lc_workers) -> None:
    assert hg_workers and lc_workers
    assert {w["homeProvince"]["code"] for w in hg_workers} <= {"VN-HG", "VN-TQ-2025"}
    assert {w["homeProvince"]["code"] for w in lc_workers} <= {"VN-LC", "VN-LC-2025"}
    assert not {w["id"] for w in hg_workers} & {w["id"] for w in lc_workers}


# The employer-unit scope as policies/scopes.csv and DOMAIN.md define it, in plain SQL over the
# tables: workers placed with an employer inside the office's unit, under an agreement whose Chinese
# party is the office's unit, a unit containing it or a unit inside it (jurisdictions nest).
EMPLOYER_UNIT_WORKERS = text(
    """
    SELECT DISTINCT p.worker_id FROM placements p
    JOIN employers e ON e.id = p.employer_id
    JOIN agreements a ON a.id = p.agreement_id
    JOIN offices o ON o.code = :office
    WHERE e.county_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = o.unit_id)
      AND (a.cn_unit_id = o.unit_id
           OR a.cn_unit_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = o.unit_id)
           OR a.cn_unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = o.unit_id))
    """
)


def _employer_unit_workers(database, office: str) -> set[int]:
    engine = create_engine(normalise_url(database.url))
    try:
        with engine.connect() as conn:
            return set(conn.scalars(EMPLOYER_UNIT_WORKERS, {"office": office}))
    finally:
        engine.dispose()


def test_hekou_sees_only_workers_placed_with_hekou_employers_and_not_all_of_them(database, as_office) -> None:
    """Within the employer-unit scope (plain SQL over the tables), and bounded by the windows: the
    demo has Hekou placements whose windows closed long ago."""
    hekou = all_nodes(as_office("cn-hekou"), "workers", "id")
    placed = _employer_unit_workers(database, "cn-hekou")
    set_keyring(Keyring.load(database.key_file))  # to read the row numbers in the global IDs
    seen = {decode_id(w["id"], "Worker")[1] for w in hekou}
    assert seen and seen < placed


def test_hekou_sees_exactly_the_workers_whose_hekou_placement_is_open_to_it(as_office) -> None:
    hekou = all_nodes(as_office("cn-hekou"), "workers", "id placements { employer { county { code } } }")
    facts = all_nodes(as_office("lc-home-affairs"), "workers", "id " + WINDOW_FACTS) + all_nodes(
        as_office("tq-home-affairs"), "workers", "id " + WINDOW_FACTS
    )
    # A cancelled placement's window counts from the cancellation, which no list shows: the workers
    # of other tests' cancellations are left out here (test_partner_window proves that rule).
    cancelled = {w["id"] for w in facts if any(p["status"] == "CANCELLED" for p in w["placements"])}
    facts = [w for w in facts if w["id"] not in cancelled]
    expected = {w["id"] for w in facts if open_on(w, "CN-YN-HH-HK", today())}
    ever_placed = {
        w["id"]
        for w in facts
        if any(p["employer"]["county"]["code"] == "CN-YN-HH-HK" for p in w["placements"])
    }
    assert hekou and {w["id"] for w in hekou} - cancelled == expected
    assert expected < ever_placed  # the demo has Hekou placements whose windows have closed
    for worker in hekou:
        # Placements elsewhere are not shown to Hekou, even for its own workers.
        assert {p["employer"]["county"]["code"] for p in worker["placements"]} == {"CN-YN-HH-HK"}


def test_napo_sees_a_strict_subset_of_what_baise_sees(as_office) -> None:
    napo = {w["id"] for w in all_nodes(as_office("cn-napo"), "workers", "id")}
    baise = {w["id"] for w in all_nodes(as_office("cn-baise"), "workers", "id")}
    assert napo and napo < baise


def test_a_district_saw_only_its_own_residents(as_office, hg_workers, database, live_server) -> None:
    with back_in_force(database, live_server, "hg-meo-vac"):  # the district committee closed in 2025
        meo_vac = all_nodes(as_office("hg-meo-vac"), "workers", "id homeDistrict { code }")
    assert meo_vac and {w["homeDistrict"]["code"] for w in meo_vac} == {"VN-HG-MEOVAC"}
    expected = {w["id"] for w in hg_workers if (w["homeDistrict"] or {}).get("code") == "VN-HG-MEOVAC"}
    assert {w["id"] for w in meo_vac} == expected


def test_total_count_counts_only_rows_in_scope(as_office, lc_workers) -> None:
    total = as_office("lc-home-affairs").data("{ workers(first: 1) { totalCount } }")["workers"]["totalCount"]
    assert total == len(lc_workers)
    hekou_total = as_office("cn-hekou").data("{ workers(first: 0) { totalCount } }")["workers"]["totalCount"]
    assert 0 < hekou_total < total


def test_node_returns_null_for_a_foreign_row_exactly_as_for_a_missing_one(as_office, lc_workers) -> None:
    foreign = lc_workers[0]["id"]
    labour = as_office("tq-home-affairs")
    assert labour.data("query($id: ID!) { node(id: $id) { id } }", {"id": foreign}) == {"node": None}
    assert labour.data('{ node(id: "AAAAAAAAAAAAAAAAAAAAAA") { id } }') == {"node": None}
    assert as_office("lc-home-affairs").data("query($id: ID!) { node(id: $id) { id } }", {"id": foreign}) == {
        "node": {"id": foreign}
    }


def test_the_registry_administrator_sees_no_worker(as_office, lc_workers) -> None:
    admin = as_office("admin")
    assert admin.query("{ workers { totalCount } }")["errors"][0]["message"] == (
        "Cannot query field 'workers' on type 'Query'."
    )
    assert admin.data("query($id: ID!) { node(id: $id) { id } }", {"id": lc_workers[0]["id"]}) == {
        "node": None
    }


def test_a_filter_on_a_foreign_workers_document_finds_nothing(as_office, lc_workers) -> None:
    hekou_ids = {w["id"] for w in all_nodes(as_office("cn-hekou"), "workers", "id")}
    outsider = next(w for w in lc_workers if w["id"] not in hekou_ids and w["borderPassNumber"])
    query = "query($n: String!) { workers(filter: {borderPassNumber: $n}) { totalCount nodes { id } } }"
    assert as_office("cn-hekou").data(query, {"n": outsider["borderPassNumber"]})["workers"] == {
        "totalCount": 0,
        "nodes": [],
    }
    assert (
        as_office("lc-home-affairs").data(query, {"n": outsider["borderPassNumber"]})["workers"]["totalCount"]
        == 1
    )


def test_nested_relations_follow_the_row_scope(as_office) -> None:
    crossings = all_nodes(as_office("cn-hekou"), "crossings", "worker { id }")
    workers = {w["id"] for w in all_nodes(as_office("cn-hekou"), "workers", "id")}
    assert crossings and {c["worker"]["id"] for c in crossings} <= workers


def test_statistics_count_only_the_rows_in_scope(as_office, lc_workers) -> None:
    stats = as_office("lc-home-affairs").data(
        "{ statistics { workerCount workersByHomeProvince { key count } } }"
    )
    assert stats["statistics"]["workerCount"] == len(lc_workers)
    by_province = stats["statistics"]["workersByHomeProvince"]
    assert {p["key"] for p in by_province} <= {"VN-LC", "VN-LC-2025"}  # registered before and since 2025
    assert sum(p["count"] for p in by_province) == len(lc_workers)


def test_pages_follow_on_without_overlap_and_cursors_are_bound_to_their_ordering(as_office) -> None:
    client = as_office("tq-home-affairs")
    first = client.data(
        "{ workers(first: 5, orderBy: {dateOfBirth: DESC}) { edges { cursor node { id } } } }"
    )
    edges = first["workers"]["edges"]
    second = client.data(
        "query($a: String) { workers(first: 5, after: $a, orderBy: {dateOfBirth: DESC}) { nodes { id } } }",
        {"a": edges[-1]["cursor"]},
    )
    assert not {e["node"]["id"] for e in edges} & {n["id"] for n in second["workers"]["nodes"]}
    wrong = client.query(
        "query($a: String) { workers(first: 5, after: $a) { nodes { id } } }", {"a": edges[-1]["cursor"]}
    )
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
