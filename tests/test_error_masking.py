"""An exception the registry did not raise on purpose reaches the client as `INTERNAL` with a request
id and nothing else, and it is the exception's type, not its wording, that makes the write roll back."""

from __future__ import annotations

import asyncio
from unittest.mock import MagicMock

import pytest
from graphql import GraphQLError

from schema.builder import OfficeSchema
from schema.context import RequestContext
from schema.masking import UnexpectedError
from schema.query import Me
from service.operations import format_error
from tests.policy_expectations import grant

pytestmark = pytest.mark.engine_independent("error masking in the schema, over a mock session")

SECRET = "002198001234 Giàng Thị Mỷ"


def _run(schema: OfficeSchema, document: str) -> list[GraphQLError]:
    context = RequestContext(grant=schema.grant, session=MagicMock(), request_id="req-42")
    result = asyncio.new_event_loop().run_until_complete(schema.execute(document, context_value=context))
    return list(result.errors or [])


@pytest.fixture
def crashing_me(monkeypatch) -> None:
    def crash(*_args: object, **_kwargs: object) -> Me:
        raise RuntimeError(f"cannot format {SECRET}")

    monkeypatch.setattr(Me, "__init__", crash)


def test_an_unexpected_exception_is_masked_with_the_request_id(crashing_me) -> None:
    [error] = _run(OfficeSchema(grant("cn-hekou")), "{ me { code } }")
    formatted = format_error(error, "req-42")
    assert formatted["extensions"] == {"code": "INTERNAL", "requestId": "req-42"}
    assert "req-42" in formatted["message"] and SECRET not in str(formatted)
    assert isinstance(error.original_error, UnexpectedError)  # what Registry.execute rolls back on


def test_the_registrys_own_errors_are_not_masked() -> None:
    [error] = _run(OfficeSchema(grant("cn-hekou")), "{ me { nationalIdNumber } }")
    assert error.original_error is None and "nationalIdNumber" in error.message
