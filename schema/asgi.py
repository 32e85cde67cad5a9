"""ASGI entry point for `uvicorn --factory schema.asgi:create_from_env` (one per server process)."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette

from models.database import database_url
from policies.access import POLICY_DIR
from schema.app import create_app
from schema.service import Registry


def create_from_env() -> Starlette:
    graphiql = os.environ.get("BORDERLABOUR_GRAPHIQL", "1") != "0"
    policy_dir = Path(os.environ.get("BORDERLABOUR_POLICY_DIR") or POLICY_DIR)
    engine = os.environ.get("BORDERLABOUR_ENGINE", "compiled")
    return create_app(Registry(database_url(), policy_dir=policy_dir, graphiql=graphiql, engine=engine))
