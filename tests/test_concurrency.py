"""Writes sent at the same moment: two border posts recording crossings (every write succeeds, none
is lost), and several requests claiming one border-pass or passport number (exactly one keeps it)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.database import make_engine
from tests import plain_http
from tests import procedure_steps as steps
from tests.paging import all_nodes

POSTS = ("lc-border-guard", "lc-customs")
PER_POST = 15
RECORD = """mutation($input: RecordCrossingInput!) {
  recordCrossing(input: $input) { crossing { id recordedBy { code } } errors { field code message } } }"""


def _total(client) -> int:
    return client.data("{ crossings(first: 0) { totalCount } }")["crossings"]["totalCount"]


def test_two_border_posts_record_crossings_concurrently(live_server, as_office) -> None:
    guard = as_office("lc-border-guard")
    # Deployed workers are in China (their last crossing an exit): each comes home once, so the
    # crossings obey the procedure's sequence whatever order the two posts record them in. Only
    # workers whose exit came before the first entry sent here are taken: another test may have
    # recorded an exit dated later today.
    now = dt.datetime.now(dt.UTC)
    first_entry = now - dt.timedelta(seconds=60 * PER_POST)
    fields = "id borderPassNumber crossings(first: 1) { direction crossedAt }"
    deployed = all_nodes(guard, "workers", fields, ", filter: {status: [DEPLOYED]}")
    holders = [
        w["id"]
        for w in deployed
        if w["borderPassNumber"]
        and w["crossings"]
        and w["crossings"][0]["direction"] == "EXIT_VIETNAM"
        and dt.datetime.fromisoformat(w["crossings"][0]["crossedAt"]) < first_entry
    ]
    assert len(holders) >= PER_POST * len(POSTS)
    before = _total(guard)
    jobs = [
        (
            post,
            {
                "workerId": holders[i * len(POSTS) + n],
                "gateCode": "GATE-LAOCAI-HEKOU",
                "direction": "ENTER_VIETNAM",
                "crossedAt": (now - dt.timedelta(seconds=60 * i + n)).isoformat(),
                "document": "BORDER_PASS",
            },
        )
        for i in range(PER_POST)
        for n, post in enumerate(POSTS)
    ]
    clients = {post: plain_http.client(base_url=live_server.url, timeout=60) for post in POSTS}

    def record(job: tuple[str, dict]) -> tuple[int, dict]:
        post, entry = job
        headers = {"Authorization": f"Bearer {live_server.tokens[post]}", "X-Purpose": "crossing-control"}
        response = clients[post].post(
            "/graphql", json={"query": RECORD, "variables": {"input": entry}}, headers=headers
        )
        return response.status_code, response.json()

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(record, jobs))
    finally:
        for client in clients.values():
            client.close()

    assert [status for status, _ in results] == [200] * len(jobs)
    assert [body for _, body in results if "errors" in body or body["data"]["recordCrossing"]["errors"]] == []
    recorded = [body["data"]["recordCrossing"]["crossing"] for _, body in results]
    assert len({c["id"] for c in recorded}) == len(jobs)
    assert sorted(c["recordedBy"]["code"] for c in recorded) == sorted(POSTS * PER_POST)
    assert _total(guard) == before + len(jobs)
    assert _total(as_office("lc-customs")) == before + len(jobs)


UPDATE_WORKER = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { id } errors { field code } } }"""
SAME_MOMENT = 8


def _all_at_once(live_server, office: str, query: str, inputs: list[dict]) -> list[tuple[int, dict]]:
    """Sends every input at the same moment, each on its own connection, and returns (status, body)."""
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}", "X-Purpose": "worker-registration"}
    clients = [plain_http.client(base_url=live_server.url, timeout=60) for _ in inputs]
    start = threading.Barrier(len(inputs))

    def send(n: int) -> tuple[int, dict]:
        clients[n].post("/graphql", json={"query": "{ me { code } }"}, headers=headers)  # connected
        start.wait()
        response = clients[n].post(
            "/graphql", json={"query": query, "variables": {"input": inputs[n]}}, headers=headers
        )
        return response.status_code, response.json()

    try:
        with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
            return list(pool.map(send, range(len(inputs))))
    finally:
        for client in clients:
            client.close()


def _outcomes(results: list[tuple[int, dict]], mutation: str) -> list[list[tuple[str, str]]]:
    assert [status for status, _ in results] == [200] * len(results)
    assert [body for _, body in results if "errors" in body] == []
    return sorted([(e["field"], e["code"]) for e in body["data"][mutation]["errors"]] for _, body in results)


def test_one_border_pass_number_sent_by_several_registrations_at_once_is_registered_once(
    live_server, as_office
) -> None:
    """The database's UNIQUE index decides what the in-code check cannot (DOMAIN.md: border-pass
    numbers are unique): exactly one registration keeps the number, the others get DUPLICATE."""
    labour = as_office("lc-home-affairs", "worker-registration")
    commune = steps.a_commune(labour, "VN-LC")
    number = f"BPC{next(steps._serial):07d}"
    inputs = [steps.registration("VN-LC", commune, borderPassNumber=number) for _ in range(SAME_MOMENT)]
    outcomes = _outcomes(
        _all_at_once(live_server, "lc-home-affairs", steps.REGISTER, inputs), "registerWorker"
    )
    assert outcomes == [[]] + [[("borderPassNumber", "DUPLICATE")]] * (SAME_MOMENT - 1)
    holders = labour.data(
        "query($n: String!) { workers(first: 10, filter: {borderPassNumber: $n}) { totalCount } }",
        {"n": number},
    )
    assert holders["workers"]["totalCount"] == 1


def test_one_passport_number_sent_by_several_corrections_at_once_is_kept_by_one_worker(
    live_server, as_office
) -> None:
    workers = [steps.register(as_office, "VN-LC") for _ in range(SAME_MOMENT)]
    number = f"C{next(steps._serial) % 10_000_000:07d}"
    inputs = [
        {"workerId": w, "passportNumber": number, "reason": "Hộ chiếu cấp sau khi đăng ký"} for w in workers
    ]
    outcomes = _outcomes(_all_at_once(live_server, "lc-home-affairs", UPDATE_WORKER, inputs), "updateWorker")
    assert outcomes == [[]] + [[("passportNumber", "DUPLICATE")]] * (SAME_MOMENT - 1)
    holders = as_office("lc-home-affairs").data(
        "query($n: String!) { workers(first: 10, filter: {passportNumber: $n}) { totalCount } }",
        {"n": number},
    )
    assert holders["workers"]["totalCount"] == 1


def test_the_database_itself_refuses_a_second_worker_with_the_same_border_pass_or_passport(
    database, demo_tokens
) -> None:
    """Below the API: the blind indexes are UNIQUE in the schema the migrations built."""
    engine = make_engine(database.url)
    try:
        for column in ("border_pass_index", "passport_index"):
            with engine.connect() as conn:
                first, second = conn.scalars(text("SELECT id FROM workers ORDER BY id LIMIT 2")).all()
                same = text(f"UPDATE workers SET {column} = 'one-index' WHERE id = :id")
                conn.execute(same, {"id": first})
                with pytest.raises(IntegrityError):
                    conn.execute(same, {"id": second})
                conn.rollback()
    finally:
        engine.dispose()
