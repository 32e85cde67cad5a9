"""The ASGI application of one server process, built from the settings `serve` checked."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from starlette.applications import Starlette

from service.registry import Registry
from settings import Settings
from web.access_log import keep_query_strings_out_of_the_access_log
from web.app import create_app

# The cyclic collector's thresholds in a server process (the interpreter's default: 700, 10, 10).
# Under load, every young collection finds the objects of the requests still in flight alive and
# moves them to an older generation, where they die by reference count after their request; those
# moves are what make full collections due, and each walks everything made since start-up (the
# offices' schemas and plans, built at their first requests). With the default, collection was a
# fifth of a fresh process's CPU for a `first: 100` page, and a third once the process had served
# two more offices; with 50,000 net allocations between young collections, a request's objects
# are mostly gone before one comes (BENCHMARKS.md, "The collector's thresholds"). What waits longer
# is cyclic garbage: a process's peak memory was 15-19 MiB higher.
COLLECTOR_THRESHOLDS = (50_000, 20, 10)


@dataclass(frozen=True)
class RegistryApp:
    """An application factory that can be pickled: `serve --workers N` hands it, with the checked
    settings inside, to each server process it spawns, which calls it to build its application."""

    settings: Settings

    def __call__(self) -> Starlette:
        keep_query_strings_out_of_the_access_log()
        app = create_app(Registry(self.settings))
        # What start-up made (modules, the policy, the registry) lives as long as the process: kept
        # out of the collector's generations, it is not walked again by every full collection.
        gc.collect()
        gc.freeze()
        gc.set_threshold(*COLLECTOR_THRESHOLDS)
        return app
