"""The import's columns are exactly the inputs of `registerWorker`: a new input of the mutation fails
here until the import has a column (with a label in every language) for it."""

from __future__ import annotations

import pytest
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import get_object_definition

from imports.columns import COLUMNS
from schema.inputs import RegisterWorkerInput

pytestmark = pytest.mark.engine_independent(
    "the import's columns against the mutation's input type; no database"
)


def test_every_input_of_register_worker_is_a_column_in_its_order() -> None:
    inputs = get_object_definition(RegisterWorkerInput, strict=True).fields
    names = NameConverter()
    assert [(c.name, c.attribute) for c in COLUMNS] == [
        (names.get_graphql_name(f), f.python_name) for f in inputs
    ]
