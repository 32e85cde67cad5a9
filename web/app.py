"""The HTTP face of the registry: POST /graphql, GraphiQL at GET /graphql, GET /healthz, /livez, /readyz.

Every request is authenticated by bearer token before anything is parsed against a schema;
what a caller may do is decided by `policies`, and the answer is computed by `Registry.execute`
in a worker thread so a slow database never stalls the event loop.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dispatch.delivery import WebhookDelivery
from dispatch.scheduler import DueScheduler
from events.bell import EventBell
from locales import N_, LanguageMiddleware, reader_language
from policies.check import purpose_descriptions
from policies.officers import CASE_REF_HEADER
from service import timings
from service.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from service.metrics import operation_label
from service.operations import new_request_id, translated
from service.registry import Registry
from web.bodies import body_within
from web.door import Door, bearer
from web.errors import Refusal, answering, in_service, refused, unexpected_error
from web.files import file_routes
from web.graphiql import PAGE_HEADERS, graphiql_html, graphiql_routes
from web.health import health_routes
from web.ratelimit import limiter_for
from web.request_log import RequestLog
from web.statements import statement_routes
from web.subscriptions import websocket_route
from web.threads import in_thread

MAX_BODY_BYTES = 64 * 1024
LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
JSON_TYPES = ("application/json", "application/graphql-response+json")

log = logging.getLogger("borderlabour.http")


def cors(origins: list[str]) -> Middleware:
    """Browsers on these origins may call the API: preflights answered, the headers a call needs."""
    return Middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST"],
        # X-Case-Ref: a purpose may need the case a request is made for (`policies.officers`)
        allow_headers=["Authorization", "Content-Type", "X-Purpose", CASE_REF_HEADER, "Accept-Language"],
        expose_headers=["X-Request-Id", "Retry-After", "Content-Disposition"],
        max_age=600,
    )


class CompiledAnswer(JSONResponse):
    """A compiled answer's JSON, written by orjson: the same bytes as `JSONResponse`, several times faster.

    The response is encoded on the event loop, so its cost holds up every other connection. For
    what a compiled answer holds (strings, integers, booleans, null: no floats, whose exponents
    orjson writes differently) orjson writes what `json.dumps` does with `ensure_ascii=False`; the
    options make it refuse anything else it would write its own way (integers beyond 53 bits,
    subclasses, dates, dataclasses), and `JSONResponse` writes those as before.
    """

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=_PLAIN_JSON_ONLY)
        except TypeError:
            return super().render(content)


_PLAIN_JSON_ONLY = (
    orjson.OPT_STRICT_INTEGER
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def contains_nul(value: Any) -> bool:
    """Whether a JSON value holds U+0000 in any string: PostgreSQL refuses it in text, so it is
    refused for every database, before anything runs. Iterative: variables may nest deeply."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _bad_body(message: str, **params: Any) -> Refusal:
    return Refusal(400, message, "BAD_REQUEST", **params)


