"""What every resolver of one request can reach: the caller's grant, its scoped session, loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session
from strawberry.types import Info as StrawberryInfo

from ledger.entries import Officer
from ledger.recorder import DisclosureRecorder
from policies.grants import Grant
from resolvers.loaders import Loaders

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from schema.operations import PreparedOperation


class ReadEngine(Protocol):
    """A read engine beside the schema's own execution (the planner's `CompiledReads`, plugged in by
    the service): it answers a prepared query whole, or returns None and the schema answers it."""

    def answer_prepared(
        self,
        schema: GraphQLSchema,
        prepared: PreparedOperation,
        context: Any,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> dict[str, Any] | None: ...


@dataclass
class RequestContext:
    grant: Grant
    session: Session
    request_id: str
    purpose: str | None = None
    ledger_key: Ed25519PrivateKey | None = None  # signs `ledgerCheckpoint`
    compiled: ReadEngine | None = None  # the compiled read engine, unless the reference one answers
    # what the request discloses, searches by, looks up and writes: the transaction's, for the ledger
    recorder: DisclosureRecorder = field(default_factory=DisclosureRecorder)
    loaders: Loaders = field(init=False)
    planned: bool = False  # answered by the compiled engine straight from the prepared operation
    # The compiled engine declined this request already, as its operation was prepared (no compile
    # rule, an input refused, a failure): the schema's execution goes straight to the reference
    # engine rather than planning the query, or running a failing statement, a second time.
    compiled_declined: bool = False
    officer: Officer | None = None  # the token's officer; none for a service token

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.session)


Info = StrawberryInfo[RequestContext, None]
