"""The running registry: database, policy, schemas and tokens, wired once per process."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import GraphQLError
from sqlalchemy.orm import Session
from strawberry.types import ExecutionResult

from ledger.appender import LedgerAppender, LedgerRefused
from ledger.checkpoints import sign_checkpoint
from ledger.entries import Appended, Asked, Disclosure, append, request_hash
from ledger.keys import LedgerFiles, SignedHead, advance_head, load_signing_key
from locales import message_of, reader_language
from locales.graphql import translate_graphql
from models.database import make_engine, session_factory
from models.sealing import configure_keyring
from planner.engine import CompiledReads
from policies.access import AccessControl
from policies.grants import Grant
from policies.sessions import LOOKUPS_KEY, internal_session, scoped_session
from policies.tokens import Caller, TokenVerifier
from resolvers.errors import InputError
from schema.builder import OfficeSchema, SchemaRegistry, policy_catalogue, write_duties
from schema.context import RequestContext
from schema.criteria import criteria_of_request
from schema.masking import UnexpectedError, is_database_down
from schema.metrics import Metrics
from schema.operations import PreparedOperation
from settings import Settings

log = logging.getLogger("borderlabour.request")

_thread_state = threading.local()
T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the client gets 503 and may retry."""


class LedgerUnavailable(RuntimeError):
    """The disclosure could not be recorded, so the answer must not be sent."""


def _thread_loop() -> asyncio.AbstractEventLoop:
    """Each worker thread keeps one event loop: DataLoaders need a loop, the session needs a thread."""
    loop = getattr(_thread_state, "loop", None)
    if loop is None:
        loop = _thread_state.loop = asyncio.new_event_loop()
    return loop


@dataclass
class Outcome:
    body: dict[str, Any]
    status: int = 200
    written: list[tuple[str, str, int]] = field(default_factory=list)
    planned: bool = False  # a compiled answer: strings, integers, booleans and nulls only