def _parse_payload(body: bytes) -> tuple[str, dict[str, Any] | None, str | None]:
    """The three members of a GraphQL-over-HTTP request, or the Refusal that says what is wrong."""
    try:
        payload = json.loads(body.decode("utf-8"))
        if b"\\u" in body:  # a \ud800-style escape can smuggle a lone surrogate past the UTF-8 check
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad_body("the body is not valid UTF-8") from exc
    except UnicodeEncodeError as exc:
        raise _bad_body("the body escapes a lone UTF-16 surrogate, which is not valid Unicode") from exc
    except json.JSONDecodeError as exc:
        raise _bad_body(
            "the body is not valid JSON ({reason} at position {position})", reason=exc.msg, position=exc.pos
        ) from exc
    except RecursionError as exc:
        raise _bad_body("the body is nested too deeply") from exc
    if isinstance(payload, list):
        raise _bad_body("batched operations are not supported: send one operation per request")
    if not isinstance(payload, dict):
        raise _bad_body("the body must be a JSON object with a `query` member")
    query, variables, operation = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise _bad_body("`query` must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise _bad_body("`variables` must be a JSON object")
    if operation is not None and not isinstance(operation, str):
        raise _bad_body("`operationName` must be a string")
    return query, variables, operation


def _no_single_operation(document: DocumentNode, operation_name: str | None) -> str:
    if operation_name is not None:
        return N_("`operationName` names no operation of the document")
    if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return N_("the document has several operations: name the one to run in `operationName`")
    return N_("the document has no operation to run")


class AnswerUnexpected:
    """Answers an exception no route answered (the routes under `answering` answer their own) with a
    500 and one ERROR line. Starlette's own handler would log it and then raise it again, for the
    server to log a second time; here it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            response = unexpected_error(exc, new_request_id())
            if not started:
                await response(scope, receive, send)


class Direct:
    """One route's requests handed straight to it, past Starlette's exception middleware and router.

    A GraphQL POST passes every layer of the stack on the event loop, where each layer's cost holds
    up every other connection; past the middlewares of `app_middleware`, Starlette would add its
    exception middleware (no exception handler is registered: `answering` and `AnswerUnexpected`
    answer the routes' errors), the match of the path against each route in turn, and the route's
    own wrapper of `send` again. This is what the route does once matched: the endpoint's response
    for a `Request`. Anything else (another method or path, a root path to strip) goes on to the
    router as before (BENCHMARKS.md, "The executor only to plan").
    """

    def __init__(
        self, app: ASGIApp, method: str, path: str, endpoint: Callable[[Request], Awaitable[Response]]
    ) -> None:
        self.app, self.method, self.path, self.endpoint = app, method, path, endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == self.method
            and scope["path"] == self.path
            and not scope.get("root_path")
        ):
            response = await self.endpoint(Request(scope, receive, send))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def app_middleware() -> list[Middleware]:
    """Outermost first: the reader's language is known before anything can fail, so even a 500 that
    no route answered speaks it."""
    return [Middleware(LanguageMiddleware), Middleware(AnswerUnexpected)]


def create_app(registry: Registry) -> Starlette:
    door = Door(registry, limiter_for(registry))
    body_seconds = registry.settings.body_seconds

    async def graphql_get(request: Request) -> Response:
        if not registry.graphiql or "text/html" not in request.headers.get("accept", ""):
            message = N_("send GraphQL operations with POST and a JSON body")
            return refused(Refusal(405, message, "METHOD_NOT_ALLOWED", {"Allow": "POST"}), new_request_id())
        language = reader_language()  # `?lang=`, else Accept-Language (LanguageMiddleware)
        purposes = purpose_descriptions(registry.settings.policy_dir)
        return HTMLResponse(graphiql_html(language, purposes), headers=PAGE_HEADERS)

    async def graphql_post(request: Request) -> Response:
        started = time.perf_counter()
        label = ["unparsed"]
        response = await answering(partial(_graphql_post, label=label))(request)
        # Answers hold personal data: no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"
        registry.metrics.observe_request(label[0], response.status_code, time.perf_counter() - started)
        noted = timings.current()
        if noted is not None:
            noted.operation = label[0]
        return response

    async def _graphql_post(request: Request, rid: str, label: list[str]) -> Response:
        bearer(request)  # asked for before the body is read
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in JSON_TYPES:
            raise Refusal(415, N_("send the operation as application/json"), "UNSUPPORTED_MEDIA_TYPE")
        try:
            body = await body_within(request, MAX_BODY_BYTES, body_seconds)
        except ClientDisconnect:
            log.info("request %s: the client disconnected before sending its whole body", rid)
            return Response(status_code=400)  # nobody is left to read it
        admission = await door.admit(request)
        noted = timings.current()
        if noted is not None:
            noted.office = admission.grant.office.code
        query, variables, operation_name = _parse_payload(body)
        grant = admission.grant
        try:
            prepared = registry.schemas.schema_for(grant).operations.prepare(query, operation_name)
        except GraphQLError as exc:
            return JSONResponse({"errors": [translated(exc)]}, status_code=400, headers={"X-Request-Id": rid})
        if prepared.contains_nul or contains_nul(variables):
            message = N_(
                "a string value contains the NUL character (U+0000), which the registry does not store"
            )
            raise Refusal(400, message, "INVALID_INPUT")
        if prepared.operation_type is None:  # nothing to run, or no telling which: never guess
            raise Refusal(400, _no_single_operation(prepared.document, operation_name), "BAD_REQUEST")
        if prepared.operation_type == "subscription":
            message = N_("subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")
            raise Refusal(400, message, "BAD_REQUEST")
        if prepared.valid:  # labels come only from names the office's schema knows
            label[0] = operation_label(prepared.operation_type, prepared.root_fields)
            door.within_cost(prepared, variables)
        else:
            label[0] = "invalid"
        if prepared.needs_purpose(variables):
            admission.state_purpose()
        operation = admission.operation(query, variables, operation_name, prepared, rid)
        outcome = await in_service(partial(registry.execute, grant, operation))
        answer = CompiledAnswer if outcome.planned else JSONResponse
        return answer(outcome.body, status_code=outcome.status, headers={"X-Request-Id": rid})

    async def healthz(request: Request) -> Response:
        def probe() -> bool:
            with registry.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                connection.commit()  # a ROLLBACK would drop the connection's prepared statements
            return True

        try:
            await in_thread(probe)
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up", "policyVersion": registry.access.version})

    async def metrics(request: Request) -> Response:
        # Served to the local host only: series names reveal which operations offices run.
        if request.client is None or request.client.host not in LOCAL_HOSTS:
            return refused(Refusal(404, N_("not found"), "NOT_FOUND"), new_request_id())
        return Response(registry.metrics.render(), media_type=METRICS_CONTENT_TYPE)

    settings = registry.settings
    # With --metrics-address the series are served there (`web.metrics_server`), not beside the API.
    own_metrics = settings.metrics and settings.metrics_address is None
    routes = [
        *([Route("/metrics", metrics, methods=["GET"])] if own_metrics else []),
        Route("/graphql", graphql_post, methods=["POST"]),
        Route("/graphql", graphql_get, methods=["GET"]),
        WebSocketRoute("/graphql", websocket_route(registry, EventBell(registry.engine), door)),
        Route("/healthz", healthz, methods=["GET"]),
        *health_routes(registry),
        *graphiql_routes(),
        *file_routes(registry, door),
        *statement_routes(registry, door),
    ]

    if registry.settings.webhook_urls:  # no allowed URL, no webhook to deliver
        WebhookDelivery(registry).start()
    if registry.settings.due_scan_seconds:  # 0: this process leaves the due alerts to others
        DueScheduler(registry).start()
    middleware = [
        *app_middleware(),
        Middleware(Direct, method="POST", path="/graphql", endpoint=graphql_post),
    ]
    if settings.cors_allowed:  # only the origins the settings name; none by default
        middleware.insert(0, cors(settings.cors_allowed))
    middleware.insert(0, Middleware(RequestLog))  # outermost: the request's id is made before anything runs
    app = Starlette(routes=routes, middleware=middleware)
    app.state.registry = registry
    return app
