"""`GET /subjects/{id}/statement.pdf|.json`: a worker's statement, for the office answering their request.

The office states the purpose `data-subject-request` (and the case reference its policy asks for,
`web.door`); the worker is read through its scope, so a worker outside it is the same 404 as one
that does not exist. Making the statement is ledgered (`reports.statement`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledger.recorder import DisclosureRecorder
from locales import N_
from models.opaque import InvalidIdError, decode_id
from reports.statement import STATEMENT_PURPOSE, NotFound, subject_statement
from reports.statement_pdf import statement_pdf
from service.registry import Registry
from web.door import Door
from web.errors import Refusal, answering
from web.files import file_response, run_for_office

FORMATS = {"pdf": "application/pdf", "json": "application/json"}


def _not_found() -> Refusal:
    return Refusal(404, N_("no such worker"), "NOT_FOUND")


def statement_routes(registry: Registry, door: Door) -> list[Route]:
    async def statement(request: Request, rid: str) -> Response:
        admission = await door.admit(request, STATEMENT_PURPOSE)
        fmt = request.path_params["format"]
        if fmt not in FORMATS or not admission.grant.can_read("Worker.disclosures"):
            raise _not_found()
        try:
            _type, worker_id = decode_id(request.path_params["worker"], "Worker")
        except InvalidIdError:
            raise _not_found() from None
        language = admission.language  # `?lang=`, else Accept-Language (LanguageMiddleware)

        def work(session: Session, recorder: DisclosureRecorder) -> bytes:
            made = subject_statement(
                session, recorder, registry.ledger_key, admission.grant.office.name, worker_id, language
            )
            return made.as_json() if fmt == "json" else statement_pdf(made)

        try:
            content = await run_for_office(registry, admission, work)
        except NotFound:
            raise _not_found() from None
        return file_response(content, FORMATS[fmt], f"statement.{fmt}")

    return [Route("/subjects/{worker}/statement.{format}", answering(statement), methods=["GET"])]
