"""The one way a mutation is made: a duty name, an input type, a write function and a payload.

`write_duty` builds the resolver every write shares, so no mutation can forget a step:
  1. the grant must hold the duty (the schema already hides the mutation otherwise; this is the
     second lock against a schema built from a stale policy);
  2. the write runs in a savepoint with the caller's scoped session and the registry's today;
  3. refusals become the payload's `errors` (all of them at once) and leave nothing behind;
  4. what was written (the row, and any override or correction stored with it) goes to the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from locales import message_of, reader_language
from policies.writes import require_duty
from procedure.calendar import today
from resolvers.errors import InputError
from resolvers.validation import InputErrors
from resolvers.writes.common import WriteContext
from schema.context import Info
from schema.fields import duty
from schema.payloads import Payload, UserError

InputT = TypeVar("InputT")
PayloadT = TypeVar("PayloadT", bound=Payload)


def _user_error(error: InputError) -> UserError:
    """In the reader's language (Accept-Language), like every message the registry answers."""
    return UserError(field=error.field, message=message_of(error, reader_language()), code=error.code)


def write_duty(
    name: str,
    description: str,
    input_type: type[InputT],
    write: Callable[[WriteContext, InputT], Any],
    payload: type[PayloadT],
) -> Any:
    """A mutation field for the write duty `name` (the policy's name for it, in duties.csv)."""

    def resolve(info: Info, input: Any) -> Any:
        context = info.context
        require_duty(context.grant, name)
        w = WriteContext(context.session, context.grant, today(), context.recorder)
        try:
            with context.session.begin_nested():
                row = write(w, input)
        except InputErrors as exc:
            return payload(errors=[_user_error(e) for e in exc.errors])
        except InputError as exc:
            return payload(errors=[_user_error(exc)])
        context.recorder.wrote([(name, type(row).__name__, row.id), *w.written])
        return payload.answer(row)

    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload}
    return duty(name, description, resolver=resolve)
