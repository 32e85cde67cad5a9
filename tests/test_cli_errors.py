"""What a person who gets something wrong at the command line sees: one clear line on stderr, exit
status 2 when the command could not start (usage, settings, set-up) and 1 when it failed, and
never a Python traceback. Every case runs the real `borderlabour` command."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from harness import forks
from harness.server import ROOT, free_port

pytestmark = pytest.mark.engine_independent(
    "the command line's refusals; its own registry is always a SQLite file"
)

USAGE, FAILURE = 2, 1


def borderlabour(
    *args: str, cwd: Path = ROOT, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """The command with a clean environment: only the BORDERLABOUR_* variables given here."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_")}
    clean.update(PYTHONPATH=str(ROOT), **env)
    return forks.run(args, env=clean, cwd=cwd, timeout=timeout)


def assert_refused(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("borderlabour")]
    assert errors, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def _refused_port() -> int:
    """A port on which nothing listens (bound, then released)."""
    return free_port()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", ["BORDERLABOUR_DATABASE_URL", "cannot read it as a database URL"]),
        ("sqlite:////no/such/folder/registry.db", ["/no/such/folder", "does not exist"]),
        ("mysql://registry@127.0.0.1/registry", ["mysql is not supported"]),
        (
            f"postgresql://postgres@127.0.0.1:{_refused_port()}/registry",
            ["cannot open the database", "refused"],
        ),
        (
            "postgresql://postgres@no-such-host.invalid/registry",
            ["cannot open the database", "no-such-host.invalid"],
        ),
    ],
    ids=["unparsable", "missing-folder", "mysql", "nothing-listening", "bad-host"],
)
def test_a_database_url_that_cannot_work_is_one_line_and_status_2(
    url: str, words: list[str], tmp_path
) -> None:
    result = borderlabour(
        "token", "list", "--database-url", url, BORDERLABOUR_KEY_FILE=str(tmp_path / "k.json")
    )
    assert_refused(result, USAGE, *words)


def test_a_command_run_outside_the_clone_creates_no_database(tmp_path) -> None:
    for command in (
        ["token", "list"],
        ["audit", "verify"],
        ["keys", "rotate"],
        ["generate", "--workers", "5"],
    ):
        assert_refused(borderlabour(*command, cwd=tmp_path), USAGE, "no database at", "borderlabour migrate")
    assert list(tmp_path.iterdir()) == []


def test_a_token_that_expires_at_once_is_refused() -> None:
    assert_refused(
        borderlabour("token", "issue", "--office", "cn-hekou", "--expires", "0d"), USAGE, "--expires"
    )


def test_an_invalid_rate_limit_stops_serve_before_any_process_starts() -> None:
    result = borderlabour(
        "serve", "--processes", "2", "--port", str(free_port()), BORDERLABOUR_RATE_LIMIT="fast", timeout=60
    )
    assert_refused(result, USAGE, "BORDERLABOUR_RATE_LIMIT", "'fast'")
    assert "Border Labour Registry on" not in result.stderr


@pytest.fixture(scope="module")
def small_registry(tmp_path_factory) -> dict[str, str]:
    """A demo database of its own (SQLite), for commands that change keys or add workers."""
    folder = tmp_path_factory.mktemp("cli")
    env = {"BORDERLABOUR_DATABASE_URL": f"sqlite:///{folder / 'small.db'}"}
    result = borderlabour("demo", "--tokens-file", str(folder / "tokens.json"), "--demo-workers", "20", **env)
    assert result.returncode == 0, result.stderr
    return env


def test_serve_on_a_port_in_use_says_so_before_any_banner(small_registry) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = borderlabour("serve", "--port", str(port), timeout=60, **small_registry)
    assert_refused(result, USAGE, f"cannot listen on 127.0.0.1:{port}")
    assert "Border Labour Registry on" not in result.stderr


def _first_lines_then_close(args: list[str], lines: int, env: dict[str, str]) -> tuple[int, str]:
    """Reads `lines` lines of the command's output and closes the pipe, as `| head -n` does."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_")}
    clean.update(PYTHONPATH=str(ROOT), **env)
    process = forks.start(args, env=clean, stdout=forks.PIPE, stderr=forks.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    for _ in range(lines):
        process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    return process.wait(120), stderr


@pytest.fixture(scope="module")
def many_tokens(small_registry) -> None:
    """More token rows than a pipe holds, so a reader that leaves early really closes it on the writer."""
    database = small_registry["BORDERLABOUR_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        office = db.execute("SELECT id FROM offices WHERE code = 'cn-hekou'").fetchone()[0]
        db.executemany(
            "INSERT INTO tokens (office_id, token_hash, label, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)",
            [(office, f"{n:064x}", "a label long enough to fill the pipe sooner") for n in range(2000)],
        )


@pytest.mark.parametrize(
    "args", [["token", "list"], ["policy", "matrix"]], ids=["token-list", "policy-matrix"]
)
def test_a_reader_that_stops_early_is_no_error(args: list[str], small_registry, many_tokens) -> None:
    status, stderr = _first_lines_then_close(args, 1, small_registry)
    assert status == 0 and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_a_key_rotation_whose_reader_stops_early_still_finishes(small_registry) -> None:
    status, stderr = _first_lines_then_close(["keys", "rotate", "--grace", "0"], 2, small_registry)
    assert status == 0 and "Traceback" not in stderr, stderr
    database = small_registry["BORDERLABOUR_DATABASE_URL"].removeprefix("sqlite:///")
    keys = json.loads(Path(database).with_suffix(".keys.json").read_text())
    with sqlite3.connect(database) as db:
        sealed_with = {
            row[0].split(":", 1)[0] for row in db.execute("SELECT national_id_sealed FROM workers")
        }
    assert sealed_with == {keys["active"]}, (sealed_with, keys["active"])


def test_generate_brings_the_database_to_the_number_of_workers_asked(small_registry) -> None:
    database = small_registry["BORDERLABOUR_DATABASE_URL"].removeprefix("sqlite:///")

    def workers() -> int:
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT count(*) FROM workers").fetchone()[0])

    held = workers()
    assert borderlabour("generate", "--workers", str(held), "--seed", "7", **small_registry).returncode == 0
    assert workers() == held
    assert (
        borderlabour("generate", "--workers", str(held + 5), "--seed", "7", **small_registry).returncode == 0
    )
    assert workers() == held + 5
