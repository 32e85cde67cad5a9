"""A schema replaced by a policy reload is freed, with the documents it prepared: a process that
reloads its policy through the day keeps only the schemas in force."""

from __future__ import annotations

import asyncio
import gc
import weakref

from sqlalchemy import select

import models
from policies.sessions import internal_session, scoped_session
from policies.tokens import identity_of
from schema.context import RequestContext
from service.registry import Registry

QUERY = "{ workers(first: 2) { nodes { id placements { id } } } }"


def test_a_schema_replaced_by_a_policy_reload_is_freed_with_its_prepared_documents(
    registry: Registry,
) -> None:
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == "lc-home-affairs")).one()
        grant = registry.access.grant_for(identity_of(office))
    schema = registry.schemas.schema_for(grant)
    with scoped_session(registry.sessions, grant) as session:
        context = RequestContext(
            grant=grant, session=session, request_id="lifetime", purpose=None, ledger_key=registry.ledger_key
        )
        result = asyncio.run(schema.execute(QUERY, context_value=context))
    assert result.data is not None and result.data["workers"]["nodes"]
    # What the reference engine's resolvers look up by name (`resolvers.bound`), and strawberry too.
    assert schema.get_type_by_name("Worker") is not None
    prepared = weakref.ref(schema.operations.prepare(QUERY, None))
    replaced = weakref.ref(schema)
    del schema, result, context
    registry.schemas.clear()  # what a policy reload does (`Registry`: access.on_reload)
    gc.collect()
    assert replaced() is None and prepared() is None
    assert registry.schemas.schema_for(grant) is not None  # a new one is made on the next request
