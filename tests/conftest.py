"""Shared fixtures: a real database holding the demo the real CLI loaded, a real server over HTTP.

The demo is loaded once per run into a template (harness/databases.py); each test process (an
xdist worker, or the one process without xdist) writes in its own copy through its own server, and
a module that needs a registry no other test writes to makes one more copy. The database is SQLite
in a temporary folder unless BORDERLABOUR_TEST_DATABASE_URL names a PostgreSQL server; then the
template and every copy are databases created and dropped on that server.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.databases import (
    TEST_DB_ENV,
    Database,
    Template,
    cli_env,
    demo_copy,
    demo_template,
    drop_template,
    run_cli,
)
from harness.forks import stop_zygote
from harness.longest_first import (  # noqa: F401 (hooks: the longest modules go to the workers first)
    hand_weights,
    pytest_collection_modifyitems,
    pytest_runtest_logreport,
    pytest_sessionfinish,
    read_weights,
)
from harness.server import ServerProcess
from tests import plain_http

__all__ = ["OFFICER_ARGS", "Database", "Server", "TEST_DB_ENV", "cli_env", "default_purpose", "run_cli"]

# The person at the terminal, whom a command acting as an office (`report agreement`, `import
# workers`, `subject statement`) must name, and whom its ledger entries name.
OFFICER_ARGS = ("--officer-id", "VN-CLI-01", "--officer-name", "Nguyễn Văn An")

DEMO_WORKERS = 300
TEMPLATE_KEY = "borderlabour_demo_template"  # where the one template of the run is, for every worker
_TEMPLATE = pytest.StashKey[dict[str, str]]()


def pytest_configure(config: pytest.Config) -> None:
    """The process that starts the run (alone, or xdist's controller) names the run's template."""
    if not hasattr(config, "workerinput"):
        folder = tempfile.mkdtemp(prefix="borderlabour-demo-")
        config.stash[_TEMPLATE] = {"folder": folder, "name": f"borderlabour_demo_{uuid.uuid4().hex[:10]}"}
        read_weights(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: each worker is told where the run's template is (the first to need it loads it) and
    how long each module took last time (the longest are handed out first)."""
    node.workerinput[TEMPLATE_KEY] = node.config.stash[_TEMPLATE]
    hand_weights(node)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection made (the registry's modules, the tests, their marks) lives to the end of the
    run: frozen out of the collector's generations, the full collections the tests set off, and
    the five at the end of the run, no longer walk it (measured on SQLite, three workers: 28 s of
    the workers' CPU in the collector before, 17 s after)."""
    gc.collect()
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_zygote()  # its children's CPU then counts in this process's, as a real exec's does
    if not hasattr(config, "workerinput") and _TEMPLATE in config.stash:
        drop_template(_template_of(config))


def _template_of(config: pytest.Config) -> Template:
    where = config.workerinput[TEMPLATE_KEY] if hasattr(config, "workerinput") else config.stash[_TEMPLATE]
    return Template(Path(where["folder"]), os.environ.get(TEST_DB_ENV) or None, where["name"])


@pytest.fixture(scope="session")
def template(pytestconfig: pytest.Config) -> Template:
    """The demo with DEMO_WORKERS workers, loaded by `borderlabour demo`: copy it, never write to it."""
    planned = _template_of(pytestconfig)
    return demo_template(planned.folder, planned.server_url, planned.name, DEMO_WORKERS)


def assert_counts_kept(database: Database) -> None:
    """What was written, by whichever path, left the kept worker counts equal to the rows and each
    placement's kept window day equal to its definition (`policies.windows.closes`)."""
    checked = run_cli(database, "statistics", "check", check=False)
    assert checked.returncode == 0 and "worker counts OK" in checked.stdout, (
        f"the kept worker counts drifted from the rows:\n{checked.stdout}\n{checked.stderr}"
    )
    windows = run_cli(database, "windows", "check", check=False)
    assert windows.returncode == 0 and "window days OK" in windows.stdout, (
        f"the kept window days drifted from their definition:\n{windows.stdout}\n{windows.stderr}"
    )


@pytest.fixture(scope="session")
def database(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """This process's copy of the demo, which its tests write to in any order. At the end, after
    every write of those tests, the kept counts must still equal the rows (no drift)."""
    with demo_copy(template, tmp_path_factory.mktemp("registry")) as copy:
        yield copy
        assert_counts_kept(copy)


@pytest.fixture(scope="module")
def registry(database: Database) -> Iterator[Any]:
    """The service over this process's copy of the demo, built for one module's in-process tests.
    Its connections are closed at the module's end, before the session's fixture drops a PostgreSQL
    database. A module that needs other settings, or a registry of its own
    (`tests.own_registry_fixtures`), defines its own `registry`."""
    from service.registry import Registry
    from settings import Settings

    made = Registry(Settings.load(database_url=database.url, key_file=database.key_file))
    yield made
    made.engine.dispose()


@pytest.fixture(scope="session")
def demo_tokens(database: Database, template: Template) -> dict[str, str]:
    """One bearer token per demo office; the same in every copy of the demo."""
    return template.tokens


class Server(ServerProcess):
    """A real `borderlabour serve` process over the test database, with the demo offices' tokens."""

    def __init__(
        self, database: Database, tokens: dict[str, str], log: Path, fork: bool = True, **env: str
    ) -> None:
        self.tokens = tokens
        args = env.pop("_args", "").split()
        super().__init__(cli_env(database, **env), log, *args, timeout=60, fork=fork)


@pytest.fixture(scope="session")
def live_server(database: Database, demo_tokens: dict[str, str], tmp_path_factory) -> Iterator[Server]:
    server = Server(database, demo_tokens, tmp_path_factory.mktemp("logs") / "server.log")
    yield server
    server.stop()


class OfficeClient:
    """Speaks to the live server as one office: `as_office("cn-hekou").query(...)`."""

    def __init__(self, server: Server, code: str, purpose: str | None, case_ref: str | None = None) -> None:
        self.server, self.code, self.purpose, self.case_ref = server, code, purpose, case_ref
        # The client lets an idle connection go after 2 s, before the server's 5 s keep-alive ends it:
        # otherwise a request sent as the server closes the connection meets "Server disconnected".
        self.http = plain_http.client(
            base_url=server.url, timeout=30, limits=httpx.Limits(keepalive_expiry=2.0)
        )

    def post(self, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        h = {"Authorization": f"Bearer {self.server.tokens[self.code]}"}
        if self.purpose:
            h["X-Purpose"] = self.purpose
        if self.case_ref:
            h["X-Case-Ref"] = self.case_ref
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


AsOffice = Callable[..., OfficeClient]


def office_clients(server: Server) -> AsOffice:
    """`as_office(code, purpose="default", case_ref=None)`: a client of `server` acting as that office,
    sending `case_ref` as X-Case-Ref (a purpose may require one: policies/purposes.csv)."""
    clients: dict[tuple[str, str | None, str | None], OfficeClient] = {}

    def make(code: str, purpose: str | None = "default", case_ref: str | None = None) -> OfficeClient:
        chosen = default_purpose(code) if purpose == "default" else purpose
        key = (code, chosen, case_ref)
        if key not in clients:
            clients[key] = OfficeClient(server, code, chosen, case_ref)
        return clients[key]

    return make


@pytest.fixture(scope="session")
def as_office(live_server: Server) -> AsOffice:
    return office_clients(live_server)


@dataclass
class OwnRegistry:
    """A copy of the demo with a server of its own: for a module whose tests read back what they
    alone wrote (the newest ledger entry, the ledger's last id). Such a module takes its
    `database`, `as_office`, `live_server` and `engine` from `tests/own_registry_fixtures.py`."""

    database: Database
    server: Server
    as_office: AsOffice


@contextmanager
def own_registry(template: Template, folder: Path, **env: str) -> Iterator[OwnRegistry]:
    """`env`: settings of the server (`BORDERLABOUR_…`) besides the test run's."""
    with demo_copy(template, folder) as database:
        server = Server(database, template.tokens, folder / "server.log", **env)
        try:
            yield OwnRegistry(database, server, office_clients(server))
        finally:
            server.stop()
        assert_counts_kept(database)
