"""One GraphQL schema per visibility profile: a field an office may not read does not exist for it.

`Schema.get_fields` is strawberry's hook for choosing the fields of each type while the schema is
built; input types pass through it too, so filters, orderings and mutation inputs follow the
policy like output fields. A type none of whose fields survive is unreachable and so absent.
Offices with the same readable fields and write duties share one schema object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition
from strawberry.types.field import StrawberryField

if TYPE_CHECKING:
    from strawberry.directive import StrawberryDirective
    from strawberry.types.enum import StrawberryEnumDefinition
    from strawberry.types.scalar import ScalarDefinition
    from strawberry.types.union import StrawberryUnion

    NamedType = StrawberryObjectDefinition | ScalarDefinition | StrawberryEnumDefinition | StrawberryUnion

from policies.grants import Grant
from schema import inputs
from schema.disclosures import DisclosureRecordingContext
from schema.fields import DUTY, POLICY, REQUIRES
from schema.masking import MaskUnexpectedErrors
from schema.mutation import Mutation
from schema.operations import OperationCache
from schema.query import Query
from schema.types import (
    agreements,
    checks,
    crossings,
    employers,
    incidents,
    placements,
    protection,
    statistics,
    workers,
)
from schema.types.events import Subscription
from schema.validation import PreparedDocument

ExtensionFactory = Callable[[], SchemaExtension]


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask, so no office can make the registry do unbounded work."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3000


LIMITS = Limits()

SUGGESTION = " Did you mean"

GOVERNED_MODULES = (
    workers,
    employers,
    placements,
    protection,
    crossings,
    checks,
    incidents,
    agreements,
    statistics,
)


def _strawberry_classes() -> Iterable[type]:
    for module in GOVERNED_MODULES:
        for value in vars(module).values():
            definition = getattr(value, "__strawberry_definition__", None)
            if isinstance(value, type) and isinstance(definition, StrawberryObjectDefinition):
                yield value


def policy_catalogue() -> frozenset[str]:
    """Every `Type.field` resource the schema declares: the policy must decide each of them."""
    return frozenset(
        f.metadata[POLICY]
        for cls in _strawberry_classes()
        for f in get_object_definition(cls, strict=True).fields
        if POLICY in f.metadata and not get_object_definition(cls, strict=True).is_input
    )


def write_duties() -> frozenset[str]:
    """Every duty the policy may grant: each mutation's, and each input field's that needs its own
    (an override, the employer quota)."""
    holders = [
        Mutation,
        *(
            v
            for v in vars(inputs).values()
            if isinstance(getattr(v, "__strawberry_definition__", None), StrawberryObjectDefinition)
        ),
    ]
    return frozenset(
        f.metadata[DUTY]
        for cls in holders
        for f in get_object_definition(cls, strict=True).fields
        if DUTY in f.metadata
    )


def field_requirements() -> dict[str, tuple[str, ...]]:
    """resource -> the types a relation field also needs the office to see."""
    return {
        f.metadata[POLICY]: tuple(f.metadata.get(REQUIRES, ()))
        for cls in _strawberry_classes()
        if not get_object_definition(cls, strict=True).is_input
        for f in get_object_definition(cls, strict=True).fields
        if POLICY in f.metadata
    }


def visible_fields(grant: Grant) -> frozenset[str]:
    """What the office's schema will publish: readable, and every type a relation needs is seen."""
    needs = field_requirements()
    return frozenset(r for r in grant.readable if all(grant.sees_type(t) for t in needs.get(r, ())))


def _visible(field: StrawberryField, grant: Grant) -> bool:
    meta: Mapping[str, Any] = field.metadata or {}
    if POLICY in meta and not grant.can_read(meta[POLICY]):
        return False
    if DUTY in meta and not grant.can_write(meta[DUTY]):
        return False
    return all(grant.sees_type(t) for t in meta.get(REQUIRES, ()))


