"""The ASGI application of one server process, built from the settings `serve` checked."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from starlette.applications import Starlette

from schema.builder import SchemaRegistry
from service.registry import Registry
from settings import Settings
from web.access_log import keep_query_strings_out_of_the_access_log
from web.app import create_app


@dataclass(frozen=True)
class RegistryApp:
    """An application factory that can be pickled: `serve --workers N` hands it, with the checked
    settings inside, to each server process it spawns, which calls it to build its application."""

    settings: Settings

    def __call__(self) -> Starlette:
        keep_query_strings_out_of_the_access_log()
        registry = Registry(self.settings)
        app = create_app(registry)
        # What start-up made (modules, the policy, the registry) lives as long as the process: kept
        # out of the collector's generations, it is not walked again by every full collection.
        gc.collect()
        gc.freeze()
        keep_schemas_frozen(registry.schemas)
        return app


def keep_schemas_frozen(schemas: SchemaRegistry) -> None:
    """An office's schema, built at its first request, lives until the policy changes: it is frozen
    too, when built, and unfrozen when the policy drops it, so that the collector can free it.

    Under load every young collection finds the objects of the requests in flight alive and moves
    them to an older generation, which makes full collections due; each walked every schema built
    since start-up (with its plans, about 100,000 objects an office), for a fifth of a fresh
    process's CPU on a `first: 100` page and a third once it had served two more offices. Waiting
    for 50,000 allocations between young collections instead took a process's peak from 223 to
    288 MiB, past the 250 MiB target (BENCHMARKS.md, "The collector: schemas frozen when built").

    A freeze also takes the objects of the requests in flight at that moment; those that end in a
    cycle stay until the policy next changes. That is at most one freeze per office profile between
    two policy changes.
    """
    schemas.on_built = gc.freeze
    schemas.on_dropped = gc.unfreeze
