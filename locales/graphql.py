"""graphql-core's own messages (validation and syntax) as templates, so they are translated too.

graphql-core writes its messages with f-strings; each template below matches one of them, and
`translate_graphql` finds the template, translates it and puts the names back. A message no
template matches is answered as graphql-core wrote it.
"""

from __future__ import annotations

import re
from functools import cache
from string import Formatter

from locales import N_, render

TEMPLATES = (
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
            params = {
                name: _translated(value, language) if name == "detail" else value
                for name, value in match.groupdict().items()
            }
            return render(template, language, **params)
    return message
