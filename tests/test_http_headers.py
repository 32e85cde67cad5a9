"""Headers that keep personal answers out of caches and the GraphiQL page out of frames (issue 17, "Low").

Personal answers (GraphQL POST answers and file downloads) carry `Cache-Control: no-store`; the GraphiQL
page forbids framing by any site (CSP `frame-ancestors 'none'`, which only a header can carry) and
MIME sniffing (`X-Content-Type-Options: nosniff`).
"""

from __future__ import annotations

import pytest

from tests import plain_http

pytestmark = pytest.mark.engine_independent("the HTTP answers' cache and framing headers")


def test_graphql_answers_are_not_stored_by_any_cache(as_office, live_server) -> None:
    answered = as_office("lc-home-affairs").post({"query": "{ workers(first: 1) { nodes { fullName } } }"})
    assert answered.status_code == 200
    assert answered.headers["cache-control"] == "no-store"
    invalid = as_office("lc-home-affairs").post({"query": "{ nothing }"})
    assert invalid.headers["cache-control"] == "no-store"
    refused = plain_http.post(f"{live_server.url}/graphql", json={"query": "{ me { code } }"})
    assert refused.status_code == 401
    assert refused.headers["cache-control"] == "no-store"


def test_a_file_download_is_not_stored_by_any_cache(as_office, live_server) -> None:
    client = as_office("lc-home-affairs")
    headers = {
        "Authorization": f"Bearer {live_server.tokens['lc-home-affairs']}",
        "X-Purpose": client.purpose,
    }
    download = client.http.get("/exports/workers.xlsx", headers=headers)
    assert download.status_code == 200
    assert download.headers["cache-control"] == "no-store"


def test_the_graphiql_page_may_not_be_framed_or_sniffed(live_server) -> None:
    page = plain_http.get(f"{live_server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    policy = [directive.strip() for directive in page.headers["content-security-policy"].split(";")]
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
