"""One GraphQL operation as the service runs it: what is asked (`Operation`), how it is executed (the
compiled engine first for a query, else the schema's own execution) and how its errors read.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from ledger.entries import Asked, Officer, request_hash
from locales import message_of, reader_language
from locales.graphql import translate_graphql
from policies.grants import Grant
from resolvers.errors import InputError
from schema.builder import OfficeSchema
from schema.context import RequestContext
from schema.masking import UnexpectedError
from schema.operations import PreparedOperation
from service import timings

_thread_state = threading.local()


@dataclass(frozen=True)
class Operation:
    """One GraphQL request as the office made it: the document prepared for the office's schema, the
    purpose the policy allowed (never the raw header), the request id and the token it came with."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    prepared: PreparedOperation
    purpose: str | None
    request_id: str
    # Who answers for the request, given by every caller (a default let two doors forget them):
    token_id: int | None  # none: the office's own service (a webhook's delivery)
    officer: Officer | None  # the token's officer; none for a service token
    case_ref: str | None

    def asked(self, grant: Grant) -> Asked:
        """The ledger's columns for this request besides what it disclosed."""
        request = request_hash(self.query, self.variables, self.operation_name)
        return Asked(grant.office.id, self.token_id, self.purpose, request, self.officer, self.case_ref)


@dataclass
class Outcome:
    body: dict[str, Any]
    status: int = 200
    planned: bool = False  # a compiled answer: strings, integers, booleans and nulls only


def _thread_loop() -> asyncio.AbstractEventLoop:
    """Each worker thread keeps one event loop: DataLoaders need a loop, the session needs a thread."""
    loop = getattr(_thread_state, "loop", None)
    if loop is None:
        loop = _thread_state.loop = asyncio.new_event_loop()
    return loop


def run_operation(
    schema: OfficeSchema,
    prepared: PreparedOperation,
    context: RequestContext,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> ExecutionResult:
    """A query the compiled engine answers straight from its preparation; anything else (and any
    query it does not answer) through the schema's own execution, where the reference engine runs."""
    if context.compiled is not None and prepared.operation_type == "query":
        data = context.compiled.answer_prepared(schema._schema, prepared, context, variables, operation_name)
        if data is not None:
            context.planned = True
            return ExecutionResult(data=data, errors=None)
    return _thread_loop().run_until_complete(
        schema.execute(query, variable_values=variables, context_value=context, operation_name=operation_name)
    )


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The error as the client sees it. Unexpected errors arrive here already masked
    (`schema.masking`); the registry's own refusals get their code."""
    original = error.original_error
    if isinstance(original, UnexpectedError):
        return dict(error.formatted)  # masked already, its message in the reader's language
    if original is None or isinstance(original, GraphQLError):
        return translated(error)
    formatted: dict[str, Any] = {"message": message_of(original, reader_language()), "path": error.path}
    if isinstance(original, InputError):
        formatted["extensions"] = {"code": original.code, "field": original.field}
    else:
        formatted["extensions"] = {"code": "FORBIDDEN"}
    return formatted


def translated(error: GraphQLError) -> dict[str, Any]:
    """graphql-core's own error (validation, syntax), its message in the reader's language."""
    formatted = dict(error.formatted)
    formatted["message"] = translate_graphql(str(formatted["message"]), reader_language())
    return formatted


def new_request_id() -> str:
    """The id of the HTTP request being answered (the one its access line names), else a new one."""
    return timings.request_id() or timings.new_id()
