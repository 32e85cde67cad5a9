"""A real `borderlabour serve` process on 127.0.0.1 and a free port, started and stopped like an
operator would: the tests and the benchmark both speak to it over HTTP, never in-process."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from harness import forks
from harness.forks import ROOT

__all__ = ["ROOT", "ServerProcess", "free_port", "stop"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`python -m cli.main serve --port P ARGS` with the given environment, its output in `log`."""

    def __init__(
        self, env: dict[str, str], log: Path, *args: str, timeout: float = 120, fork: bool = True
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = log.open("w")
        if "--processes" not in args:  # one process unless asked: the suite's counts stay per server
            args = ("--processes", "1", *args)
        # Forked from the zygote unless `fork` is False (a real exec, as an operator starts it).
        self.process = forks.start(
            ["serve", "--port", str(self.port), *args],
            env=env,
            stdout=self._out,
            stderr=forks.STDOUT,
            fork=fork,
        )
        try:
            self._wait_ready(timeout)
        except RuntimeError:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        stop(self.process)
        self._out.close()


def stop(process: subprocess.Popen[Any] | forks.Forked) -> None:
    """Asks the process to end, then ends it if it has not after 15 seconds."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
