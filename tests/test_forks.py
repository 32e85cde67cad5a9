"""A process the tests fork from their zygote (`harness/forks.py`) is the process a real exec of
`python -m MODULE` would start: the same argv, environment, working directory, paths, locale, stdio,
signal dispositions and descriptors, the same exit status and last words, secrets of its own, and a
handle that stops it as `subprocess.Popen` does. Each case runs `tests/fork_probe.py` both ways."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from harness import forks
from harness.databases import LOCALE_VARS
from harness.forks import ROOT

pytestmark = pytest.mark.engine_independent(
    "the test harness's fork launcher; its probe (tests/fork_probe.py) opens no database"
)

PROBE = "tests.fork_probe"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_") and k not in LOCALE_VARS}
    env.update(PYTHONPATH=str(ROOT), TZ="Asia/Ho_Chi_Minh", **extra)
    return env


def _both(ending: str, cwd: Path = ROOT, **env: str) -> tuple[subprocess.CompletedProcess[str], ...]:
    """The probe forked, then exec'd, in the same environment and folder."""
    return tuple(
        forks.run([ending], env=_env(**env), cwd=cwd, module=PROBE, timeout=120, fork=fork)
        for fork in (True, False)
    )


@pytest.mark.parametrize("locale", [{}, {"LANG": "vi_VN.UTF-8"}, {"LANG": "C.UTF-8"}, {"LC_ALL": "C"}])
def test_a_forked_process_sees_what_a_fresh_interpreter_sees(
    locale: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forks, "AFTER", 1)  # a zygote for this locale's start from its first process
    forked, executed = _both("seen", cwd=tmp_path, **locale)
    assert forked.returncode == executed.returncode == 0, (forked.stderr, executed.stderr)
    told, fresh = json.loads(forked.stdout), json.loads(executed.stdout)
    assert told.pop("forked") and not fresh.pop("forked")
    assert told == fresh


@pytest.mark.parametrize("ending", ["exit-3", "message", "raise"])
def test_a_forked_process_ends_with_the_status_and_last_words_of_a_fresh_one(ending: str) -> None:
    forked, executed = _both(ending)
    assert forked.returncode == executed.returncode != 0
    assert forked.stderr == executed.stderr
    assert "the thread finished" in forked.stderr and "atexit ran" in forked.stderr


def test_each_forked_process_draws_its_own_secrets() -> None:
    first, second = (forks.run(["drawn"], env=_env(), module=PROBE, timeout=120) for _ in range(2))
    drawn = [json.loads(result.stdout) for result in (first, second)]
    assert drawn[0]["random"] != drawn[1]["random"]
    assert drawn[0]["authkey"] != drawn[1]["authkey"]


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "executed"])
def test_terminate_and_kill_end_the_process_as_popen_reports_it(fork: bool) -> None:
    for stop, sig in ((forks.Forked.terminate, signal.SIGTERM), (forks.Forked.kill, signal.SIGKILL)):
        process = forks.start(["sleep"], env=_env(), module=PROBE, stdout=forks.PIPE, fork=fork)
        assert process.stdout is not None
        process.stdout.readline()  # it has started
        assert process.poll() is None
        getattr(process, stop.__name__)()
        assert process.wait(30) == -sig
        process.stdout.close()
