"""The registry's file endpoints: report documents, the worker import template, import and export.

They answer the same offices as `/graphql`, through the same door (`web.door`): a bearer token,
the office's grant from `policies`, a permitted purpose; then the office's scoped session and the
ledger (`Registry.run_for`). Nothing here decides access; messages are answered in the reader's language.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from functools import partial
from functools import partial as partial_call
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exports.workers import MAX_ROWS as EXPORT_MAX_ROWS
from exports.workers import ExportRefused, plan, write_rows
from imports.edits import differences, record_rows
from imports.lookups import LIMIT_MESSAGE, LIMIT_REACHED
from imports.marked import marked_workbook
from imports.template import communes_in_force, template
from imports.workbook import FileRefused, Sheet, read_sheet
from imports.workers import DUTY, IMPORT_PURPOSE, Chunk, ImportOutcome, ImportStopped, import_in_chunks
from ledger.entries import request_hash
from ledger.recorder import DisclosureRecorder
from locales import N_, negotiate, reader_language
from procedure.calendar import today
from reports.cover import report_cover
from reports.documents import FORMATS, REPORT_PURPOSE, XLSX_TYPE, render_report, report_file_name
from resolvers.errors import InputError
from resolvers.reports import yearly_figures
from service.registry import Registry
from service.transaction import Work
from web.bodies import body_within
from web.door import Admission, Door
from web.errors import Refusal, answering, in_service, refused
from web.threads import in_thread
from web.upload_page import upload_routes

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MULTIPART = "multipart/form-data"
log = logging.getLogger("borderlabour.http")
T = TypeVar("T")


async def run_for_office(registry: Registry, admission: Admission, work: Work[T], writes: bool = False) -> T:
    request = admission.request
    described = request_hash(f"{request.method} {request.url.path}", dict(request.query_params), None)
    return await in_service(
        partial(
            registry.run_for,
            admission.grant,
            work,
            purpose=admission.purpose,
            request=described,
            token_id=admission.caller.token_id,
            writes=writes,
            officer=admission.officer,
            case_ref=admission.case_ref,
        )
    )


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def file_language(request: Request) -> str:
    """The reader's language of a file: `?lang=` if given, else Accept-Language (`LanguageMiddleware`)."""
    return reader_language()


def report_languages(request: Request) -> tuple[str, ...]:
    """`?lang=vi,zh` picks the languages of titles and headers; by default both sides' (vi and zh),
    since the document is for the meeting of both. Error messages follow the first of them, else
    Accept-Language (`LanguageMiddleware`)."""
    asked = request.query_params.get("lang")
    if asked:
        return tuple(dict.fromkeys(negotiate(part) for part in asked.split(",")[:3]))
    return ("vi", "zh")


