"""A GraphQL POST handed straight to its route (`web.app.Direct`), past Starlette's router: what
it answers is the route's answer, with the middlewares' language and error handling; anything
else still goes through the router."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from web.app import Direct, app_middleware

pytestmark = pytest.mark.engine_independent("the HTTP stack's dispatch, no database")


async def _direct(request: Request) -> Response:
    if request.headers.get("x-crash"):
        raise RuntimeError("a bug in the directed route")
    return PlainTextResponse(f"direct {request.method} {await request.body()!r}")


async def _routed(request: Request) -> Response:
    return PlainTextResponse(f"routed {request.method}")


def _app() -> Starlette:
    """The router answers the same path itself, differently, so the test can tell who answered."""
    return Starlette(
        routes=[
            Route("/graphql", _routed, methods=["GET", "POST"]),
            Route("/other", _routed, methods=["POST"]),
        ],
        middleware=[*app_middleware(), Middleware(Direct, method="POST", path="/graphql", endpoint=_direct)],
    )


def test_a_post_to_the_directed_path_is_answered_by_its_endpoint_with_its_body() -> None:
    with TestClient(_app()) as client:
        answer = client.post("/graphql", content=b'{"query": "{ me { code } }"}')
    assert answer.status_code == 200
    assert answer.text == 'direct POST b\'{"query": "{ me { code } }"}\''


@pytest.mark.parametrize(
    ("method", "path", "root_path"),
    [("GET", "/graphql", ""), ("POST", "/other", ""), ("POST", "/graphql", "/registry")],
    ids=["another method", "another path", "behind a root path"],
)
def test_any_other_request_goes_through_the_router(method: str, path: str, root_path: str) -> None:
    with TestClient(_app(), root_path=root_path) as client:
        answer = client.request(method, f"{root_path}{path}")
    assert answer.status_code == 200 and answer.text == f"routed {method}"


def test_an_unexpected_error_in_the_directed_route_is_answered_in_the_readers_language() -> None:
    with TestClient(_app(), raise_server_exceptions=True) as client:
        answer = client.post("/graphql", headers={"x-crash": "1", "Accept-Language": "vi"})
    assert answer.status_code == 500
    error = answer.json()["errors"][0]
    assert error["message"].startswith("lỗi nội bộ; hãy báo mã yêu cầu ")
    assert error["extensions"]["requestId"] in error["message"]
