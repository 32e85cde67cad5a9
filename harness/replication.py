"""Two PostgreSQL clusters on this machine, a primary and its synchronous standby, for the drills.

The clusters are made the way an administrator makes them: `initdb`, then `pg_basebackup -R` from
the running primary (the standby's connection to it written into its configuration), with
`synchronous_standby_names` naming the standby and `synchronous_commit = on`, so that a commit is
acknowledged only once the standby holds it. Each listens on 127.0.0.1 on a free port, with its
socket in its own folder: nothing of the machine's own server is touched. The server binaries
refuse to run as root; run as root, every command runs as the `postgres` user, in a folder it owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from harness.server import free_port

STANDBY_NAME = "standby"


def server_binaries() -> Path | None:
    """The folder of `initdb`, `pg_ctl`, `pg_basebackup` and `psql` (the newest installed), or None."""
    tools = ("initdb", "pg_ctl", "pg_basebackup", "psql")
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(f.split("/")[-2]))
    found = shutil.which("initdb")
    if found:  # a symbolic link on the PATH leads to the folder of them all
        folders.insert(0, str(Path(found).resolve().parent))
    for folder in reversed(folders):
        if all((Path(folder) / tool).exists() for tool in tools):
            return Path(folder)
    return None


def missing_reason() -> str | None:
    """Why the drills cannot run here, or None if they can."""
    if server_binaries() is None:
        return "the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root, and `runuser` is missing to run the server binaries as `postgres`"
    return None


class Cluster:
    def __init__(self, pair: ReplicatedPair, name: str) -> None:
        self.pair, self.name = pair, name
        self.folder = pair.folder / name
        self.port = free_port()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def ctl(self, *args: str) -> None:
        self.pair.run("pg_ctl", "-D", str(self.folder), *args)


class ReplicatedPair:
    """A primary and a synchronous standby, started by `start()` and removed by `close()`."""

    def __init__(self) -> None:
        binaries = server_binaries()
        assert binaries is not None, missing_reason()
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="borderlabour-replication-"))
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.primary = Cluster(self, "primary")
        self.standby = Cluster(self, "standby")

    def run(self, tool: str, *args: str) -> str:
        command = [str(self.binaries / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _settings(self, cluster: Cluster, lines: list[str]) -> None:
        # Appended by this process: the file keeps its owner (the `postgres` user) and mode.
        with (cluster.folder / "postgresql.auto.conf").open("a") as conf:
            conf.write("\n".join(lines) + "\n")

    def start(self) -> ReplicatedPair:
        primary, standby = self.primary, self.standby
        # --no-sync and `fsync = off`: the drills stop PostgreSQL's processes, never this machine, so
        # what a cluster wrote is in the machine's page cache whether or not it was flushed to disk;
        # a commit still waits for the standby to have it (`synchronous_commit = on`).
        self.run(
            "initdb", "-D", str(primary.folder), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        common = [
            "fsync = off",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.folder}'",
            "wal_level = replica",
            "max_wal_senders = 5",
            "shared_buffers = '32MB'",
            "max_connections = 60",
        ]
        self._settings(
            primary,
            [
                *common,
                f"port = {primary.port}",
                f"synchronous_standby_names = '{STANDBY_NAME}'",
                "synchronous_commit = on",
            ],
        )
        primary.ctl("-l", str(self.folder / "primary.log"), "-w", "start")
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(standby.folder),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        # The standby names itself (`cluster_name` is its walreceiver's application_name), and
        # listens on its own port; once promoted it is a primary with no standby of its own.
        self._settings(
            standby,
            [f"port = {standby.port}", f"cluster_name = '{STANDBY_NAME}'", "synchronous_standby_names = ''"],
        )
        standby.ctl("-l", str(self.folder / "standby.log"), "-w", "start")
        self.run(
            "psql", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-Atc",
            "SELECT 1",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.synchronous():  # the standby connects to the primary in its own time
            if time.monotonic() > deadline:
                raise RuntimeError("the standby did not become the primary's synchronous standby")
            time.sleep(0.1)
        return self

    def synchronous(self) -> bool:
        """Whether the primary sees the standby streaming as its synchronous standby."""
        out = self.run(
            "psql", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres", "-Atc",
            "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'",
        )  # fmt: skip
        return out.strip() == "sync"

    def kill_primary(self) -> None:
        """The primary's machine is gone: stopped at once, nothing flushed or handed over."""
        self.primary.ctl("-m", "immediate", "stop")

    def promote(self) -> None:
        self.standby.ctl("-w", "promote")

    def close(self) -> None:
        for cluster in (self.standby, self.primary):
            with contextlib.suppress(RuntimeError):  # already stopped
                cluster.ctl("-m", "immediate", "stop")
        if self.as_postgres:
            subprocess.run(["rm", "-rf", str(self.folder)], check=False)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
