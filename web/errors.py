"""Every error answer of the HTTP door: one refusal type, and the one function that renders it.

A `Refusal` carries its status, code, English message template, the values for the template and
the response headers; `refused` answers it as GraphQL-over-HTTP's error body in the reader's
language, with the request id. The refusals more than one route gives are made here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from locales import N_, message_of, reader_language, render
from models.timeouts import StatementTimedOut
from policies.purposes import CaseRefMissing, PurposeRefused
from policies.validity import OfficeClosed
from resolvers.errors import InputError
from service.operations import new_request_id
from service.transaction import DatabaseUnavailable, LedgerUnavailable, TransactionConflict
from web.threads import in_thread

T = TypeVar("T")
RETRY_SOON = {"Retry-After": "5"}
Handler = Callable[[Request, str], Awaitable[Response]]


log = logging.getLogger("borderlabour.request")


class Refusal(Exception):
    """An answer other than the one asked for: status, English template, code, values and headers."""

    def __init__(
        self, status: int, template: str, code: str, headers: dict[str, str] | None = None, /, **params: Any
    ) -> None:
        super().__init__(template)
        self.status, self.template, self.code, self.params = status, template, code, params
        self.headers = headers or {}


def refused(refusal: Refusal, request_id: str) -> JSONResponse:
    """The refusal's template answered in the reader's language with its values filled in."""
    text = render(refusal.template, reader_language(), **refusal.params)
    body = {"errors": [{"message": text, "extensions": {"code": refusal.code, "requestId": request_id}}]}
    return JSONResponse(
        body, status_code=refusal.status, headers={"X-Request-Id": request_id, **refusal.headers}
    )


def refusal_errors(refusal: Refusal) -> list[dict[str, Any]]:
    """The refusal as the `errors` of a GraphQL answer where there is no HTTP response to carry it
    (a subscription's `error` message): in the reader's language, the wait of a 429 as `retryAfter`."""
    extensions: dict[str, Any] = {"code": refusal.code}
    if "Retry-After" in refusal.headers:
        extensions["retryAfter"] = int(refusal.headers["Retry-After"])
    message = render(refusal.template, reader_language(), **refusal.params)
    return [{"message": message, "extensions": extensions}]


def input_refused(error: InputError, request_id: str) -> JSONResponse:
    """An input a file route refuses, naming its field: 404 for what is not found, else 400."""
    status = 404 if error.code == "NOT_FOUND" else 400
    body = {
        "errors": [
            {
                "message": message_of(error, reader_language()),
                "extensions": {"code": error.code, "field": error.field, "requestId": request_id},
            }
        ]
    }
    return JSONResponse(body, status_code=status, headers={"X-Request-Id": request_id})


def no_token() -> Refusal:
    return Refusal(
        401,
        N_("authentication required: send Authorization: Bearer <token>"),
        "UNAUTHENTICATED",
        {"WWW-Authenticate": "Bearer"},
    )


def invalid_token() -> Refusal:
    return Refusal(
        401,
        N_("the token is unknown, expired or revoked"),
        "UNAUTHENTICATED",
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def office_closed(closed: OfficeClosed) -> Refusal:
    """An office outside its validity: its token is refused, naming the office acting for it."""
    return Refusal(
        401,
        closed.template,
        closed.code,
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        **closed.params,
    )


def rate_limited(wait: int) -> Refusal:
    message = N_("too many requests with this token; retry in {seconds} s")
    return Refusal(429, message, "RATE_LIMITED", {"Retry-After": str(wait)}, seconds=wait)


def too_costly(cost: int, limit: int) -> Refusal:
    message = N_(
        "the operation could return {cost} objects, more than the limit of {limit}: "
        "ask for fewer (smaller pages, fewer aliases)"
    )
    return Refusal(400, message, "QUERY_TOO_COSTLY", cost=cost, limit=limit)


def database_unavailable() -> Refusal:
    message = N_("the registry database is unavailable; retry shortly")
    return Refusal(503, message, "UNAVAILABLE", RETRY_SOON)


def transaction_conflict() -> Refusal:
    message = N_("the write met another one made at the same moment and was not made; retry it")
    return Refusal(503, message, "WRITE_CONFLICT", RETRY_SOON)


def statement_timed_out(seconds: float) -> Refusal:
    message = N_(
        "the operation took longer than the database allows ({seconds} s per statement) and was "
        "stopped; retry shortly, or ask for less"
    )
    return Refusal(503, message, "QUERY_TIMEOUT", RETRY_SOON, seconds=f"{seconds:g}")


def ledger_unavailable() -> Refusal:
    message = N_("the disclosure could not be recorded in the ledger, so nothing was sent; retry shortly")
    return Refusal(503, message, "LEDGER_UNAVAILABLE", RETRY_SOON)


def purpose_refused(refusal: PurposeRefused, stated: str | None) -> Refusal:
    """400 when no purpose was stated, 403 when the one stated is not allowed."""
    if not stated:
        return Refusal(400, refusal.template, "PURPOSE_REQUIRED", **refusal.params)
    return Refusal(403, refusal.template, "PURPOSE_REFUSED", **refusal.params)


def case_ref_required(purpose: str) -> Refusal:
    message = N_("the purpose {purpose} needs a case reference: send it in the X-Case-Ref header")
    return Refusal(400, message, "CASE_REF_REQUIRED", purpose=purpose)


def header_malformed(header: str, limit: int) -> Refusal:
    message = N_("the {header} header must be 1 to {limit} printable characters")
    return Refusal(400, message, "INVALID_HEADER", header=header, limit=limit)


async def in_service(work: Callable[[], T]) -> T:
    """`work` run by the service in a worker thread (a slow database never stalls the event loop);
    a ledger or database that failed becomes its 503."""
    try:
        return await in_thread(work)
    except LedgerUnavailable as exc:
        raise ledger_unavailable() from exc
    except TransactionConflict as exc:
        raise transaction_conflict() from exc
    except DatabaseUnavailable as exc:
        raise database_unavailable() from exc
    except StatementTimedOut as exc:
        raise statement_timed_out(exc.seconds) from exc
    except CaseRefMissing as exc:  # the transaction's own check: a door that forgot to ask
        log.error("a request reached the service without the case reference its purpose needs")
        raise case_ref_required(exc.purpose) from exc


def unexpected_error(exc: BaseException, rid: str) -> Response:
    """A 500 naming the request id, and one ERROR line with the traceback under that id.

    The answer is complete here: the exception goes no further, so neither Starlette nor the server
    logs it a second time.
    """
    log.error("unhandled error in request %s: %s", rid, type(exc).__name__, exc_info=exc)
    message = N_("internal error; quote request id {request_id} to the registry administrator")
    return refused(Refusal(500, message, "INTERNAL", request_id=rid), rid)


def answering(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A route from `handler(request, request_id)`: its Refusal or InputError becomes the error
    answer, and every answer carries the request id."""

    async def endpoint(request: Request) -> Response:
        rid = new_request_id()
        try:
            response = await handler(request, rid)
        except Refusal as refusal:
            return refused(refusal, rid)
        except InputError as exc:
            return input_refused(exc, rid)
        except Exception as exc:  # answered and logged here, once, under the request's own id
            return unexpected_error(exc, rid)
        response.headers["X-Request-Id"] = rid
        return response

    return endpoint
