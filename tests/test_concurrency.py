"""Two border posts recording crossings at the same moment: every write succeeds, none is lost."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import httpx

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
    # crossings obey the procedure's sequence whatever order the two posts record them in.
    deployed = all_nodes(guard, "workers", "id borderPassNumber", ", filter: {status: [DEPLOYED]}")
    holders = [w["id"] for w in deployed if w["borderPassNumber"]]
    assert len(holders) >= PER_POST * len(POSTS)
    before = _total(guard)
    now = dt.datetime.now(dt.UTC)
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
    clients = {post: httpx.Client(base_url=live_server.url, timeout=60) for post in POSTS}

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
