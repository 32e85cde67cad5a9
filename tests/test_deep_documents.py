"""A document nested several relations deep answers, and a compiled statement the database refuses
is tried once (issue 17, item 5).

SQLite refuses the compiled engine's statement for a document nested about five relations deep
("parser stack overflow"); the failing statement used to run twice before the reference engine
answered, and the log named only the exception's type. Now the reference engine answers after one
failure, and the one warning names the database's own reason. The document is the same on
PostgreSQL, where it must simply answer. Over HTTP, with a server of the module's own so that its
log and fallback count hold this module's requests alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from harness.databases import Template
from tests import plain_http
from tests.conftest import OwnRegistry, own_registry

DEEP = """{ workers(first: 2) { nodes { fullName placements { job employer { nameVi placements(first: 2) {
  job worker { fullName placements { job employer { nameVi placements(first: 2) { job } } } } } } } } } }"""
FALLBACK = re.compile(r'borderlabour_reference_fallbacks_total\{reason="planner error"\} (\d+)')


@pytest.fixture(scope="module")
def registry(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnRegistry]:
    with own_registry(template, tmp_path_factory.mktemp("deep")) as own:
        yield own


def _planner_errors(registry: OwnRegistry) -> int:
    found = FALLBACK.search(plain_http.get(f"{registry.server.url}/metrics").text)
    return int(found.group(1)) if found else 0


def test_a_document_nested_five_relations_deep_answers(registry: OwnRegistry):
    data = registry.as_office("lc-home-affairs").data(DEEP)
    workers = data["workers"]["nodes"]
    assert len(workers) == 2 and all(w["fullName"] for w in workers)


def test_a_compiled_statement_the_database_refuses_runs_once_and_its_reason_is_logged(registry: OwnRegistry):
    before = _planner_errors(registry)
    log_before = registry.server.log.read_text()
    registry.as_office("lc-home-affairs").data(DEEP)
    failed = _planner_errors(registry) - before
    new_lines = registry.server.log.read_text()[len(log_before) :]
    warnings = [line for line in new_lines.splitlines() if "compiled read failed" in line]
    assert failed <= 1 and len(warnings) == failed
    if registry.database.url.startswith("sqlite"):
        assert failed == 1, "SQLite was expected to refuse the compiled statement"
        assert "parser stack overflow" in warnings[0]
