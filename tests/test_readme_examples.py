"""Every example in README.md runs against the demo and succeeds, as a new user would run it today.

The code blocks are taken from the README itself:
  - a `graphql` block names the office and purpose it runs as in its first line
    (`# as tq-home-affairs, X-Purpose: worker-registration`); each operation in it is sent, and must
    answer without errors, a mutation's payload with an empty `errors` list. Its variables are the
    values the README says to take from a read (`$placement`: a planned placement; `$id`: a worker's
    national ID number; `$w`, `$e`, `$a`: a cleared worker, an employer and an agreement of Lào Cai);
  - the `sh` blocks that act on the running demo (their commands are `TOKEN=…`, `curl` and
    `borderlabour report`) run in README order in one shell, with the demo's `tokens.json`, the
    server's address for 127.0.0.1:8000 and curl failing on any HTTP error. Set-up blocks (installs,
    migrations, Docker, benchmarks) are not examples against the demo and are left out.

The examples register and place workers, so the module has a registry of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, OperationType, parse

from tests import procedure_steps as steps
from tests.conftest import cli_env, default_purpose, own_registry
from tests.paging import all_nodes

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
ACTING = re.compile(r"#\s*as ([a-z-]+), X-Purpose: ([a-z-]+)")
# A commented step of the procedure example that is complete on one line, e.g.
# `# lc-police:  recordPoliceClearance(input: {workerId: $w, issuedOn: "2026-11-01", result: CLEAR})`.
STEP = re.compile(r"^#\s*([a-z]+-[a-z-]+):\s*(record\w+)\(input: (\{workerId: \$w, [^}.\n]*\})\)", re.M)
DEMO_COMMANDS = ("TOKEN=", "curl ", "borderlabour report ")


def blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")) if lang == kind]


def demo_script_lines(body: str) -> list[str] | None:
    """The block's lines when every command in it acts on the running demo, else None."""
    lines = body.splitlines()
    commands = [line for line in lines if line and not line.startswith(("#", " "))]
    return lines if commands and all(c.startswith(DEMO_COMMANDS) for c in commands) else None


@pytest.fixture(scope="module")
def registry(template, tmp_path_factory):
    with own_registry(template, tmp_path_factory.mktemp("readme")) as own:
        yield own


def _values(registry) -> dict[str, str | None]:
    """The variables' values, read as the README says to read them."""
    hekou = registry.as_office("cn-hekou", "placement-verification")
    # A placement Hekou may confirm, as the README says: planned, starting tomorrow, its worker
    # across at Lào Cai (the border guard records the exit first).
    worker = steps.ready(registry.as_office)
    tomorrow = (steps.today() + dt.timedelta(days=1)).isoformat()
    planned = steps.place(registry.as_office, worker, startDate=tomorrow)["placement"]["id"]
    assert steps.cross(registry.as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    listed = hekou.data("{ placements(first: 100, filter: {status: [PLANNED]}) { nodes { id } } }")
    assert planned in {p["id"] for p in listed["placements"]["nodes"]}
    tq = registry.as_office("tq-home-affairs", "placement-verification")
    numbers = tq.data("{ workers(first: 5) { nodes { nationalIdNumber } } }")["workers"]["nodes"]
    lc = registry.as_office("lc-home-affairs", "placement-verification")
    cleared = all_nodes(lc, "workers", "id placements { status }", ", filter: {status: [CLEARED]}")
    free = next(
        w["id"] for w in cleared if not any(p["status"] in ("PLANNED", "ACTIVE") for p in w["placements"])
    )
    # The procedure example's commented checks, as written, for that worker: then it may be placed.
    for office, mutation, data in STEP.findall(README.read_text(encoding="utf-8")):
        step = f"mutation($w: ID!) {{ {mutation}(input: {data}) {{ errors {{ code message }} }} }}"
        answer = registry.as_office(office, default_purpose(office)).data(step, {"w": free})
        assert answer[mutation]["errors"] == [], answer
    employers = lc.data("{ employers(first: 50) { nodes { id socialCreditCode } } }")["employers"]["nodes"]
    agreements = lc.data("{ agreements { id code } }")["agreements"]
    hekou_employers = {
        e["id"]
        for e in registry.as_office("cn-hekou", "placement-verification").data(
            "{ employers(first: 50) { nodes { id } } }"
        )["employers"]["nodes"]
    }
    return {
        "placement": planned,
        "after": None,  # the feed's first page: no cursor yet
        "id": numbers[0]["nationalIdNumber"],
        "w": free,
        "e": next(e["id"] for e in employers if e["id"] in hekou_employers),
        "a": next(a["id"] for a in agreements if a["code"] == "AGR-LC-HK"),
    }


def test_every_graphql_example_names_the_office_and_purpose_it_runs_as():
    examples = blocks("graphql")
    assert len(examples) >= 5
    assert all(ACTING.search(body.splitlines()[0]) for body in examples)


def test_the_readme_acts_as_offices_and_communes_in_force_today():
    text = README.read_text(encoding="utf-8")
    runnable = "\n".join(blocks("graphql") + [b for b in blocks("sh") if demo_script_lines(b)])
    assert "VN-HG-MEOVAC-SONVI" not in runnable  # closed on 30 June 2025
    assert not re.search(r"#\s*as (hg|lc)-labour\b", runnable)  # closed on 28 February 2025
    assert "DOMAIN.md" not in text or (README.parent / "DOMAIN.md").exists()
    assert "`agreements`" in text and "are plain lists" in text


def test_every_graphql_example_succeeds_against_the_demo(registry):
    values = _values(registry)
    ran = 0
    for body in blocks("graphql"):
        office, purpose = ACTING.search(body.splitlines()[0]).groups()
        client = registry.as_office(office, purpose)
        document = parse(body)
        for operation in document.definitions:
            assert isinstance(operation, OperationDefinitionNode)
            names = [v.variable.name.value for v in operation.variable_definitions or ()]
            sent = {"query": body, "variables": {name: values[name] for name in names}}
            if operation.name is not None:
                sent["operationName"] = operation.name.value
            response = client.post(sent)
            assert response.status_code == 200, (body, response.text)
            answer = response.json()
            assert "errors" not in answer, (body, answer)
            if operation.operation == OperationType.MUTATION:
                for payload in answer["data"].values():
                    assert payload.get("errors") == [], (body, payload)
            ran += 1
    assert ran >= 6


def test_every_shell_example_against_the_demo_succeeds(registry, tmp_path):
    scripts = [lines for body in blocks("sh") if (lines := demo_script_lines(body))]
    assert len(scripts) >= 3
    script = "\n".join(line for lines in scripts for line in lines)
    script = (
        script.replace("http://127.0.0.1:8000", registry.server.url)
        .replace("curl -s ", "curl -sS --fail-with-body ")
        .replace("python -c", f"{sys.executable} -c")
        .replace("borderlabour report", f"{sys.executable} -m cli.main report")
    )
    (tmp_path / "tokens.json").write_text(json.dumps(registry.server.tokens))
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        env=cli_env(registry.database),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{script}\n---\n{result.stdout}\n{result.stderr}"
    assert (tmp_path / "AGR-HG-BS-report-2024.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "AGR-HG-BS-report-2024.xlsx").stat().st_size > 0
    assert '"code":"cn-hekou"' in result.stdout.replace(" ", "")
