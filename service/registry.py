"""The running registry: database, policy, schemas, tokens, the ledger and the planner, wired once per
process; GraphQL operations and the file routes' work run through its one transaction template."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ledger.appender import LedgerAppender
from ledger.checkpoints import sign_checkpoint
from ledger.entries import Appended, Asked, Officer
from ledger.keys import LedgerFiles, SignedHead, load_signing_key
from ledger.recorder import DisclosureRecorder
from models.database import make_engine, session_factory
from models.kept import kept_for_the_ledger
from models.sealing import configure_keyring
from models.timeouts import StatementTimedOut, is_statement_timeout
from planner.driver import remember_long_statements
from planner.engine import CompiledReads, CompilingExecutionContext
from policies.access import AccessControl
from policies.grants import Grant
from policies.sessions import internal_session
from policies.tokens import Caller, TokenVerifier
from schema.builder import SchemaRegistry, policy_catalogue, write_duties
from schema.context import RequestContext
from schema.criteria import criteria_of_request, searches_personal
from schema.masking import UnexpectedError, is_database_down
from service.metrics import Metrics
from service.operations import Operation, Outcome, format_error, run_operation
from service.timings import time_statements, waited_for_ledger
from service.transaction import Transactions, Work
from settings import Settings

T = TypeVar("T")


class Registry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database_url = settings.database_url
        self.keyring = configure_keyring(settings.key_path)
        self.engine = make_engine(settings.database_url, settings.statement_seconds, serving=True)
        self.sessions = session_factory(self.engine)
        self.access = AccessControl(policy_catalogue(), write_duties(), settings.policy_dir)
        # Production (--no-graphiql) closes introspection too: the SDL is published by `schema export`.
        # The planner is plugged in here: the schema runs each operation with its execution context.
        self.schemas = SchemaRegistry(
            introspection=settings.graphiql, execution_context=CompilingExecutionContext
        )
        self.access.on_reload(lambda _version: self.schemas.clear())
        self.tokens = TokenVerifier()
        self.graphiql = settings.graphiql
        self.ledger_files = LedgerFiles.beside_keys(settings.key_path)
        self.ledger_key = load_signing_key(self.ledger_files.signing_key)
        # The head this host signed last: no entry is chained onto a database ledger cut behind it.
        self.signed_head = SignedHead(self.ledger_files.head)
        self.metrics = Metrics()
        self.appender = LedgerAppender(
            lambda: internal_session(self.sessions),
            self.ledger_key,
            self.advance_head,
            self._waited_for_ledger,
            settings.ledger_batch,
            self.signed_head,
            kept_for_the_ledger(self.engine),
        )
        self.transactions = Transactions(
            self.sessions,
            self.ledger_key,
            self.appender,
            self.advance_head,
            self.signed_head,
            settings.statement_seconds,
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
        if settings.log_format == "json":  # the request log names each request's time in SQL
            time_statements(self.engine)
        self.metrics.follow(
            "borderlabour_policy_decisions_total", "Casbin decisions.", lambda: self.access.decisions
        )
        self.metrics.follow("borderlabour_policy_reloads_total", "Policy loads.", lambda: self.access.reloads)
        self.metrics.follow("borderlabour_schema_builds_total", "Schemas built.", lambda: self.schemas.builds)
        # Reads answered by compiled SQL; None: every request runs on the reference engine.
        self.compiled = CompiledReads(searches_personal) if settings.engine == "compiled" else None
        if self.compiled is not None and self.engine.dialect.name == "postgresql":
            remember_long_statements()
        if self.compiled is not None:
            self.metrics.count_fallbacks(self.compiled)

    def authenticate(self, token: str) -> Caller | None:
        with internal_session(self.sessions) as session:
            caller = self.tokens.verify(session, token)
            # Ended with COMMIT, not the ROLLBACK of closing: psycopg forgets every statement
            # prepared on a connection when a transaction on it rolls back (`models.database`).
            session.commit()
            return caller

    def grant_for(self, caller: Caller) -> Grant:
        self.access.reload_if_changed()
        return self.access.grant_for(caller.office)

    def execute(self, grant: Grant, operation: Operation) -> Outcome:
        """Runs one GraphQL operation as the office, in the calling worker thread, in the one
        transaction template (`service.transaction`): a mutation's disclosure is ledgered with it,
        a read's after it, and an unexpected error keeps nothing the operation wrote."""
        schema = self.schemas.schema_for(grant)
        prepared, request_id = operation.prepared, operation.request_id

        def work(session: Session, recorder: DisclosureRecorder) -> Outcome:
            context = RequestContext(
                grant=grant,
                session=session,
                request_id=request_id,
                purpose=operation.purpose,
                ledger_key=self.ledger_key,
                compiled=self.compiled,
                recorder=recorder,
                officer=operation.officer,
            )
            result = run_operation(
                schema, prepared, context, operation.query, operation.variables, operation.operation_name
            )
            errors = [format_error(e, request_id) for e in result.errors or []]
            originals = [e.original_error for e in result.errors or []]
            if any(is_statement_timeout(e) for e in originals):
                raise StatementTimedOut(self.settings.statement_seconds)
            down = next((e for e in originals if is_database_down(e)), None)
            if down is not None:  # rolled back, then answered UNAVAILABLE or, a conflict, run again
                raise down
            recorder.searched(criteria_of_request(prepared, operation.variables, recorder))
            if any(isinstance(e, UnexpectedError) for e in originals):
                recorder.abandon()
            body: dict[str, Any] = {"data": result.data}
            if errors:
                body["errors"] = errors
            return Outcome(body, 200, context.planned)

        writes = prepared.operation_type == "mutation"
        again = self.settings.conflict_retries if writes else 0
        return self.transactions.run(grant, operation.asked(grant), work, writes=writes, again=again)

    def run_for(
        self,
        grant: Grant,
        work: Work[T],
        *,
        purpose: str | None,
        request: str,
        token_id: int | None,
        officer: Officer | None,
        case_ref: str | None,
        writes: bool = False,
    ) -> T:
        """Runs `work` (a report, an import) as the office, like a GraphQL operation:
        `work` reads and writes through the office's scoped session and notes on the recorder what
        it sent and wrote. Who answers for it (token, officer, case) is given by every caller, as
        for an `Operation`: a default let a door forget them and ledger no one."""
        asked = Asked(grant.office.id, token_id, purpose, request, officer, case_ref)
        return self.transactions.run(grant, asked, work, writes=writes)

    def _waited_for_ledger(self, seconds: float) -> None:
        self.metrics.ledger_wait.observe(seconds)
        waited_for_ledger(seconds)

    def advance_head(self, appended: Appended) -> None:
        checkpoint = sign_checkpoint(self.ledger_key, appended.seq, appended.entry_hash, appended.at)
        self.signed_head.advance(checkpoint)
