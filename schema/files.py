"""The registry's file endpoints: report documents, the worker import template, import and export.

They answer the same offices as `/graphql`, through the same door: a bearer token, the office's
grant from `policies`, a permitted purpose, the office's scoped session and the ledger
(`Registry.run_for`). Nothing here decides access; messages are answered in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exports.workers import MAX_ROWS as EXPORT_MAX_ROWS
from exports.workers import ExportRefused, plan, write_rows
from imports.workbook import FileRefused, read_sheet, template
from imports.workers import DUTY, ImportOutcome, import_workers
from ledger.entries import Disclosure, request_hash
from locales import N_, message_of, negotiate, reader_language
from policies.grants import Grant
from policies.purposes import PurposeRefused, check_purpose
from policies.tokens import Caller
from policies.validity import OfficeClosed
from reports.documents import FORMATS, XLSX_TYPE
from resolvers.clock import today
from resolvers.errors import InputError
from resolvers.reports import yearly_figures
from schema.ratelimit import RateLimiter
from schema.service import DatabaseUnavailable, LedgerUnavailable, Registry, is_database_down, new_request_id

REPORT_PURPOSE = "statistics"
IMPORT_PURPOSE = "worker-registration"
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class Refusal(Exception):
    """An answer other than the file: status, English template, code, values and headers."""

    def __init__(
        self, status: int, template: str, code: str, headers: dict[str, str] | None = None, /, **params: Any
    ) -> None:
        super().__init__(template)
        self.status, self.template, self.code, self.params = status, template, code, params
        self.headers = headers or {}


def refusal_response(refusal: Refusal, request_id: str) -> JSONResponse:
    from schema.app import error_response

    return error_response(
        refusal.status, refusal.template, refusal.code, request_id, refusal.params, **refusal.headers
    )


async def office_of(registry: Registry, request: Request, limiter: RateLimiter) -> tuple[Caller, Grant]:
    """The calling office, from its bearer token, or a Refusal (401; 429 over the token's rate; 503
    if the database is down). Files count against the same rate as GraphQL requests."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal(
            401,
            N_("authentication required: send Authorization: Bearer <token>"),
            "UNAUTHENTICATED",
            {"WWW-Authenticate": "Bearer"},
        )
    try:
        caller = await to_thread.run_sync(registry.authenticate, token.strip())
    except OfficeClosed as exc:
        invalid = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        raise Refusal(401, exc.template, exc.code, invalid, **exc.params) from exc
    except Exception as exc:
        if is_database_down(exc):
            raise _unavailable() from exc
        raise
    if caller is None:
        raise Refusal(
            401,
            N_("the token is unknown, expired or revoked"),
            "UNAUTHENTICATED",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    wait = limiter.retry_after(caller.token_id)
    if wait is not None:
        message = N_("too many requests with this token; retry in {seconds} s")
        raise Refusal(429, message, "RATE_LIMITED", {"Retry-After": str(wait)}, seconds=wait)
    return caller, registry.grant_for(caller)


def _unavailable() -> Refusal:
    return Refusal(
        503, N_("the registry database is unavailable; retry shortly"), "UNAVAILABLE", {"Retry-After": "5"}
    )


def stated_purpose(grant: Grant, request: Request, required: str | None) -> str:
    stated = request.headers.get("x-purpose")
    try:
        return check_purpose(grant, stated, required)
    except PurposeRefused as exc:
        status = 400 if not stated else 403
        code = "PURPOSE_REQUIRED" if status == 400 else "PURPOSE_REFUSED"
        raise Refusal(status, exc.template, code, **exc.params) from exc


async def run_for_office(
    registry: Registry,
    request: Request,
    grant: Grant,
    caller: Caller,
    purpose: str,
    work: Callable[[Any, Disclosure], Any],
    writes: bool = False,
) -> Any:
    described = request_hash(f"{request.method} {request.url.path}", dict(request.query_params), None)

    def run() -> Any:
        return registry.run_for(
            grant, work, purpose=purpose, request=described, token_id=caller.token_id, writes=writes
        )

    try:
        return await to_thread.run_sync(run)
    except LedgerUnavailable as exc:
        message = N_("the disclosure could not be recorded in the ledger, so nothing was sent; retry shortly")
        raise Refusal(503, message, "LEDGER_UNAVAILABLE", {"Retry-After": "5"}) from exc
    except DatabaseUnavailable as exc:
        raise _unavailable() from exc


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def report_languages(request: Request) -> tuple[str, ...]:
    """`?lang=vi,zh` picks the languages of titles and headers; by default both sides' (vi and zh),
    since the document is for the meeting of both. Error messages follow Accept-Language."""
    asked = request.query_params.get("lang")
    if asked:
        return tuple(dict.fromkeys(negotiate(part) for part in asked.split(",")[:3]))
    return ("vi", "zh")


def guarded(registry: Registry, handler: Callable[[Request, str], Any]) -> Callable[[Request], Any]:
    """Turns a handler's Refusal or InputError into the registry's JSON error answer."""

    async def endpoint(request: Request) -> Response:
        rid = new_request_id()
        try:
            response = await handler(request, rid)
        except Refusal as refusal:
            return refusal_response(refusal, rid)
        except InputError as exc:
            status = 404 if exc.code == "NOT_FOUND" else 400
            body = {
                "errors": [
                    {
                        "message": message_of(exc, reader_language()),
                        "extensions": {"code": exc.code, "field": exc.field, "requestId": rid},
                    }
                ]
            }
            return JSONResponse(body, status_code=status, headers={"X-Request-Id": rid})
        response.headers["X-Request-Id"] = rid
        return response

    return endpoint


async def upload_of(request: Request) -> bytes:
    """The uploaded workbook, refused early when it is not one or is larger than MAX_IMPORT_BYTES."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != XLSX_TYPE:
        raise Refusal(
            415, N_("send the file as {media_type}"), "UNSUPPORTED_MEDIA_TYPE", media_type=XLSX_TYPE
        )
    declared = request.headers.get("content-length")
    too_large = Refusal(
        413, N_("the request body exceeds {limit} bytes"), "TOO_LARGE", limit=MAX_IMPORT_BYTES
    )
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_IMPORT_BYTES):
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_IMPORT_BYTES:
            raise too_large
    return bytes(body)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").lower() in ("true", "1", "yes")


def file_routes(registry: Registry, limiter: RateLimiter) -> list[Route]:
    async def agreement_report(request: Request, rid: str) -> Response:
        caller, grant = await office_of(registry, request, limiter)
        purpose = stated_purpose(grant, request, REPORT_PURPOSE)
        fmt = request.path_params["format"]
        if fmt not in FORMATS or not (grant.sees_type("Statistics") and grant.sees_type("Agreement")):
            raise Refusal(404, N_("no such report"), "NOT_FOUND")
        try:
            year = int(request.path_params["year"])
        except ValueError as exc:
            raise InputError("year", "must be a number", "INVALID_FORMAT") from exc
        languages = report_languages(request)
        wages = grant.can_read("Placement.monthlyWageCny")

        def work(session: Any, disclosure: Disclosure) -> bytes:
            _agreement, figures = yearly_figures(session, request.path_params["agreement"], year)
            for worker in figures.workers:
                disclosure.workers.setdefault(worker, set()).add("Query.agreementReport")
            return FORMATS[fmt][1](figures, languages, wages)

        content = await run_for_office(registry, request, grant, caller, purpose, work)
        name = f"agreement-report-{year}.{fmt}"
        return file_response(content, FORMATS[fmt][0], name)

    async def import_template(request: Request, rid: str) -> Response:
        _caller, grant = await office_of(registry, request, limiter)
        if not grant.can_write(DUTY):
            raise Refusal(404, N_("not found"), "NOT_FOUND")
        content = template(reader_language())
        return file_response(content, XLSX_TYPE, "workers-template.xlsx")

    async def import_upload(request: Request, rid: str) -> Response:
        caller, grant = await office_of(registry, request, limiter)
        if not grant.can_write(DUTY):
            raise Refusal(403, N_("your office has no duty to {duty}"), "FORBIDDEN", duty=DUTY)
        purpose = stated_purpose(grant, request, IMPORT_PURPOSE)
        content = await upload_of(request)
        try:
            sheet = await to_thread.run_sync(read_sheet, content)
        except FileRefused as exc:
            raise Refusal(400, exc.template, "INVALID_FILE", **exc.params) from exc
        dry_run, partial, day = _flag(request, "dryRun"), _flag(request, "partial"), today()

        def work(session: Any, disclosure: Disclosure) -> ImportOutcome:
            return import_workers(
                session, grant, sheet, today=day, written=disclosure.written, dry_run=dry_run, partial=partial
            )

        outcome = await run_for_office(registry, request, grant, caller, purpose, work, writes=not dry_run)
        return JSONResponse(outcome.answer(reader_language()))

    async def workers_export(request: Request, rid: str) -> Response:
        caller, grant = await office_of(registry, request, limiter)
        schema = registry.schemas.schema_for(grant)
        try:
            export = plan(schema._schema, request.query_params)
        except ExportRefused as exc:
            raise Refusal(400, exc.template, "BAD_REQUEST", **exc.params) from exc
        if export is None:
            raise Refusal(404, N_("not found"), "NOT_FOUND")
        purpose = stated_purpose(grant, request, None)
        prepared = schema.operations.prepare(export.query, None)

        def pages() -> list[dict[str, Any]] | dict[str, Any]:
            nodes: list[dict[str, Any]] = []
            after = None
            while True:
                variables: dict[str, Any] = {"after": after} | (
                    {"filter": export.filter} if export.filter else {}
                )
                body = registry.execute(
                    grant, export.query, variables, None, purpose, prepared, rid, caller.token_id
                ).body
                if body.get("errors"):
                    return body
                page = body["data"]["workers"]
                nodes += page["nodes"]
                if not page["pageInfo"]["hasNextPage"]:
                    return nodes
                if len(nodes) >= EXPORT_MAX_ROWS:
                    raise Refusal(
                        400,
                        N_("more than {maximum} rows: narrow the filters"),
                        "TOO_LARGE",
                        maximum=EXPORT_MAX_ROWS,
                    )
                after = page["pageInfo"]["endCursor"]

        try:
            nodes = await to_thread.run_sync(pages)
        except LedgerUnavailable as exc:
            message = N_(
                "the disclosure could not be recorded in the ledger, so nothing was sent; retry shortly"
            )
            raise Refusal(503, message, "LEDGER_UNAVAILABLE", {"Retry-After": "5"}) from exc
        except DatabaseUnavailable as exc:
            raise _unavailable() from exc
        if isinstance(nodes, dict):
            return JSONResponse(nodes, status_code=400)
        content = await to_thread.run_sync(write_rows, export.columns, nodes)
        return file_response(content, XLSX_TYPE, "workers.xlsx")

    return [
        Route("/exports/workers.xlsx", guarded(registry, workers_export), methods=["GET"]),
        Route(
            "/reports/agreements/{agreement}/{year}.{format}",
            guarded(registry, agreement_report),
            methods=["GET"],
        ),
        Route("/imports/workers/template.xlsx", guarded(registry, import_template), methods=["GET"]),
        Route("/imports/workers", guarded(registry, import_upload), methods=["POST"]),
    ]