async def upload_of(request: Request, seconds: float) -> bytes:
    """The uploaded workbook, refused early when it is not one or is larger than MAX_IMPORT_BYTES, and
    when its body does not arrive within `seconds` (`BORDERLABOUR_UPLOAD_SECONDS`), refused as a
    GraphQL body that trickles in is.

    It comes as the body itself (XLSX_TYPE) or as the field `file` of a browser form (multipart)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in (XLSX_TYPE, MULTIPART):
        raise Refusal(
            415, N_("send the file as {media_type}"), "UNSUPPORTED_MEDIA_TYPE", media_type=XLSX_TYPE
        )
    body = await body_within(request, MAX_IMPORT_BYTES, seconds)
    return await form_file(request, body) if content_type == MULTIPART else body


async def form_file(request: Request, body: bytes) -> bytes:
    """The field `file` of a multipart body already read (and bounded) by `upload_of`."""

    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    missing = Refusal(400, N_("the form has no file in its field {field}"), "BAD_REQUEST", field="file")
    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=20)
    except Exception as exc:  # the multipart parser's errors have no common base
        raise missing from exc
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise missing
    try:
        return await upload.read()
    finally:
        await form.close()


def import_answer(outcome: ImportOutcome, lookups_per_day: int, rid: str) -> Response:
    """The import's outcome; one that stopped early is a refusal (429 past the day's look-ups, 503
    past the time budget) whose body also says what was checked and registered before it stopped."""
    language = reader_language()
    if outcome.stopped is not None:
        log.warning(
            "import %s stopped after row %d of %d (%s); %d registered",
            rid,
            outcome.done,
            outcome.rows,
            outcome.stopped,
            outcome.registered,
        )
    if outcome.stopped == LIMIT_REACHED:
        refusal = Refusal(429, LIMIT_MESSAGE, LIMIT_REACHED, limit=lookups_per_day)
    elif outcome.stopped in ("TIME_BUDGET", "DISCONNECTED", "FAILED"):
        refusal = Refusal(
            503,
            N_("the import stopped after row {row} of {rows}; {registered} workers were registered"),
            outcome.stopped,
            row=outcome.done,
            rows=outcome.rows,
            registered=outcome.registered,
        )
    else:
        return JSONResponse(outcome.answer(language))
    response = refused(refusal, rid)
    body = json.loads(bytes(response.body))
    return JSONResponse(body | {"import": outcome.answer(language)}, status_code=refusal.status)


def _edits(registry: Registry, admission: Admission, sheet: Sheet, rid: str) -> dict[int, Any] | None:
    """For a file with record IDs (an export read back), each such row's differences from its record."""
    if not record_rows(sheet):
        return None
    grant, schema = admission.grant, registry.schemas.schema_for(admission.grant)

    def ask(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        prepared = schema.operations.prepare(query, None)
        return registry.execute(grant, admission.operation(query, variables, None, prepared, rid)).body

    return differences(sheet, ask)


def _summary(outcome: ImportOutcome) -> dict[str, str]:
    return {
        "X-Import-Rows": str(outcome.rows),
        "X-Import-Valid": str(outcome.valid),
        "X-Import-Errors": str(len(outcome.errors)),
        "X-Import-Registered": str(outcome.registered),
    }


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").lower() in ("true", "1", "yes")


def file_routes(registry: Registry, door: Door) -> list[Route]:
    async def agreement_report(request: Request, rid: str) -> Response:
        admission = await door.admit(request, REPORT_PURPOSE)
        grant = admission.grant
        fmt = request.path_params["format"]
        if fmt not in FORMATS or not (grant.sees_type("Statistics") and grant.sees_type("Agreement")):
            raise Refusal(404, N_("no such report"), "NOT_FOUND")
        try:
            year = int(request.path_params["year"])
        except ValueError as exc:
            raise InputError("year", "must be a number", "INVALID_FORMAT") from exc
        languages = report_languages(request)
        wages = grant.can_read("Placement.monthlyWageCny")

        def work(session: Session, recorder: DisclosureRecorder) -> tuple[bytes, str]:
            agreement, figures = yearly_figures(session, recorder, request.path_params["agreement"], year)
            cover = report_cover(session, agreement, grant.office.name, registry.access.roles_of)
            return render_report(figures, fmt, languages, wages, cover), report_file_name(figures, fmt)

        content, name = await run_for_office(registry, admission, work)
        return file_response(content, FORMATS[fmt][0], name)

    async def import_template(request: Request, rid: str) -> Response:
        admission = await door.admit(request)
        if not admission.grant.can_write(DUTY):
            raise Refusal(404, N_("not found"), "NOT_FOUND")
        day, unit = today(), admission.grant.office.unit_id
        communes = await run_for_office(
            registry, admission, lambda session, _recorder: communes_in_force(session, day, unit)
        )
        content = await in_thread(partial_call(template, file_language(request), communes))
        return file_response(content, XLSX_TYPE, "workers-template.xlsx")

    async def import_upload(request: Request, rid: str) -> Response:
        admission = await door.admit(request)
        grant = admission.grant
        if not grant.can_write(DUTY):
            raise Refusal(403, N_("your office has no duty to {duty}"), "FORBIDDEN", duty=DUTY)
        admission.state_purpose(IMPORT_PURPOSE)
        try:
            content = await upload_of(request, registry.settings.upload_seconds)
        except ClientDisconnect:
            log.info("request %s: the client disconnected before sending its whole file", rid)
            return Response(status_code=400)  # nobody is left to read it
        try:
            sheet = await in_thread(partial_call(read_sheet, content))
        except FileRefused as exc:
            raise Refusal(400, exc.template, "INVALID_FILE", **exc.params) from exc
        dry_run, partial, day = _flag(request, "dryRun"), _flag(request, "partial"), today()
        try:
            set_aside = await in_service(partial_call(_edits, registry, admission, sheet, rid))
        except FileRefused as exc:
            raise Refusal(400, exc.template, "INVALID_FILE", **exc.params) from exc
        dry_run = dry_run or set_aside is not None  # an export read back never writes
        described = request_hash(f"{request.method} {request.url.path}", dict(request.query_params), None)
        settings = registry.settings
        deadline = time.monotonic() + settings.import_seconds

        def run(work: Work[Chunk]) -> Chunk:
            return registry.run_for(
                grant,
                work,
                purpose=admission.purpose,
                request=described,
                token_id=admission.caller.token_id,
                writes=True,
                officer=admission.officer,
                case_ref=admission.case_ref,
            )

        loop = asyncio.get_running_loop()

        def keep_going() -> None:
            """Between chunks, in the import's thread: stop for a client gone or a budget spent."""
            if asyncio.run_coroutine_threadsafe(request.is_disconnected(), loop).result():
                raise ImportStopped("DISCONNECTED")
            if time.monotonic() > deadline:
                raise ImportStopped("TIME_BUDGET")

        outcome = await in_service(
            partial_call(
                import_in_chunks,
                run,
                grant,
                sheet,
                today=day,
                dry_run=dry_run,
                partial=partial,
                lookups_per_day=settings.import_lookups_per_day,
                keep_going=keep_going,
                set_aside=set_aside,
                chunk_rows=settings.import_chunk_rows,
            )
        )
        if request.query_params.get("format") == "xlsx" and outcome.stopped is None:
            language = file_language(request)
            marked = await in_thread(partial_call(marked_workbook, sheet, outcome.errors, language))
            response = file_response(marked, XLSX_TYPE, "checked-workers.xlsx")
            response.headers.update(_summary(outcome))
            return response
        return import_answer(outcome, settings.import_lookups_per_day, rid)

    async def workers_export(request: Request, rid: str) -> Response:
        admission = await door.admit(request)
        grant = admission.grant
        schema = registry.schemas.schema_for(grant)
        try:
            filters = {k: v for k, v in request.query_params.items() if k != "lang"}
            export = plan(schema._schema, filters)
        except ExportRefused as exc:
            raise Refusal(400, exc.template, "BAD_REQUEST", **exc.params) from exc
        if export is None:
            raise Refusal(404, N_("not found"), "NOT_FOUND")
        admission.state_purpose()
        prepared = schema.operations.prepare(export.query, None)

        def pages() -> list[dict[str, Any]] | dict[str, Any]:
            nodes: list[dict[str, Any]] = []
            after = None
            while True:
                variables: dict[str, Any] = {"after": after} | (
                    {"filter": export.filter} if export.filter else {}
                )
                operation = admission.operation(export.query, variables, None, prepared, rid)
                body = registry.execute(grant, operation).body
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

        nodes = await in_service(pages)
        if isinstance(nodes, dict):
            return JSONResponse(nodes, status_code=400)
        content = await in_thread(
            partial_call(write_rows, export.columns, nodes, file_language(request), export.enums)
        )
        return file_response(content, XLSX_TYPE, "workers.xlsx")

    return [
        Route("/exports/workers.xlsx", answering(workers_export), methods=["GET"]),
        Route(
            "/reports/agreements/{agreement}/{year}.{format}",
            answering(agreement_report),
            methods=["GET"],
        ),
        Route("/imports/workers/template.xlsx", answering(import_template), methods=["GET"]),
        Route("/imports/workers", answering(import_upload), methods=["POST"]),
        *upload_routes(),
    ]
