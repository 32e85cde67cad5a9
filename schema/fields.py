"""How a schema field declares what the policy must allow before an office may see it.

A field is published to an office's schema only if the office's grant satisfies its marks:
  - `policy`: the Casbin resource the office must be allowed to read ("Worker.phone");
  - `requires`: types the office must see at all (a relation needs its target type);
  - `duty`: the write duty a mutation needs ("recordCrossing").
The marks live beside the field and are written into its description, so the SDL says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import strawberry

from schema.meanings import MEANINGS

POLICY = "borderlabour.policy"
REQUIRES = "borderlabour.requires"
DUTY = "borderlabour.duty"
# A description's closing mark, as `_describe` writes it; translated apart from the meaning.
MARK = re.compile(r"^(?P<meaning>.*?)\s*\((?P<kind>Policy|Write duty): (?P<name>[^)]+)\)$", re.S)
MARK_TEMPLATES = {"Policy": "Policy: {name}", "Write duty": "Write duty: {name}"}


def _describe(description: str | None, mark: str) -> str:
    return f"{description} ({mark})" if description else mark


def split_mark(description: str) -> tuple[str, str | None, str | None]:
    """ "Meaning (Policy: Worker.phone)" -> ("Meaning", "Policy: {name}", "Worker.phone")."""
    match = MARK.match(description)
    if not match:
        return description, None, None
    return match["meaning"], MARK_TEMPLATES[match["kind"]], match["name"]


def governed(
    resource: str, description: str | None = None, requires: Iterable[str] = (), **kwargs: Any
) -> Any:
    """A field readable by an office only if the policy grants `resource` (and the `requires` types)."""
    return strawberry.field(
        description=_describe(description or MEANINGS.get(resource), f"Policy: {resource}"),
        metadata={POLICY: resource, REQUIRES: tuple(requires)},
        **kwargs,
    )


def governed_input(resource: str, description: str | None = None, default: Any = None) -> Any:
    """An input field (filter or ordering) allowed only where the field it reads is readable."""
    return strawberry.field(
        description=_describe(description or MEANINGS.get(resource), f"Policy: {resource}"),
        metadata={POLICY: resource},
        default=default,
    )


def needs_types(*type_names: str, description: str | None = None, **kwargs: Any) -> Any:
    """A root field (a list, a statistic) present only for offices that see these types."""
    return strawberry.field(description=description, metadata={REQUIRES: type_names}, **kwargs)


def duty_mark(name: str, description: str) -> str:
    """The description of an input field that exists only for offices with the duty `name`."""
    return _describe(description, f"Write duty: {name}")


def duty(name: str, description: str | None = None, **kwargs: Any) -> Any:
    """A mutation present only for offices whose write duties include `name`."""
    return strawberry.mutation(
        description=_describe(description, f"Write duty: {name}"), metadata={DUTY: name}, **kwargs
    )