class Registry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database_url = settings.database_url
        self.keyring = configure_keyring(settings.key_path)
        self.engine = make_engine(settings.database_url)
        self.sessions = session_factory(self.engine)
        self.access = AccessControl(policy_catalogue(), write_duties(), settings.policy_dir)
        # Production (--no-graphiql) closes introspection too: the SDL is published by `schema export`.
        self.schemas = SchemaRegistry(introspection=settings.graphiql)
        self.access.on_reload(lambda _version: self.schemas.clear())
        self.tokens = TokenVerifier()
        self.graphiql = settings.graphiql
        self.ledger_files = LedgerFiles.beside_keys(settings.key_path)
        self.ledger_key = load_signing_key(self.ledger_files.signing_key)
        self.signed_head = SignedHead(self.ledger_files.head)
        self.metrics = Metrics()
        self.appender = LedgerAppender(
            lambda: internal_session(self.sessions),
            self.ledger_key,
            self.advance_head,
            self.metrics.ledger_wait.observe,
            settings.ledger_batch,
            self.signed_head,
        )
        self.metrics.follow(
            "borderlabour_ledger_batches_total",
            "Transactions that appended reads' entries (group commit: fewer than the entries).",
            lambda: self.appender.batches,
        )
        self.metrics.follow(
            "borderlabour_ledger_behind_total",
            "Appends refused because the database's ledger head is behind the signed head file.",
            lambda: self.signed_head.refusals,
        )
        self.metrics.count_statements(self.engine)
        self.metrics.follow(
            "borderlabour_policy_decisions_total", "Casbin decisions.", lambda: self.access.decisions
        )
        self.metrics.follow("borderlabour_policy_reloads_total", "Policy loads.", lambda: self.access.reloads)
        self.metrics.follow("borderlabour_schema_builds_total", "Schemas built.", lambda: self.schemas.builds)
        # Reads answered by compiled SQL; None: every request runs on the reference engine.
        self.compiled = CompiledReads() if settings.engine == "compiled" else None
        if self.compiled is not None:
            self.metrics.count_fallbacks(self.compiled)

    def authenticate(self, token: str) -> Caller | None:
        with internal_session(self.sessions) as session:
            return self.tokens.verify(session, token)

    def grant_for(self, caller: Caller) -> Grant:
        self.access.reload_if_changed()
        return self.access.grant_for(caller.office)

    def execute(
        self,
        grant: Grant,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        purpose: str | None,
        prepared: PreparedOperation,
        request_id: str,
        token_id: int | None = None,
    ) -> Outcome:
        """Runs one GraphQL operation on a scoped session in the calling worker thread.

        An answer that discloses personal data, or a write, is ledgered before it is returned: a
        write in its own transaction, a read after the read, in a transaction it shares with the
        reads this process answers at the same moment (group commit, `ledger.appender`).
        If the entry cannot be written the caller gets `LedgerUnavailable` and sends nothing.
        """
        schema = self.schemas.schema_for(grant)
        session = scoped_session(self.sessions, grant)
        try:
            if prepared.operation_type == "mutation":
                session.connection(execution_options={"sqlite_immediate": True})
            context = RequestContext(
                grant=grant,
                session=session,
                request_id=request_id,
                purpose=purpose,
                ledger_key=self.ledger_key,
                compiled=self.compiled,
            )
            result = run_operation(schema, prepared, context, query, variables, operation_name)
            errors = [self.format_error(e, request_id) for e in result.errors or []]
            if any(is_database_down(e.original_error) for e in result.errors or []):
                session.rollback()
                raise DatabaseUnavailable()
            disclosure = context.disclosure
            disclosure.criteria.extend(criteria_of_request(prepared, variables, context.matched))
            disclosure.lookups.extend(session.info.pop(LOOKUPS_KEY, []))
            ledger_entry: dict[str, Any] = dict(
                office_id=grant.office.id,
                token_id=token_id,
                purpose=purpose,
                request=request_hash(query, variables, operation_name),
            )
            if any(isinstance(e.original_error, UnexpectedError) for e in result.errors or []):
                session.rollback()
                disclosure.written.clear()
            elif prepared.operation_type == "mutation" and disclosure:
                head = self._ledgered(
                    lambda: append(
                        session, self.ledger_key, disclosure, signed=self.signed_head, **ledger_entry
                    )
                )
                session.commit()
                self.advance_head(head)
            else:
                session.commit()
            if disclosure and prepared.operation_type != "mutation":
                self.record_disclosure(disclosure, ledger_entry)
            body: dict[str, Any] = {"data": result.data}
            if errors:
                body["errors"] = errors
            return Outcome(body, 200, context.written, context.planned)
        except (DatabaseUnavailable, LedgerUnavailable):
            session.rollback()
            raise
        except Exception as exc:
            session.rollback()
            if is_database_down(exc):
                raise DatabaseUnavailable() from exc
            raise
        finally:
            session.close()

    def run_for(
        self,
        grant: Grant,
        work: Callable[[Session, Disclosure], T],
        *,
        purpose: str | None,
        request: str,
        token_id: int | None = None,
        writes: bool = False,
    ) -> T:
        """Runs `work` (a report, an import, an export) as the office, like a GraphQL operation.

        `work` reads and writes through the office's scoped session and notes in the `Disclosure`
        what it sent and wrote. Writes are ledgered in their own transaction and committed with it,
        all or nothing; a read is ledgered after it. If the ledger fails nothing is sent or kept.
        """
        disclosure = Disclosure(workers={}, written=[])
        entry: dict[str, Any] = dict(
            office_id=grant.office.id, token_id=token_id, purpose=purpose, request=request
        )
        session = scoped_session(self.sessions, grant)
        try:
            if writes:
                session.connection(execution_options={"sqlite_immediate": True})
            result = work(session, disclosure)
            if writes and disclosure:
                head = self._ledgered(
                    lambda: append(session, self.ledger_key, disclosure, signed=self.signed_head, **entry)
                )
                session.commit()
                self.advance_head(head)
            else:
                session.commit()
        except Exception as exc:
            session.rollback()
            if is_database_down(exc):
                raise DatabaseUnavailable() from exc
            raise
        finally:
            session.close()
        if disclosure and not writes:
            self.record_disclosure(disclosure, entry)
        return result

    def record_disclosure(self, disclosure: Disclosure, entry: dict[str, Any]) -> None:
        """Returns once the read's entry is committed, with those of concurrent reads (group commit)."""
        try:
            self.appender.record(disclosure, Asked(**entry))
        except LedgerRefused as exc:
            log.error("ledger append failed: %s", type(exc.__cause__).__name__)
            raise LedgerUnavailable() from exc

    def advance_head(self, appended: Appended) -> None:
        checkpoint = sign_checkpoint(self.ledger_key, appended.seq, appended.entry_hash, appended.at)
        advance_head(self.ledger_files.head, checkpoint)

    @staticmethod
    def _ledgered(write: Any) -> Any:
        try:
            return write()
        except Exception as exc:
            log.error("ledger append failed: %s", type(exc).__name__)
            raise LedgerUnavailable() from exc

    @staticmethod
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


def translated(error: GraphQLError) -> dict[str, Any]:
    """graphql-core's own error (validation, syntax), its message in the reader's language."""
    formatted = dict(error.formatted)
    formatted["message"] = translate_graphql(str(formatted["message"]), reader_language())
    return formatted


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]
