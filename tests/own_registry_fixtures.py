"""Module fixtures for a test module that runs over a registry of its own (`own_registry`).

A module whose tests read back what they alone wrote (the ledger's newest entries, an office's
look-ups of the day) or tamper with it imports these, and its `database`, `as_office`,
`live_server` and `engine` are then those of its own copy of the demo and its own server, made once
for the module, instead of the process's shared ones:

    from tests.own_registry_fixtures import as_office, database, engine, live_server, registry  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine

from harness.databases import Template
from settings import normalise_url
from tests.conftest import AsOffice, Database, OwnRegistry, Server, own_registry


@pytest.fixture(scope="module")
def registry(
    request: pytest.FixtureRequest, template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OwnRegistry]:
    """A copy of the demo and a server for this module alone."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with own_registry(template, tmp_path_factory.mktemp(name)) as own:
        yield own


@pytest.fixture(scope="module")
def database(registry: OwnRegistry) -> Database:
    return registry.database


@pytest.fixture(scope="module")
def as_office(registry: OwnRegistry) -> AsOffice:
    return registry.as_office


@pytest.fixture(scope="module")
def live_server(registry: OwnRegistry) -> Server:
    return registry.server


@pytest.fixture(scope="module")
def engine(database: Database) -> Iterator[Engine]:
    """An engine over the module's own database, for reading back its ledger and rows."""
    made = create_engine(normalise_url(database.url))
    yield made
    made.dispose()
