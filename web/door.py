"""The one door every route passes: who calls (bearer token), as which office (its grant), within
its rate, for which purpose, in which language; and, once an operation is prepared, within the
cost limit (`Door.within_cost`). A subscription over the socket counts against the same rate and
cost limit (`Door.count`, `web.subscriptions`).

`admit` refuses with a `web.errors.Refusal`: 401 for a missing or bad token, or an office out of
force; 429 over the token's rate; 503 when the database cannot say who the token is; 400/403 for a
purpose not stated or not the office's. GraphQL requests and files count against the same rate.
Which purpose a request needs may only be known later (a GraphQL operation, once prepared):
`Admission.state_purpose`.

A purpose the office states only with a case reference (`policies/purposes.csv`, `policies.officers`)
is refused 400 `CASE_REF_REQUIRED` without `X-Case-Ref`; a malformed `X-Case-Ref` (control
characters, NUL, over 64 characters) is refused 400 `INVALID_HEADER` whatever the purpose. The
admission then carries who is accountable for the request: the token's officer and the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from starlette.requests import Request

from ledger.entries import Officer
from locales import reader_language
from policies.grants import Grant
from policies.officers import CASE_REF_HEADER, CASE_REF_LIMIT, well_formed
from policies.purposes import CaseRefMissing, PurposeRefused, check_purpose
from policies.tokens import Caller
from policies.validity import OfficeClosed
from schema.masking import is_database_down
from schema.operations import PreparedOperation
from service.operations import Operation
from service.registry import Registry
from web.errors import (
    case_ref_required,
    database_unavailable,
    header_malformed,
    invalid_token,
    no_token,
    office_closed,
    purpose_refused,
    rate_limited,
    too_costly,
)
from web.ratelimit import DatabaseRateLimiter, RateLimiter
from web.threads import in_thread


def bearer(request: Request) -> str:
    """The request's bearer token, or the 401 that asks for one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise no_token()
    return token.strip()


@dataclass
class Admission:
    """A request let in: its caller, the office's grant and its language."""

    request: Request
    caller: Caller
    grant: Grant
    language: str
    purpose: str | None = None  # only a purpose the policy allowed, never the raw header
    case_ref: str | None = None  # a well-formed X-Case-Ref, if one was sent

    @property
    def officer(self) -> Officer | None:
        """The officer the token was issued to; none for a service token."""
        return self.caller.officer

    def state_purpose(self, required: str | None = None) -> str:
        """The X-Purpose the office may state (and, for `required`, that one), or its refusal."""
        stated = self.request.headers.get("x-purpose")
        try:
            self.purpose = check_purpose(self.grant, stated, required, case_ref=self.case_ref)
        except CaseRefMissing as exc:
            raise case_ref_required(exc.purpose) from exc
        except PurposeRefused as exc:
            raise purpose_refused(exc, stated) from exc
        return self.purpose

    def operation(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        prepared: PreparedOperation,
        request_id: str,
    ) -> Operation:
        """The request as the service runs and ledgers it, with who answers for it: the token, the
        officer it was issued to and the case stated (the purpose as `state_purpose` allowed it)."""
        return Operation(
            query,
            variables,
            operation_name,
            prepared,
            self.purpose,
            request_id,
            self.caller.token_id,
            self.officer,
            self.case_ref,
        )


class Door:
    def __init__(self, registry: Registry, limiter: RateLimiter | DatabaseRateLimiter) -> None:
        self.registry = registry
        self.limiter = limiter

    async def admit(self, request: Request, required_purpose: str | None = None) -> Admission:
        """The request's admission, with its purpose checked when `required_purpose` names one."""
        token = bearer(request)
        try:
            known, caller = self.registry.tokens.remembered(token)
            if not known:  # only the database can say: asked from a worker thread
                caller = await in_thread(partial(self.registry.authenticate, token))
        except OfficeClosed as exc:
            raise office_closed(exc) from exc
        except Exception as exc:
            if is_database_down(exc):
                raise database_unavailable() from exc
            raise
        if caller is None:
            raise invalid_token()
        await self.count(caller)
        case_ref = request.headers.get(CASE_REF_HEADER)
        if case_ref is not None and not well_formed(case_ref, CASE_REF_LIMIT):
            raise header_malformed(CASE_REF_HEADER, CASE_REF_LIMIT)
        grant = self.registry.grant_for(caller)
        admission = Admission(request, caller, grant, reader_language(), case_ref=case_ref)
        if required_purpose is not None:
            admission.state_purpose(required_purpose)
        return admission

    async def count(self, caller: Caller) -> None:
        """One request taken from the token's bucket, or the 429 naming the wait (503 when the
        database that keeps the buckets does not answer). A subscription counts as a request."""
        try:
            if self.limiter.local:
                wait = self.limiter.retry_after(caller.token_id)
            else:  # the shared buckets are rows of the database
                wait = await in_thread(partial(self.limiter.retry_after, caller.token_id))
        except Exception as exc:
            if is_database_down(exc):
                raise database_unavailable() from exc
            raise
        if wait is not None:
            raise rate_limited(wait)

    def within_cost(self, prepared: PreparedOperation, variables: dict[str, Any] | None) -> None:
        """Nothing, or the 400 QUERY_TOO_COSTLY of an operation that could return more objects than
        the limit (`schema.cost`): asked of every operation, over HTTP and over the socket, before it runs."""
        limit = self.registry.settings.query_cost_limit
        cost = prepared.cost.of(variables)
        if cost > limit:
            raise too_costly(cost, limit)
