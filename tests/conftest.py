"""Shared fixtures: a real database, the demo loaded by the real CLI, a real server over HTTP.

The database is SQLite in a temporary folder unless BORDERLABOUR_TEST_DATABASE_URL names a
PostgreSQL server; then each run creates and drops its own database on that server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from harness.server import ROOT, ServerProcess

TEST_DB_ENV = "BORDERLABOUR_TEST_DATABASE_URL"
AFTER_ALL_WRITES = "after_all_writes"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{AFTER_ALL_WRITES}: runs after every other test of the session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that check what the whole suite wrote (no drift in the kept counts) run last."""
    items.sort(key=lambda item: item.get_closest_marker(AFTER_ALL_WRITES) is not None)


DEMO_WORKERS = 300


@dataclass
class Database:
    url: str
    key_file: Path


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("registry")
    server_url = os.environ.get(TEST_DB_ENV)
    if not server_url:
        yield Database(f"sqlite:///{folder / 'registry.db'}", folder / "registry.keys.json")
        return
    base = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"borderlabour_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield Database(
            base.set(database=name).render_as_string(hide_password=False), folder / "registry.keys.json"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cli_env(database: Database, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_")}
    env.update(
        BORDERLABOUR_DATABASE_URL=database.url,
        BORDERLABOUR_KEY_FILE=str(database.key_file),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run_cli(
    database: Database, *args: str, check: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=ROOT,
        env=cli_env(database, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"borderlabour {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def demo_tokens(database: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tokens_file = tmp_path_factory.mktemp("tokens") / "tokens.json"
    run_cli(database, "demo", "--tokens-file", str(tokens_file), "--demo-workers", str(DEMO_WORKERS))
    return json.loads(tokens_file.read_text())


class Server(ServerProcess):
    """A real `borderlabour serve` process over the test database, with the demo offices' tokens."""

    def __init__(self, database: Database, tokens: dict[str, str], log: Path, **env: str) -> None:
        self.tokens = tokens
        args = env.pop("_args", "").split()
        super().__init__(cli_env(database, **env), log, *args, timeout=60)


@pytest.fixture(scope="session")
def live_server(database: Database, demo_tokens: dict[str, str], tmp_path_factory) -> Iterator[Server]:
    server = Server(database, demo_tokens, tmp_path_factory.mktemp("logs") / "server.log")
    yield server
    server.stop()


class OfficeClient:
    """Speaks to the live server as one office: `as_office("cn-hekou").query(...)`."""

    def __init__(self, server: Server, code: str, purpose: str | None) -> None:
        self.server, self.code, self.purpose = server, code, purpose
        self.http = httpx.Client(base_url=server.url, timeout=30)

    def post(self, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        h = {"Authorization": f"Bearer {self.server.tokens[self.code]}"}
        if self.purpose:
            h["X-Purpose"] = self.purpose
        h.update(headers or {})
        response = self.http.post("/graphql", json=body, headers=h)
        if response.status_code == 429:  # a well-behaved client waits as told, once
            time.sleep(float(response.headers.get("Retry-After", "1")))
            response = self.http.post("/graphql", json=body, headers=h)
        return response

    def query(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        response = self.post({"query": query, "variables": variables or {}}, **kw)
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.query(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


DEFAULT_PURPOSES = {
    "cn": "placement-verification",
    "labour": "placement-verification",
    "home-affairs": "placement-verification",
    "police": "security-clearance",
    "border-guard": "crossing-control",
    "customs": "crossing-control",
    "health": "health-screening",
    "foreign-affairs": "statistics",
    "meo-vac": "placement-verification",
    "economic-zone": "placement-verification",
    "admin": "statistics",
}


def default_purpose(code: str) -> str:
    if code.startswith("cn-"):
        return DEFAULT_PURPOSES["cn"]
    return DEFAULT_PURPOSES[code.split("-", 1)[1] if "-" in code else code]


@pytest.fixture(scope="session")
def as_office(live_server: Server):
    clients: dict[tuple[str, str | None], OfficeClient] = {}

    def make(code: str, purpose: str | None = "default") -> OfficeClient:
        chosen = default_purpose(code) if purpose == "default" else purpose
        key = (code, chosen)
        if key not in clients:
            clients[key] = OfficeClient(live_server, code, chosen)
        return clients[key]

    return make
