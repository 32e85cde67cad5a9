"""`borderlabour policy check` names every policy line that refers to something that does not exist,
and exits non-zero; the policy as shipped passes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from settings import POLICY_DIR
from tests.test_cli_errors import borderlabour

pytestmark = pytest.mark.engine_independent("the policy files' check; no database")

# One typo of each kind the check must catch: (file, the line as saved, what the report must say).
TYPOS = [
    ("visibility.csv", "p, cn-office, Worker.fullNmae, read", "unknown field 'Worker.fullNmae'"),
    (
        "duties.csv",
        "p, vn-police, recordPoliceClearence, write",
        "unknown write duty 'recordPoliceClearence'",
    ),
    ("scopes.csv", "p, vn-health, rows, home-units", "unknown row scope 'home-units'"),
    ("purposes.csv", "p, vn-labour, purpose, statistcs", "unknown purpose 'statistcs'"),
    ("visibility.csv", "p, vn-labuor, Worker.phone, read", "unknown office or role 'vn-labuor'"),
    ("offices.csv", "g, lc-customs, vn-custom", "unknown role 'vn-custom'"),
]


@pytest.fixture
def policy(tmp_path) -> Path:
    folder = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def test_the_shipped_policy_names_nothing_unknown() -> None:
    result = borderlabour("policy", "check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_line_naming_something_unknown_is_listed_with_its_place(policy: Path) -> None:
    expected = []
    for file, line, _ in TYPOS:
        path = policy / file
        text = path.read_text(encoding="utf-8")
        path.write_text(text + line + "\n", encoding="utf-8")
        expected.append(f"{file}:{len(text.splitlines()) + 1}:")
    result = borderlabour("policy", "check", "--policy-dir", str(policy))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    report = result.stdout.splitlines()
    assert len(report) == len(TYPOS), report
    for (_, _, problem), place in zip(TYPOS, expected, strict=True):
        assert any(line.startswith(place) and problem in line for line in report), (place, problem, report)


def test_serve_refuses_a_policy_with_unknown_names_before_it_starts(policy: Path) -> None:
    with (policy / "scopes.csv").open("a", encoding="utf-8") as out:
        out.write("p, vn-health, rows, everything\n")
    result = borderlabour("serve", "--policy-dir", str(policy), "--port", "1", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "scopes.csv" in result.stderr and "'everything'" in result.stderr
