"""The `Count` scalar: a count as an office may see it, a number or the text "< 5" (`policies.cells`)."""

from typing import Any, NewType

import strawberry


def _cell(value: Any) -> Any:
    return value


Count = strawberry.scalar(
    NewType("Count", object),
    name="Count",
    description=(
        'A count: a whole number, or the text "< 5" where a count under the threshold, in figures '
        "broken down by a field your office may not read, is withheld."
    ),
    serialize=_cell,
    parse_value=_cell,
)
