"""The per-token rate limit: a token over its budget gets 429 with Retry-After and no data; other
tokens are not affected; the budget refills."""

from __future__ import annotations

import time

import httpx
import pytest

from settings import Settings, SettingsError
from settings.rates import Limit, parse_limit
from tests import plain_http
from tests.conftest import Server
from web.ratelimit import RateLimiter

ME = {"query": "{ me { code } }"}


@pytest.fixture(scope="module")
def limited_server(database, demo_tokens, tmp_path_factory):
    server = Server(
        database,
        demo_tokens,
        tmp_path_factory.mktemp("ratelimit") / "server.log",
        BORDERLABOUR_RATE_LIMIT="1/s burst 3",
    )
    yield server
    server.stop()


def _post(http: httpx.Client, server: Server, office: str) -> httpx.Response:
    return http.post("/graphql", json=ME, headers={"Authorization": f"Bearer {server.tokens[office]}"})


def test_a_token_over_its_limit_gets_429_and_then_recovers(limited_server) -> None:
    with plain_http.client(base_url=limited_server.url, timeout=30) as http:
        # The burst of 3 passes; after it, only what 1/s refilled while the requests ran (a loaded
        # machine answers slowly), then 429.
        started = time.monotonic()
        passed = 0
        while (refused := _post(http, limited_server, "tq-police")).status_code == 200 and passed < 30:
            passed += 1
        elapsed = time.monotonic() - started
        assert refused.status_code == 429
        assert 3 <= passed <= 3 + int(elapsed) + 1, (passed, elapsed)
        body = refused.json()
        assert "data" not in body and body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 2 and refused.headers["x-request-id"]

        # Another office's token has its own budget.
        assert _post(http, limited_server, "lc-police").json()["data"]["me"]["code"] == "lc-police"

        time.sleep(wait)
        assert _post(http, limited_server, "tq-police").status_code == 200


@pytest.mark.parametrize(
    ("spec", "limit"),
    [("50/s burst 200", Limit(50, 200)), ("600/m", Limit(10, 10)), (" 2/S ", Limit(2, 2)), ("off", None)],
)
def test_the_setting_is_read_as_documented(spec: str, limit: Limit | None) -> None:
    assert parse_limit(spec) == limit


@pytest.mark.parametrize("spec", ["", "fast", "0/s", "10", "10/h", "10/s burst 0", "-1/s"])
def test_a_bad_setting_is_refused(spec: str) -> None:
    with pytest.raises(SettingsError, match="BORDERLABOUR_RATE_LIMIT"):
        Settings.load(rate_limit=spec)


def test_the_bucket_refills_at_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(Limit(per_second=2, burst=2), clock=lambda: now[0])
    assert [limiter.retry_after(7) for _ in range(3)] == [None, None, 1]
    now[0] = 0.5
    assert limiter.retry_after(7) is None and limiter.retry_after(7) == 1
    assert limiter.retry_after(8) is None


def test_the_shared_bucket_never_runs_backwards_when_requests_reach_it_out_of_order(tmp_path) -> None:
    """Two hosts (or threads) read the time, then wait for the row: the later-read time may come first.
    The bucket must neither refill nor drain for the earlier one (burst 3, then 1 a second)."""
    from sqlalchemy import create_engine

    from models import RateBucket
    from web.ratelimit import DatabaseRateLimiter

    engine = create_engine(f"sqlite:///{tmp_path / 'buckets.db'}")
    RateBucket.__table__.create(engine)
    now = [100.0]
    limiter = DatabaseRateLimiter(Limit(1, 3), engine, clock=lambda: now[0])
    assert [limiter.retry_after(7) for _ in range(3)] == [None, None, None]
    assert limiter.retry_after(7) == 1
    now[0] = 90.0  # a request that read its time ten seconds earlier arrives now
    assert limiter.retry_after(7) == 1  # refused, and it took nothing
    now[0] = 101.0
    assert limiter.retry_after(7) is None  # one second refilled one request
    assert limiter.retry_after(7) == 1
    assert limiter.retry_after(8) is None  # another token has its own bucket
    engine.dispose()
