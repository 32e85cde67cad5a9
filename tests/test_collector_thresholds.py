"""A server process's cyclic garbage collector, as `serve` sets it up (`web.asgi.RegistryApp`).

BENCHMARKS.md, "The collector's thresholds": with the interpreter's default (a young collection
every 700 net allocations), the objects of the requests in flight were moved to the older
generations at every young collection, and the full collections that made due took a fifth to a
third of a process's CPU for a page of 100 workers. A server process waits for 50,000 net allocations, and
keeps what start-up made out of the generations altogether.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from harness.server import ROOT
from tests.conftest import cli_env

BUILD_AS_SERVE_DOES = """
import gc, json
from settings import Settings
from web.asgi import RegistryApp
RegistryApp(Settings.load(graphiql=False))()
print(json.dumps({"thresholds": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
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


def test_a_server_process_collects_young_objects_only_after_50000_net_allocations(collector) -> None:
    assert collector["thresholds"][0] >= 50_000, collector


def test_what_start_up_made_is_kept_out_of_the_collectors_generations(collector) -> None:
    assert collector["frozen"] > 0, collector
