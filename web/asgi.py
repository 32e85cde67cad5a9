"""The ASGI application of one server process, built from the settings `serve` checked."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from starlette.applications import Starlette

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
        app = create_app(Registry(self.settings))
        # What start-up made (modules, the policy, the registry) lives as long as the process: kept
        # out of the collector's generations, it is not walked again by every full collection.
        gc.collect()
        gc.freeze()
        return app
