"""The search criteria of a list: which personal fields a request filtered or ordered by, with what.

`criteria_of` is a pure function of a root field's name and its `filter`/`orderBy` argument
values (plain JSON under their GraphQL names), so the reference engine and the compiled planner
ledger the same criteria for the same request. Which input field reads which `Type.field` comes
from the marks on the input types (`governed_input`), the same marks that decide who may use them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import StrawberryObjectDefinition, StrawberryOptional

from ledger.entries import Criteria
from ledger.recorder import DisclosureRecorder
from models.sealing import keyring
from schema.disclosures import PERSONAL_TYPES
from schema.fields import POLICY
from schema.operations import PreparedOperation

SEALING_CONTEXT = b"ledger-criteria"


@dataclass(frozen=True)
class SearchCriteria:
    names: tuple[str, ...]  # `Type.field`, sorted, each once
    values: dict[str, dict[str, Any]]  # argument -> input field -> value, personal fields only

    def __bool__(self) -> bool:
        return bool(self.names)


@cache
def _inputs() -> dict[str, dict[str, dict[str, str]]]:
    """root field -> argument -> input field -> the `Type.field` it reads (personal ones only)."""
    from schema.query import Query  # the schema imports this module's neighbours; import late

    names = NameConverter()
    table: dict[str, dict[str, dict[str, str]]] = {}
    query: StrawberryObjectDefinition = getattr(Query, "__strawberry_definition__")  # noqa: B009
    for root in query.fields:
        for argument in root.arguments:
            kind = argument.type
            kind = kind.of_type if isinstance(kind, StrawberryOptional) else kind
            definition = getattr(kind, "__strawberry_definition__", None)
            if definition is None or not definition.is_input:
                continue
            fields = {
                names.get_graphql_name(f): f.metadata[POLICY]
                for f in definition.fields
                if POLICY in (f.metadata or {}) and f.metadata[POLICY].split(".", 1)[0] in PERSONAL_TYPES
            }
            if fields:
                argument_name = names.from_argument(argument)
                table.setdefault(names.get_graphql_name(root), {})[argument_name] = fields
    return table


def criteria_of(root_field: str, arguments: Mapping[str, Any]) -> SearchCriteria:
    """The personal criteria among a root field's arguments; empty values count as not given."""
    names: set[str] = set()
    values: dict[str, dict[str, Any]] = {}
    for argument, fields in _inputs().get(root_field, {}).items():
        given = arguments.get(argument)
        if not isinstance(given, Mapping):
            continue
        for input_name, value in given.items():
            if input_name in fields and value not in (None, "", []):
                names.add(fields[input_name])
                values.setdefault(argument, {})[input_name] = value
    return SearchCriteria(tuple(sorted(names)), values)


def searches_personal(root_field: str, arguments: Mapping[str, Any]) -> bool:
    """Whether a root field's arguments search or order it by personal fields."""
    return bool(criteria_of(root_field, arguments))


def sealed_criteria(at: str, root: str, criteria: SearchCriteria, matched: int) -> Criteria:
    """The ledger's record of one search: names in the clear, values sealed, rows matched."""
    plain = json.dumps(criteria.values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Criteria(at, root, criteria.names, keyring().seal_fixed(plain, SEALING_CONTEXT), matched)


def criteria_of_request(
    prepared: PreparedOperation, variables: Mapping[str, Any] | None, recorder: DisclosureRecorder
) -> list[Criteria]:
    """The sealed criteria of every root list that answered and was searched by personal fields.

    A search that matched few rows is also noted in the record of each worker it matched
    (`DisclosureRecorder.searched_workers`): both engines give the recorder the same two functions."""
    found = []
    for site in prepared.argument_sites:
        count = recorder.matched.get(site.response_key)
        if not site.at_root or count is None:
            continue
        criteria = criteria_of(site.field_name, prepared.arguments_of(site, variables))
        if criteria:
            sealed = sealed_criteria(site.response_key, site.field_name, criteria, count())
            recorder.searched_workers(site.response_key, criteria.names, sealed.matched)
            found.append(sealed)
    return found
