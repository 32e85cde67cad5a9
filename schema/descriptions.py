"""The schema's descriptions as a person reads them: listed for the catalogues, translated for export.

A description may end with the policy mark `(Policy: Worker.phone)` or `(Write duty: recordCrossing)`;
the meaning and the mark are translated apart, and the resource name is never translated.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.utilities import print_schema

from locales import gettext, render
from schema.fields import split_mark


@cache
def full_schema() -> GraphQLSchema:
    """Every type and field the registry has, whoever may see them."""
    from policies.access import AccessControl
    from policies.grants import OfficeIdentity
    from schema.builder import OfficeSchema, policy_catalogue, write_duties

    access = AccessControl(policy_catalogue(), write_duties())
    everyone = access.unrestricted_grant(OfficeIdentity(0, "catalogue", "catalogue", "VN", None))
    return OfficeSchema(everyone)._schema


def _described(schema: GraphQLSchema) -> Iterator[tuple[str, object]]:
    for name, kind in schema.type_map.items():
        if name.startswith("__"):
            continue
        yield name, kind
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                yield f"{name}.{field_name}", field
                for arg_name, arg in getattr(field, "args", {}).items():
                    yield f"{name}.{field_name}({arg_name})", arg
        if isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                yield f"{name}.{value_name}", value


def every_description() -> Iterator[tuple[str, str]]:
    for where, element in _described(full_schema()):
        description = getattr(element, "description", None)
        if description:
            yield where, description


def every_enum_value() -> Iterator[tuple[str, str]]:
    for name, kind in full_schema().type_map.items():
        if isinstance(kind, GraphQLEnumType) and not name.startswith("__"):
            for value_name in kind.values:
                yield name, value_name


def translate_description(description: str, language: str) -> str:
    meaning, mark, resource = split_mark(description)
    text = gettext(meaning, language) if meaning else ""
    if mark:
        marked = render(mark, language, name=resource)
        text = f"{text} ({marked})" if text else marked
    return text


def translated_sdl(schema: GraphQLSchema, language: str) -> str:
    """The schema's SDL with every description in `language`; the schema itself is left unchanged."""
    originals = []
    for _where, element in _described(schema):
        description = getattr(element, "description", None)
        if description:
            originals.append((element, description))
            element.description = translate_description(description, language)  # type: ignore[attr-defined]
    try:
        return print_schema(schema)
    finally:
        for element, description in originals:
            element.description = description  # type: ignore[attr-defined]
