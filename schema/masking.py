"""What a client sees of an error the registry did not raise on purpose: a request id, nothing else.

`MaskUnexpectedErrors` is strawberry's `MaskErrors` extension with the registry's rule. Errors
the registry raises for the client (refused input, a duty or purpose refused, GraphQL's own
validation errors) pass through; anything else is logged with its trace under the request id and
replaced by an `INTERNAL` error naming only that id. The replacement keeps the type
`UnexpectedError` as its original error, which is how `Registry.execute` knows to roll back.
A database that stopped answering is left alone: the HTTP layer turns it into a 503.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, OperationalError
from strawberry.extensions import MaskErrors

from locales import N_, reader_language, render
from models.timeouts import is_statement_timeout
from policies.purposes import PurposeRefused
from policies.writes import DutyRefused
from resolvers.errors import InputError

log = logging.getLogger("borderlabour.request")

SAFE_ERRORS = (InputError, DutyRefused, PurposeRefused)
INTERNAL_MESSAGE = N_("internal error; quote request id {request_id} to the registry administrator")


class UnexpectedError(Exception):
    """Stands for an exception the client must not see; its request id is the only thing it carries."""

    def __init__(self, request_id: str) -> None:
        super().__init__(request_id)
        self.request_id = request_id


def is_database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return not (
        original is None
        or isinstance(original, (GraphQLError, UnexpectedError, *SAFE_ERRORS))
        or is_database_down(original)
        or is_statement_timeout(original)
    )


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = str(getattr(self.execution_context.context, "request_id", "unknown"))
        original = error.original_error
        if original is not None:
            log.error(
                "internal error in request %s: %s",
                request_id,
                type(original).__name__,
                exc_info=(type(original), original, original.__traceback__),
            )
        return GraphQLError(
            message=render(INTERNAL_MESSAGE, reader_language(), request_id=request_id),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=UnexpectedError(request_id),
            extensions={"code": "INTERNAL", "requestId": request_id},
        )
