"""An installed registry holds every room it runs from: `borderlabour` started outside the clone
imports its packages from the installation, not from the working directory."""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from tests.python_sources import parse

pytestmark = pytest.mark.engine_independent("the distribution's packages, data files and lock; no database")

ROOT = Path(__file__).resolve().parents[1]
NOT_INSTALLED = {"tests", "harness", "bench"}  # the test harness and the benchmarks run from a clone


def test_every_package_of_the_registry_is_in_the_installed_distribution() -> None:
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"][
        "include"
    ]
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_INSTALLED
    missing = {p for p in packages if not any(fnmatch.fnmatch(p, pattern) for pattern in include)}
    assert not missing, f"pyproject.toml leaves out {sorted(missing)}"


def test_every_data_file_a_package_reads_is_in_the_installed_distribution() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = setuptools["package-data"]
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_INSTALLED
    missing = []
    for package in sorted(packages):
        for path in (ROOT / package).rglob("*"):
            if (
                not path.is_file()
                or path.suffix in {".py", ".pyc", ".md", ".sh"}
                or "__pycache__" in path.parts
            ):
                continue
            relative = path.relative_to(ROOT / package).as_posix()
            if not any(fnmatch.fnmatch(relative, pattern) for pattern in data.get(package, [])):
                missing.append(f"{package}/{relative}")
    assert not missing, f"pyproject.toml's package-data leaves out {missing}"


def _locked() -> set[str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    return {_normal(line.split("==")[0]) for line in lines if "==" in line and not line.startswith("#")}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_the_image_installs_holds_every_dependency_and_every_library_the_registry_imports() -> None:
    """The image installs `requirements.lock` only: a library the registry imports that is missing
    there (webhooks' httpx was) stops `serve` in the container and nowhere else."""
    locked = _locked()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {_normal(re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0]) for d in declared}
    assert names <= locked, f"requirements.lock lacks {sorted(names - locked)}: run python -m tools.lock"
    ours = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    distributions = importlib.metadata.packages_distributions()
    imported: dict[str, str] = {}
    for package in sorted(ours - NOT_INSTALLED):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(parse(path.read_text(), str(path))):
                modules = []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                for module in modules:
                    top = module.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ours:
                        imported.setdefault(top, str(path.relative_to(ROOT)))
    missing = {
        f"{top} ({where})"
        for top, where in imported.items()
        if not {_normal(d) for d in distributions.get(top, [top])} & locked
    }
    assert not missing, f"imported but not in requirements.lock: {sorted(missing)}"
