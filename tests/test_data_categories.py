"""Every `Type.field` the ledger can record about a worker has a category a worker can read
(`reports/categories.csv`): the statement and the transfer register never say "other data".

The names are derived from what records them: the disclosure recorder (`schema.disclosures`) records
each field selected on a personal type, and its cursor; searches are recorded by the `Type.field`
their filters read (`schema.criteria`); the statement records `STATEMENT_FIELDS`."""

from __future__ import annotations

import pytest

from reports.statement import CATEGORY_WORDS, STATEMENT_FIELDS, categories, category_of
from schema.criteria import _inputs
from schema.descriptions import full_schema
from schema.disclosures import NOT_PERSONAL, PERSONAL_TYPES

pytestmark = pytest.mark.engine_independent("the categories file against the schema: no database")


def _recordable() -> set[str]:
    schema = full_schema()
    names = set(STATEMENT_FIELDS)
    for type_name in PERSONAL_TYPES:
        fields = set(schema.type_map[type_name].fields) - NOT_PERSONAL  # type: ignore[attr-defined]
        names |= {f"{type_name}.{name}" for name in fields | {"cursor"}}
    names |= {name for argument in _inputs().values() for read in argument.values() for name in read.values()}
    return names


def test_every_field_the_ledger_can_record_about_a_worker_has_a_category() -> None:
    names = _recordable()
    assert {"Event.record", "WageArrears.amountCny", "Placement.wageArrears"} <= names
    assert [n for n in sorted(names) if category_of(n).key == "other"] == []


def test_each_category_has_words_and_an_event_is_not_a_health_record() -> None:
    by_field, by_type = categories()
    assert {c.key for c in (*by_field.values(), *by_type.values())} <= set(CATEGORY_WORDS)
    assert (
        category_of("WageArrears.amountCny").key == category_of("Placement.wageArrears").key == "wage-arrears"
    )
    assert category_of("Event.record") == category_of("Event.kind")
    assert category_of("Event.record").key == "events" and not category_of("Event.record").sensitive
    assert category_of("HealthCheck.result").sensitive  # an event's health check, read: recorded as such
