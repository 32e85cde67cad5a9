"""What the command line leaves behind and what it prints when something is missing (issue 17, low).

Every file a command writes (a report, a checkpoint) is readable by its owner only, even where a
wider file stood before; a report names rows by global ID or code, never by a database row number;
and a missing file or missing fonts is one translated line on stderr, never a Python traceback.
Every case runs the real `borderlabour` command on the suite's demo database.
"""

from __future__ import annotations

import functools
import json
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.server import ROOT
from tests import plain_http
from tests.conftest import OFFICER_ARGS, Database, cli_env, run_cli

AGREEMENT, YEAR = "AGR-LC-HK", 2024
REPORT = (
    *("report", "agreement", "--office", "lc-home-affairs", *OFFICER_ARGS),
    *("--agreement", AGREEMENT, "--year", str(YEAR)),
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _integers_under_id_keys(value: Any, where: str = "") -> list[str]:
    """Paths of every integer held under a key that names an identifier (`id`, `agreement_id`, ...)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id") or key.endswith("Id")) and isinstance(item, int):
                found.append(f"{where}.{key}")
            found += _integers_under_id_keys(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found += _integers_under_id_keys(item, f"{where}[{n}]")
    return found


COMMANDS = {
    "report-json": (*REPORT, "--format", "json"),
    "report-xlsx": (*REPORT, "--format", "xlsx"),
    "checkpoint": ("audit", "checkpoint"),
}


Written = Callable[[str], tuple[Path, Path]]


@pytest.fixture(scope="module")
def written(database: Database, demo_tokens, tmp_path_factory) -> Written:
    """`written(name)`: the files of COMMANDS[name], run once onto a fresh path and once over a file
    readable by all, (fresh, existing); run when first asked for, then kept (the report's JSON
    file is also what the test of its identifiers reads)."""

    @functools.cache
    def write(name: str) -> tuple[Path, Path]:
        folder = tmp_path_factory.mktemp(name)
        fresh, existing = folder / "fresh.out", folder / "existing.out"
        existing.write_text("an older file, readable by all")
        existing.chmod(0o644)
        for target in (fresh, existing):
            run_cli(database, *COMMANDS[name], "--output", str(target))
        return fresh, existing

    return write


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_file_the_cli_writes_is_readable_by_its_owner_only(written: Written, command: str) -> None:
    for target in written(command):
        assert target.stat().st_size > 0
        assert _mode(target) == 0o600, (target.name, oct(_mode(target)))


def test_the_report_json_names_rows_by_global_id_never_by_row_number(
    written: Written, live_server, as_office
) -> None:
    agreements = as_office("lc-home-affairs", "statistics").data("{ agreements { id code } }")["agreements"]
    global_id = next(a["id"] for a in agreements if a["code"] == AGREEMENT)
    out, _ = written("report-json")
    headers = {"Authorization": f"Bearer {live_server.tokens['lc-home-affairs']}", "X-Purpose": "statistics"}
    served = plain_http.get(
        f"{live_server.url}/reports/agreements/{AGREEMENT}/{YEAR}.json", headers=headers, timeout=60
    )
    assert served.status_code == 200, served.text
    for report in (json.loads(out.read_text()), served.json()):
        assert _integers_under_id_keys(report) == []
        assert report["agreement_id"] == global_id
        assert all(isinstance(m["id"], str) for m in report["minutes"])


def _stderr_is_one_line_without_traceback(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    prefixes = ("borderlabour: error:", "borderlabour: lỗi:", "borderlabour：错误：")  # en, vi, zh
    errors = [line for line in result.stderr.splitlines() if line.startswith(prefixes)]
    assert len(errors) == 1, result.stderr
    return errors


def test_verify_with_a_missing_public_key_is_one_line_without_a_traceback(
    database: Database, demo_tokens
) -> None:
    result = run_cli(database, "audit", "verify", "--public-key", "/missing", check=False)
    (error,) = _stderr_is_one_line_without_traceback(result)
    assert "/missing" in error


def test_verify_with_a_missing_public_key_speaks_the_terminals_language(
    database: Database, demo_tokens
) -> None:
    english = run_cli(database, "audit", "verify", "--public-key", "/missing", check=False)
    vietnamese = run_cli(
        database, "audit", "verify", "--public-key", "/missing", check=False, LANG="vi_VN.UTF-8"
    )
    (error,) = _stderr_is_one_line_without_traceback(vietnamese)
    assert "/missing" in error and error != _stderr_is_one_line_without_traceback(english)[0]


def test_a_pdf_report_on_a_machine_without_its_fonts_is_one_translated_line(
    database: Database, demo_tokens, tmp_path: Path
) -> None:
    """The machine's font folders are hidden (as on a host without fonts-dejavu-core and
    fonts-noto-cjk) and BORDERLABOUR_FONT_DIRS names a folder that does not exist."""
    hide_fonts = (
        "import sys, reports.fonts as fonts; fonts.SEARCH_DIRS = (); "
        "from cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    args = (*REPORT, "--format", "pdf", "--lang", "vi", "--output", str(tmp_path / "report.pdf"))
    result = subprocess.run(
        [sys.executable, "-c", hide_fonts, *args],
        cwd=ROOT,
        env=cli_env(database, BORDERLABOUR_FONT_DIRS=str(tmp_path / "no-fonts-here")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    (error,) = _stderr_is_one_line_without_traceback(result)
    assert "DejaVuSans" in error or "NotoSansCJK" in error, error
    assert "fonts-dejavu-core fonts-noto-cjk" in error
    assert "install the Debian packages" not in error  # said in Vietnamese, as --lang asks
    assert not (tmp_path / "report.pdf").exists()
