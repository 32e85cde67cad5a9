"""What the server's log keeps of a request (issue 17, "Low"): an unexpected error once, under the
request id the answer names; no query string, since one can hold personal filters."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from tests import plain_http
from web.app import AnswerUnexpected
from web.errors import answering

pytestmark = pytest.mark.engine_independent("what the server's log keeps of a request")

PERSONAL = ["010096123456", "BP7654321", "+84912345678", "Lò Thị Mai"]


def test_query_strings_holding_personal_values_never_reach_the_server_log(live_server) -> None:
    headers = {"Authorization": f"Bearer {live_server.tokens['lc-home-affairs']}"}
    query = "&".join(
        f"{name}={quote(value)}"
        for name, value in zip(
            ("nationalIdNumber", "borderPassNumber", "phone", "fullName"), PERSONAL, strict=True
        )
    )
    with plain_http.client(base_url=live_server.url, headers=headers, timeout=30) as client:
        client.get(f"/exports/workers.xlsx?{query}")
        client.post(f"/graphql?{query}", json={"query": "{ me { code } }"})
        client.get(f"/graphql?{query}")
        client.get(f"/healthz?{query}")
    # The access lines are written as the answers go out (health probes write none): wait, with a
    # deadline, for the last logged request's line, which also shows the access log is on and names
    # the path.
    deadline = time.monotonic() + 30
    log = ""
    while "GET /graphql 405 request=" not in log and time.monotonic() < deadline:
        time.sleep(0.05)
        log = live_server.log.read_text(encoding="utf-8", errors="replace")
    assert "GET /graphql 405 request=" in log
    for value in PERSONAL:
        for form in {value, quote(value), quote(value, safe="")}:
            assert form not in log, f"{form!r} reached the server log"


def _crashing(request: Request, rid: str) -> Response:
    raise RuntimeError("a bug")


async def _crash(request: Request, rid: str) -> Response:
    return _crashing(request, rid)


async def _bare_crash(request: Request) -> Response:
    raise RuntimeError("a bug outside any answering route")


@pytest.mark.parametrize("path", ["/answering", "/bare"])
def test_an_unexpected_error_is_logged_once_with_the_request_id_of_its_answer(caplog, path: str) -> None:
    app = Starlette(
        routes=[Route("/answering", answering(_crash)), Route("/bare", _bare_crash)],
        middleware=[Middleware(AnswerUnexpected)],
    )
    with caplog.at_level(logging.INFO), TestClient(app, raise_server_exceptions=True) as client:
        answer = client.get(path)
    assert answer.status_code == 500
    rid = answer.json()["errors"][0]["extensions"]["requestId"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert rid in errors[0].getMessage()
    assert errors[0].exc_info is not None
