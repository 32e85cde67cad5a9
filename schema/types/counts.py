"""The `Count` scalar: a count as an office may see it, a number or the text "< 5" or "≥ 5"
(`policies.cells`)."""

from typing import Any, NewType

import strawberry


def _cell(value: Any) -> Any:
    return value


Count = strawberry.scalar(
    NewType("Count", object),
    name="Count",
    description=(
        'A count: a whole number, or where it is withheld the text "< 5" (a count under the threshold, '
        'zero included, in figures broken down by a field your office may not read) or "≥ 5" (a count '
        "at or over the threshold, withheld in the statistics beside small ones so that they cannot be "
        "worked out from the total)."
    ),
    serialize=_cell,
    parse_value=_cell,
)
