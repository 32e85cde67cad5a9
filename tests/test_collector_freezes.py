"""A server process's cyclic garbage collector, as `serve` sets it up (`web.asgi.RegistryApp`).

BENCHMARKS.md, "The collector: schemas frozen when built": under load, full collections walked every
object made since start-up, the offices' schemas among them, for a fifth to a third of a process's
CPU on a page of 100 workers. A server process keeps what start-up made out of the collector's
generations, and each office's schema from when it is built until a policy change drops it. The
thresholds stay the interpreter's: raised, they took a process's peak memory past its target.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from harness.server import ROOT
from tests.conftest import cli_env

# The application built as `serve` builds it, then one office's schema built as its first request
# would, then the policy's reload handed to the registry, as a policy change does.
BUILD_AS_SERVE_DOES = """
import gc, json
from settings import Settings
from web.asgi import RegistryApp
app = RegistryApp(Settings.load(graphiql=False))()
registry = app.state.registry
seen = {"thresholds": gc.get_threshold(), "at_start": gc.get_freeze_count()}
registry.schemas.schema_for(registry.access.unrestricted_grant(None))
seen["after_a_schema"] = gc.get_freeze_count()
registry.schemas.clear()
seen["after_a_policy_change"] = gc.get_freeze_count()
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def collector(database) -> dict[str, object]:
    """The collector of one application built as `serve` builds it, in an interpreter of its own."""
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AS_SERVE_DOES],
        cwd=ROOT,
        # No due-alert scan: the application is built, not served, and must not write.
        env=cli_env(database, BORDERLABOUR_DUE_SCAN_SECONDS="0"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_what_start_up_made_is_kept_out_of_the_collectors_generations(collector) -> None:
    assert collector["at_start"] > 0, collector


def test_an_offices_schema_is_kept_out_of_the_collectors_generations_once_built(collector) -> None:
    # A schema is tens of thousands of objects; the freeze takes them with it.
    assert collector["after_a_schema"] > collector["at_start"] + 10_000, collector


def test_a_policy_change_hands_the_frozen_schemas_back_to_the_collector(collector) -> None:
    assert collector["after_a_policy_change"] == 0, collector


def test_a_server_process_keeps_the_interpreters_thresholds(collector) -> None:
    """Raised thresholds let cyclic garbage wait, and a process's peak memory rose past 250 MiB."""
    assert collector["thresholds"] == [700, 10, 10], collector
