"""A document is validated once per office schema (`schema.validation`): what that one pass tells
each reader is what validating separately told it before (issue 16).

The oracles are graphql-core's `validate` with graphql-core's rules alone, with the schema's limits
alone, and strawberry's own `validate_document` with the rules strawberry's execution gathers (the
limit extensions made afresh, as for each operation): the preparation's errors, whether the
document is within the limits, and what strawberry reports must equal them, error for error and in
order, for valid documents, for each kind of refusal, for both mixed in one document, and past
graphql-core's limit of 100 errors. Over HTTP and on both engines, the differential test
(test_compiled_reads.py) and the HTTP contract run every answer through the one pass.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import NoSchemaIntrospectionCustomRule, parse, specified_rules, validate
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.schema import validate_document

from schema.builder import LIMITS, SUGGESTION, OfficeSchema
from schema.context import RequestContext
from tests.policy_expectations import grant

pytestmark = pytest.mark.engine_independent("validation of documents against a schema; no database")

DEEP = "{ workers { nodes { " + "placements { worker { " * 7 + "id" + " } }" * 7 + " } } }"
DOCUMENTS = {
    "valid": "query Q($n: Int) { workers(first: $n) { totalCount nodes { id fullName } } me { code } }",
    "unknown field": "{ workers { nodes { nothing } } }",
    "wrong argument and variable": "query Q($n: String) { workers(first: $n, last: 1) { totalCount } }",
    "too deep": DEEP,
    "too many aliases": "{ " + " ".join(f"a{i}: me {{ code }}" for i in range(31)) + " }",
    "deep, aliased and unknown at once": "{ x: nothing "
    + " ".join(f"a{i}: me {{ code }}" for i in range(31))
    + DEEP[1:],
    "introspection": "{ __schema { queryType { name } } }",
    "past 100 errors": "{ " + " ".join(f"f{i}" for i in range(120)) + " }",
}


def _made_afresh(closed: bool) -> tuple[Any, ...]:
    """The rules the schema's limit extensions add, made as strawberry makes them per operation."""
    extensions: list[AddValidationRules] = [
        QueryDepthLimiter(max_depth=LIMITS.max_depth),
        MaxAliasesLimiter(max_alias_count=LIMITS.max_aliases),
    ]
    if closed:
        extensions.append(AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return tuple(rule for extension in extensions for rule in extension.validation_rules)


def _said(errors: Any) -> list[tuple[str, Any]]:
    """Each error's words and place; strawberry takes the suggestions out of a message it answers
    with (`OfficeSchema.process_errors`), in place, so they are left out here on either side."""
    return [(e.message.split(SUGGESTION, 1)[0].rstrip(), e.locations) for e in errors]


@pytest.fixture(scope="module", params=[False, True], ids=["introspection", "closed"])
def office(request: pytest.FixtureRequest) -> tuple[OfficeSchema, bool]:
    """cn-hekou's schema, and whether introspection is closed (`serve --no-graphiql`)."""
    return OfficeSchema(grant("cn-hekou"), introspection=not request.param), request.param


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_one_pass_tells_each_reader_what_validating_apart_told_it(
    office: tuple[OfficeSchema, bool], name: str
) -> None:
    (schema, closed), query = office, DOCUMENTS[name]
    prepared = schema.operations.prepare(query, None)
    document, limits = parse(query), _made_afresh(closed)
    graphql_cores = validate(schema._schema, document, specified_rules)
    assert _said(prepared.errors) == _said(graphql_cores)
    if not graphql_cores:
        assert prepared.within_limits == (not validate(schema._schema, document, limits))
    strawberrys = validate_document(schema._schema, document, (*specified_rules, *limits))
    assert prepared.validated is not None
    if prepared.validated.every_error is not None:
        assert _said(prepared.validated.every_error) == _said(strawberrys)
    else:  # graphql-core aborted the one pass: strawberry validates for itself
        assert name == "past 100 errors" and len(strawberrys) == 101


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_strawberry_answers_with_the_errors_of_its_own_validation(
    office: tuple[OfficeSchema, bool], name: str
) -> None:
    (schema, closed), query = office, DOCUMENTS[name]
    context = RequestContext(grant=schema.grant, session=None, request_id="one-validation")  # type: ignore[arg-type]
    result = asyncio.new_event_loop().run_until_complete(schema.execute(query, context_value=context))
    expected = validate_document(schema._schema, parse(query), (*specified_rules, *_made_afresh(closed)))
    if expected:
        assert result.data is None and _said(result.errors) == _said(expected)
    else:  # it ran (without a database here): any error is execution's, at a path
        assert all(error.path for error in result.errors or [])
