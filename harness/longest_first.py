"""The test modules that take longest are handed to the parallel workers first.

pytest-xdist's `--dist loadfile` keeps a module on one worker, and by default hands out the modules
with the most tests first. Our slowest modules have few tests each (a copy of the demo and servers of
their own, imports of thousands of rows, generated datasets, the PostgreSQL drills), so they came
last and one worker ran them alone while the other had finished: the run lasted as long as its
last module. `tests/conftest.py` takes these hooks: with `--no-loadscope-reorder` (pyproject.toml)
xdist hands the modules out in the order they are collected, and that order puts the longest first
(the longest-processing-time rule), keeping pytest-randomly's shuffle among modules of equal weight
and within each module. Without xdist (`-n 0`) the order is left as it is.

A module's weight is the seconds it took in the last run of the whole suite on this machine and
database (pytest's cache, `borderlabour/module-seconds/...`), else its rough figure in
`KNOWN_SLOW`. The weight only orders the modules; no test depends on it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

import pytest

from harness.databases import TEST_DB_ENV

CACHE_KEY = "borderlabour/module-seconds"
# Seconds each module took on one worker in a whole run on SQLite on this 2-core machine (shared,
# load about 10), for a checkout without a cache (CI); the PostgreSQL drills, which skip on SQLite,
# are estimates. Modules made lighter since are scaled by the CPU seconds of their own run (pytest
# and its children) after and before. Modules not named weigh nothing and keep the shuffled order.
KNOWN_SLOW = {
    "tests/test_failover.py": 150,
    "tests/test_two_hosts.py": 120,
    "tests/test_import_lookups.py": 130,
    "tests/test_retention.py": 162,
    "tests/test_compiled_reads.py": 78,
    "tests/test_multiprocess.py": 114,
    "tests/test_cli_errors.py": 90,
    "tests/test_backup_restore.py": 89,
    "tests/test_procedure_check.py": 76,
    "tests/test_worker_counts.py": 60,
    "tests/test_disclosure_records.py": 62,
    "tests/test_graphiql_browser.py": 59,
    "tests/test_procedure_races.py": 55,
    "tests/test_cli_files_and_errors.py": 41,
    "tests/test_webhooks.py": 40,
    "tests/test_visibility_matrix.py": 22,
    "tests/test_readme_examples.py": 37,
    "tests/test_group_commit.py": 35,
    "tests/test_encryption_at_rest.py": 23,
    "tests/test_report_signatures.py": 30,
    "tests/test_operations.py": 30,
    "tests/test_ledger.py": 28,
}
# The marker expression of `.ci/run`'s PostgreSQL run: the marker is set on whole modules only.
WHOLE_MODULES_LEFT_OUT = "not engine_independent"
WEIGHTS_KEY = "borderlabour_module_weights"  # the run's weights, handed to every xdist worker
_WEIGHTS = pytest.StashKey[dict[str, float]]()
_spent: defaultdict[str, float] = defaultdict(float)


def _cache_key() -> str:
    """Weights per database: the PostgreSQL drills skip on SQLite, and the two runs share a checkout."""
    on = "postgresql" if os.environ.get(TEST_DB_ENV) else "sqlite"
    return f"{CACHE_KEY}/{on}"


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def read_weights(config: pytest.Config) -> None:
    """The process that starts the run reads the weights once, so that every worker orders the
    modules alike (xdist refuses workers whose collections differ) even if another run writes the
    cache meanwhile."""
    cache = getattr(config, "cache", None)  # absent under `-p no:cacheprovider`
    cached = cache.get(_cache_key(), {}) if cache is not None else {}
    config.stash[_WEIGHTS] = {**KNOWN_SLOW, **cached}


def hand_weights(node: Any) -> None:
    """xdist: each worker gets the run's weights."""
    node.workerinput[WEIGHTS_KEY] = node.config.stash[_WEIGHTS]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Runs after pytest-randomly's shuffle (a hook wrapper): a stable sort, longest module first."""
    if not hasattr(config, "workerinput"):
        return  # not distributed: the order stays as collected (or as pytest-randomly shuffled it)
    weights: dict[str, float] = config.workerinput.get(WEIGHTS_KEY, {})
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(_module(item.nodeid), []).append(item)
    ordered = sorted(modules.items(), key=lambda pair: -float(weights.get(pair[0], 0)))
    items[:] = [item for _, group in ordered for item in group]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Sums each module's setup, call and teardown seconds (in xdist's controller: every worker's)."""
    _spent[_module(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The process that started a run of the whole suite (no paths, `-k` or `-m` given) keeps what
    each module took, for the next run; a run of some tests says little about a module's length.
    `.ci/run`'s PostgreSQL run leaves out whole modules (WHOLE_MODULES_LEFT_OUT), so each module it
    ran, it ran whole: it keeps their seconds too."""
    config = session.config
    whole = (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.option.keyword
        and config.option.markexpr in ("", WHOLE_MODULES_LEFT_OUT)
    )
    cache = getattr(config, "cache", None)
    if hasattr(config, "workerinput") or cache is None or not _spent or not whole:
        return
    kept = dict(cache.get(_cache_key(), {}))
    kept.update({module: round(seconds, 1) for module, seconds in _spent.items()})
    cache.set(_cache_key(), kept)
