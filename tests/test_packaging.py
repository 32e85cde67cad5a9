"""An installed registry holds every room it runs from: `borderlabour` started outside the clone
imports its packages from the installation, not from the working directory."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

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
