"""PostGraphile 5 as the benchmark's peer: installed on demand, served, and asked for the same page.

PostGraphile 5 needs Node 22 or newer. Both come from the npm registry (the `node@22` package
carries a Node binary) into `.bench/peer-node/`, never into the repository; with no registry, or
no `npm`, the peer phase is skipped and the report says why. The configuration is ours
(`bench/postgraphile.config.mjs`, copied next to the packages so that Node resolves them).

The peer connects as the office's role (`bench/peer_access.py`); what it is asked, and how its
answers are compared with the registry's, is in `bench/peer_shapes.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.datasets import CACHE, ROOT
from harness.server import free_port, stop

NODE_DIR = CACHE / "peer-node"
NODE = NODE_DIR / "node_modules" / ".bin" / "node"
CLI = NODE_DIR / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
CONFIG = ROOT / "bench" / "postgraphile.config.mjs"
PACKAGES = ("node@22", "postgraphile@^5")
NODE_MAJOR = 22


class PeerUnavailable(Exception):
    """The peer cannot run here; the message says why, for the report."""


def _version(path: Path) -> str | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def _major(version: str | None) -> int:
    try:
        return int((version or "").lstrip("v").split(".", 1)[0])
    except ValueError:
        return 0


def installed_version() -> str | None:
    package = NODE_DIR / "node_modules" / "postgraphile" / "package.json"
    if not package.exists() or _major(_version(NODE)) < NODE_MAJOR:
        return None
    return str(json.loads(package.read_text())["version"])


def install(log: Callable[[str], None]) -> dict[str, str]:
    """Node 22 and PostGraphile 5 in `.bench/peer-node/` (once); their versions."""
    if installed_version() is None:
        npm = shutil.which("npm")
        if npm is None:
            raise PeerUnavailable("npm is not installed, so Node 22 and PostGraphile 5 could not be fetched")
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        # npm 11 runs a dependency's install script only when the project allows it; the `node`
        # package's script is what fetches the Node binary.
        (NODE_DIR / "package.json").write_text(json.dumps({"private": True, "allowScripts": {"node": True}}))
        log(f"peer: npm install {' '.join(PACKAGES)} into {NODE_DIR}")
        try:
            result = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", *PACKAGES],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PeerUnavailable("npm install did not finish in 15 minutes (no npm registry?)") from None
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["?"])[-1]
            raise PeerUnavailable(f"npm install failed (no npm registry?): {last}")
        if installed_version() is None:
            raise PeerUnavailable(f"npm install gave no Node {NODE_MAJOR} or no PostGraphile")
    shutil.copyfile(CONFIG, NODE_DIR / "graphile.config.mjs")
    return {"node": _version(NODE) or "?", "postgraphile": installed_version() or "?"}


class PeerServer:
    """One PostGraphile process (one Node process, as `postgraphile` runs by default)."""

    def __init__(self, database_url: str, log: Path, timeout: float = 120) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.log = log
        self._out = log.open("w")
        env = {
            **os.environ,
            "PEER_DATABASE_URL": database_url,
            "PEER_PORT": str(self.port),
            "NODE_ENV": "production",
        }
        self.process = subprocess.Popen(
            [str(NODE), str(CLI), "-C", "graphile.config.mjs"],
            cwd=NODE_DIR,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self._out.close()
                raise RuntimeError(f"PostGraphile exited:\n{log.read_text()[-3000:]}")
            try:
                self.post(json.dumps({"query": "{ __typename }"}))
                return
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"PostGraphile did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)

    def post(self, body: str) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        stop(self.process)
        self._out.close()
