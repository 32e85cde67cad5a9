"""One validation of a document per office schema, for the preparation and strawberry alike.

The preparation (`schema.operations`) needs graphql-core's rules and, apart, the schema's limits
(depth, aliases, closed introspection); strawberry, when it runs an operation (a mutation, a read
the compiled engine leaves to the reference engine), validated the same document again with all
of those and two rules of its own, on every request: its validation cache never hits, since the
limit extensions make new rule classes for each operation. Both validations of a new document
cost as much as answering it (issue 16). Now one pass runs every rule and each error is told
apart by the rule that reported it. graphql-core's visitor runs the rules side by side, none
affecting another, so each group's errors are, in order, those of validating with that group
alone, and all of them are what strawberry's own validation gives; a pass that graphql-core
aborts (too many errors, fragments nested too deep) is done again group by group, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    specified_rules,
    validate,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

if TYPE_CHECKING:
    from schema.operations import OperationCache

# The rules strawberry adds after the schema's (`strawberry.schema.schema.validate_document`).
STRAWBERRY_RULES: tuple[type[ASTValidationRule], ...] = (MaybeNullValidationRule, OneOfInputValidationRule)
Rules = Sequence[type[ASTValidationRule]]


class EmptySelectionOrUnknownFragment(Visitor):
    """Refuses what graphql-core 3.3 parses but the spec forbids (`{ }`), and spreads of fragments
    the document does not define, before any extension walks the document."""

    def __init__(self, document: DocumentNode) -> None:
        super().__init__()
        self.contains_nul = False
        self.fragments = {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        if not node.selections and node.loc is not None:  # parse() always sets loc
            message = "Expected at least one field or fragment in a selection set."
            raise GraphQLSyntaxError(node.loc.source, node.loc.start, message)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        if node.name.value not in self.fragments:
            raise GraphQLError(f"Unknown fragment '{node.name.value}'.", node)

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.contains_nul = self.contains_nul or "\x00" in node.value


@dataclass(frozen=True)
class Validated:
    """`errors`: graphql-core's rules; `limit_errors`: the schema's limits; `every_error`: what
    strawberry's validation reports (all rules, in its order), None when it must validate itself."""

    errors: tuple[GraphQLError, ...]
    limit_errors: tuple[GraphQLError, ...]
    every_error: tuple[GraphQLError, ...] | None


class _Telling:
    """A rule's view of the validation context that also notes each error the rule reports."""

    def __init__(self, context: Any, noted: list[GraphQLError]) -> None:
        self._context, self._noted = context, noted

    def report_error(self, error: GraphQLError) -> None:
        self._noted.append(error)
        self._context.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _noting(rule: type[ASTValidationRule], noted: list[GraphQLError]) -> type[ASTValidationRule]:
    class Noting(rule):  # type: ignore[valid-type, misc]
        def __init__(self, context: Any) -> None:
            super().__init__(_Telling(context, noted))

    return Noting


def validated(schema: GraphQLSchema, document: DocumentNode, limit_rules: Rules) -> Validated:
    limits: list[GraphQLError] = []
    strawberrys: list[GraphQLError] = []
    rules = (
        *specified_rules,
        *(_noting(rule, limits) for rule in limit_rules),
        *(_noting(rule, strawberrys) for rule in STRAWBERRY_RULES),
    )
    every = validate(schema, document, rules)
    if every and isinstance(every[-1], ValidationAbortedError):
        apart = tuple(validate(schema, document, limit_rules)) if limit_rules else ()
        return Validated(tuple(validate(schema, document, specified_rules)), apart, None)
    told = {id(error) for error in (*limits, *strawberrys)}
    return Validated(tuple(e for e in every if id(e) not in told), tuple(limits), tuple(every))


def _same_rules(given: Rules, limit_rules: Rules) -> bool:
    """Whether strawberry validates with graphql-core's rules and then the schema's limits, as the
    preparation did (a limit's rule class is made anew for each operation: compared by name)."""
    count = len(specified_rules)
    return tuple(given[:count]) == tuple(specified_rules) and [r.__qualname__ for r in given[count:]] == [
        r.__qualname__ for r in limit_rules
    ]


class PreparedDocument(SchemaExtension):
    """Strawberry takes the document and its validation from the schema's `OperationCache`: the one
    parse and validation the request's preparation already made. A text the preparation refuses
    (it does not parse, or spreads an unknown fragment) is parsed and validated by strawberry."""

    def __init__(self, operations: OperationCache) -> None:
        super().__init__()
        self.operations = operations
        self.validated: Validated | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                prepared = self.operations.prepare(context.query, context.operation_name)
            except GraphQLError:
                prepared = None
            if prepared is not None:
                context.graphql_document = prepared.document
                self.validated = prepared.validated
        yield

    def on_validate(self) -> Iterator[None]:
        context, checked = self.execution_context, self.validated
        if (
            checked is not None
            and checked.every_error is not None
            and _same_rules(context.validation_rules, self.operations.limit_rules)
        ):
            context.pre_execution_errors = list(checked.every_error)
        yield
