"""graphql-core's own messages (validation and syntax) as templates, so they are translated too.

graphql-core writes its messages with f-strings, and so do strawberry's limits on a document (its
depth and aliases); each template below matches one of them, and `translate_graphql` finds the
template, translates it and puts the names back. A message no template matches is answered as
graphql-core wrote it. Templates are tried in order: a specific one before a general one that
would also match its message (`Unexpected character: …` before `Unexpected {token}.`).
"""

from __future__ import annotations

import re
from functools import cache
from string import Formatter

from locales import N_, render

TEMPLATES = (
    # The schema's limits (schema.builder.Limits), as strawberry and graphql-core word them.
    N_("{count} aliases found. Allowed: {limit}"),
    N_("'anonymous' exceeds maximum operation depth of {limit}"),
    N_("'{operation}' exceeds maximum operation depth of {limit}"),
    N_("Document contains more than {limit} tokens. Parsing aborted."),
    N_("Document is nested too deeply. Parsing aborted."),
    # The lexer's and parser's reasons, inside "Syntax Error: {detail}".
    N_("Unterminated string."),
    N_("Unexpected character: {character}."),
    N_("Invalid character: {character}."),
    N_("Invalid character within String: {character}."),
    N_("Unexpected single quote character ('), did you mean to use a double quote (\")?"),
    N_("Unexpected '..', did you mean '...'?"),
    N_("Invalid number, expected digit before '.', did you mean '0.{digits}'?"),
    N_("Invalid number, unexpected digit after 0: {character}."),
    N_("Invalid number, expected digit but got: {character}."),
    N_("Invalid character escape sequence: {sequence}."),
    N_("Invalid Unicode escape sequence: {sequence}."),
    N_("Unexpected variable '${variable}' in constant value."),
    N_("Unexpected description, descriptions are not supported on shorthand queries."),
    N_("Expected at least one field or fragment in a selection set."),
    # Fragments, directives, variables, arguments and fields the rules of validation refuse.
    N_("Cannot spread fragment '{fragment}' within itself via {path}."),
    N_("Cannot spread fragment '{fragment}' within itself."),
    N_("Fragment '{fragment}' is never used."),
    N_("Unknown fragment '{fragment}'."),
    N_("There can be only one fragment named '{fragment}'."),
    N_("Fragment cannot be spread here as objects of type '{parent}' can never be of type '{type}'."),
    N_(
        "Fragment '{fragment}' cannot be spread here as objects of type '{parent}' "
        "can never be of type '{type}'."
    ),
    N_("Fragment cannot condition on non composite type '{type}'."),
    N_("Fragment '{fragment}' cannot condition on non composite type '{type}'."),
    N_("Unknown directive '@{directive}'."),
    N_("Directive '@{directive}' may not be used on {location}."),
    N_("The directive '@{directive}' can only be used once at this location."),
    N_("Unknown argument '{argument}' on directive '@{directive}'."),
    N_("There can be only one variable named '${variable}'."),
    N_("There can be only one argument named '{argument}'."),
    N_("There can be only one input field named '{field}'."),
    N_("Variable '${variable}' is never used in operation '{operation}'."),
    N_("Variable '${variable}' is not defined by operation '{operation}'."),
    N_("Variable '${variable}' cannot be non-input type '{type}'."),
    N_("Variable '${variable}' has invalid value at {path}: {detail}"),
    N_("Expected a value of non-null type '{type}' to be provided."),
    N_("Expected value of type '{type}' to be an object, found: {value}."),
    N_("Expected value of type '{type}' to include required field '{field}', found: {value}."),
    N_("Expected value of type '{type}' not to include unknown field '{field}', found: {value}."),
    N_("Expected value of type '{type}', found: {value}."),
    N_("Value cannot represent a {type}: {value}. Expected a string."),
    N_("Value cannot represent a {type}: {value}. {detail}"),
    N_("Value cannot represent a {type}: {value}."),
    N_("Invalid isoformat string: {value}"),
    N_(
        "Fields '{field}' conflict because {detail}. "
        "Use different aliases on the fields to fetch both if this was intentional."
    ),
    N_("subfields '{field}' conflict because {detail}"),
    N_("'{first}' and '{second}' are different fields"),
    N_("they have differing arguments"),
    N_("they return conflicting types '{first}' and '{second}'"),
    N_("The mutation operation is not supported by the schema."),
    N_("Anonymous Subscription must select only one top level field."),
    N_("Subscription '{operation}' must select only one top level field."),
    # graphql-core's own, from before.
    N_("Cannot query field '{field}' on type '{type}'."),
    N_("Unknown argument '{argument}' on field '{field}'."),
    N_("Field '{field}' argument '{argument}' of type '{type}' is required, but it was not provided."),
    N_("Variable '${variable}' of required type '{type}' was not provided."),
    N_("Field '{field}' of type '{type}' must have a selection of subfields."),
    N_("Field '{field}' must not have a selection since type '{type}' has no subfields."),
    N_("Unknown type '{type}'."),
    N_("Argument '{argument}' of type '{type}' is required, but it was not provided."),
    N_("Syntax Error: {detail}"),
    N_("Expected {expected}, found {found}."),
    N_("Unexpected {token}."),
    N_("Variable '${variable}' has invalid value: {detail}"),
    N_("Variable '${variable}' is never used."),
    N_("Variable '${variable}' is not defined."),
    N_("Variable '${variable}' of type '{type}' used in position expecting type '{expected}'."),
    N_("Expected value of non-null type '{type}' not to be None."),
    N_("Int cannot represent non-integer value: {value}"),
    N_("Int cannot represent non 32-bit signed integer value: {value}"),
    N_("Float cannot represent non numeric value: {value}"),
    N_("String cannot represent a non string value: {value}"),
    N_("Boolean cannot represent a non boolean value: {value}"),
    N_("ID cannot represent value: {value}"),
    N_("Value {value} does not exist in '{type}' enum."),
    N_("Enum '{type}' cannot represent non-enum value: {value}."),
    N_("Field '{field}' is not defined by type '{type}'."),
    N_("Expected type '{type}' to be an object."),
)


# Where a directive may stand (`Directive '@skip' may not be used on {location}.`): the locations a
# document can have, in graphql-core's words.
LOCATIONS = (
    N_("query"),
    N_("mutation"),
    N_("subscription"),
    N_("field"),
    N_("fragment definition"),
    N_("fragment spread"),
    N_("inline fragment"),
    N_("variable definition"),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for template in TEMPLATES:
        parts = []
        for literal, name, _spec, _conversion in Formatter().parse(template):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>.+?)")
        compiled.append((re.compile("".join(parts) + r"\Z", re.S), template))
    return tuple(compiled)


def translate_graphql(message: str, language: str) -> str:
    """graphql-core's message in the reader's language: its template translated, and a `detail`
    (the reason inside a syntax or coercion error) translated in turn. ("Did you mean" hints never
    get here: the schema builder drops them, so they cannot name a field the office cannot see.)"""
    if language == "en":
        return message
    return _translated(message, language)


def _translated(message: str, language: str) -> str:
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            return render(
                template, language, **{n: _part(n, v, language) for n, v in match.groupdict().items()}
            )
    return message


def _part(name: str, value: str, language: str) -> str:
    """A name put back as it was written; a reason (`detail`) or a directive's location in words."""
    if name == "detail":
        return _translated(value, language)
    if name == "location" and value in LOCATIONS:
        return render(value, language)
    return value
