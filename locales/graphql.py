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
    N_("Syntax Error: {detail}"),
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
    if language == "en":
        return message
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            return render(template, language, **match.groupdict())
    return message