class OfficeSchema(strawberry.Schema):
    """The registry's schema as one visibility profile sees it."""

    def __init__(
        self,
        grant: Grant,
        introspection: bool = True,
        execution_context: type[DisclosureRecordingContext] = DisclosureRecordingContext,
    ) -> None:
        """`execution_context` runs each operation; the service gives the planner's, which answers
        queries with the compiled engine when the request has one."""
        self.grant = grant
        self._types: dict[str, NamedType | None] = {}
        self._directives: dict[str, StrawberryDirective | None] = {}
        # Extensions are given as classes or factories: strawberry makes fresh ones per operation.
        closed: list[ExtensionFactory] = (
            [] if introspection else [partial(AddValidationRules, [NoSchemaIntrospectionCustomRule])]
        )
        has_mutations = any(_visible(f, grant) for f in get_object_definition(Mutation, strict=True).fields)
        limits: list[ExtensionFactory] = [
            partial(QueryDepthLimiter, max_depth=LIMITS.max_depth),
            partial(MaxAliasesLimiter, max_alias_count=LIMITS.max_aliases),
            *closed,
        ]
        super().__init__(
            query=Query,
            mutation=Mutation if has_mutations else None,
            subscription=Subscription,
            config=StrawberryConfig(disable_field_suggestions=True),
            execution_context_class=execution_context,
            extensions=[
                *limits,
                partial(MaxTokensLimiter, max_token_count=LIMITS.max_tokens),
                MaskUnexpectedErrors,
                # Parsed and validated once, by the preparation (`schema.validation`), for both engines.
                lambda: PreparedDocument(self.operations),
            ],
        )
        # The same rules, applied once per document by the preparation the compiled path answers from.
        rules = [
            rule
            for make in limits
            if isinstance(e := make(), AddValidationRules)
            for rule in e.validation_rules
        ]
        self.operations = OperationCache(self._schema, LIMITS.max_tokens, rules)

    def process_errors(self, errors: list[GraphQLError], execution_context: object = None) -> None:
        """No suggestions, anywhere: a hint names a field, argument, type or value the office might not
        be meant to guess. Errors are logged by the HTTP layer, masked and with a request id."""
        for error in errors:
            if SUGGESTION in error.message:
                error.message = error.message.split(SUGGESTION, 1)[0].rstrip()

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        return [f for f in type_definition.fields if _visible(f, self.grant)]

    # strawberry keeps these two look-ups in an `lru_cache` on its class, whose keys hold the schema:
    # every schema made (each with its prepared documents) stayed alive until 128 later look-ups
    # pushed it out, after a policy reload had replaced it, and in a test process every module's.
    # Kept here, per schema, they go with it.

    def get_type_by_name(self, name: str) -> NamedType | None:  # type: ignore[override]
        if name not in self._types:
            self._types[name] = strawberry.Schema.get_type_by_name.__wrapped__(self, name)  # type: ignore[attr-defined]
        return self._types[name]

    def get_directive_by_name(self, graphql_name: str) -> StrawberryDirective | None:  # type: ignore[override]
        if graphql_name not in self._directives:
            found = strawberry.Schema.get_directive_by_name.__wrapped__(self, graphql_name)  # type: ignore[attr-defined]
            self._directives[graphql_name] = found
        return self._directives[graphql_name]


class SchemaRegistry:
    """Builds each profile's schema once and keeps it until the policy changes it."""

    def __init__(
        self,
        introspection: bool = True,
        execution_context: type[DisclosureRecordingContext] = DisclosureRecordingContext,
    ) -> None:
        self.introspection = introspection
        self.execution_context = execution_context
        self._schemas: dict[tuple[frozenset[str], frozenset[str]], OfficeSchema] = {}
        self._lock = threading.Lock()
        self.builds = 0
        # Called once a schema is built, and once every schema is dropped (the policy changed): a
        # server process keeps the schemas out of the cyclic collector's walks (`web.asgi`).
        self.on_built: Callable[[], object] = _nothing
        self.on_dropped: Callable[[], object] = _nothing

    def schema_for(self, grant: Grant) -> OfficeSchema:
        schema = self._schemas.get(grant.profile)
        if schema is None:
            with self._lock:
                schema = self._schemas.get(grant.profile)
                if schema is None:
                    schema = self._schemas[grant.profile] = OfficeSchema(
                        grant, self.introspection, self.execution_context
                    )
                    self.builds += 1
                    self.on_built()
        return schema

    def clear(self) -> None:
        with self._lock:
            self._schemas.clear()
            self.on_dropped()


def _nothing() -> None:
    return None
