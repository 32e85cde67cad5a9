"""uvicorn's supervisor, its server processes sharing one listening socket, fewest connections first.

Each process accepts through `cli.accepting` and keeps its count of open connections in a slot of
a `Tally` every process shares. A process that dies is replaced in its slot; on SIGHUP each process
in turn is replaced by one in a spare slot (both run for a while) and stopped once its replacement
is ready.
"""

from __future__ import annotations

import logging
import socket

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.server import Server
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from cli.accepting import EMPTY, FewestConnectionsFirst, Tally

logger = logging.getLogger("uvicorn.error")


class SlotProcess(Process):
    """A server process holding one slot of the tally."""

    def __init__(self, config: Config, sockets: list[socket.socket], tally: Tally, slot: int) -> None:
        self.tally, self.slot = tally, slot  # pickled with the process: the child needs them
        super().__init__(config, sockets)

    @property
    def server(self) -> Server:
        if self._server is None:
            self._server = FewestConnectionsFirst(self.config, self.tally, self.slot)
        return self._server


class FewestConnections(Multiprocess):
    """uvicorn's supervisor (signals, health checks) over processes that share one socket.

    The number of processes is fixed by `--processes`: SIGTTIN and SIGTTOU are refused.
    """

    def __init__(self, config: Config, sockets: list[socket.socket], processes: int) -> None:
        super().__init__(config, sockets)
        for sock in sockets:  # connections queue from now, before any process is ready to accept
            sock.listen(config.backlog)
        self.processes_num = processes
        self.tally = Tally(2 * processes)  # a spare slot for each process, used while SIGHUP replaces it

    def _start(self, slot: int) -> Process:
        process = SlotProcess(self.config, self.sockets, self.tally, slot)
        process.start()
        return process

    def _slot_of(self, process: Process) -> int:
        assert isinstance(process, SlotProcess)
        return process.slot

    def init_processes(self) -> None:
        self.processes = [self._start(slot) for slot in range(self.processes_num)]

    def keep_subprocess_alive(self) -> None:
        for n, process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            self.tally.set(self._slot_of(process), EMPTY)  # its connections died with it
            if process.exitcode == STARTUP_FAILURE:  # would fail the same way on every restart
                logger.error(f"Child process [{process.pid}] failed to start, stopping the parent process.")
                self.should_exit.set()
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[n] = self._start(self._slot_of(process))

    def restart_all(self) -> None:
        for n, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            spare = (self._slot_of(old) + self.processes_num) % (2 * self.processes_num)
            new = self._start(spare)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                self.tally.set(spare, EMPTY)
                logger.error(f"Child process [{new.pid}] was not ready in time; keeping [{old.pid}].")
                return
            old.terminate()
            old.join()
            self.tally.set(self._slot_of(old), EMPTY)
            self.processes[n] = new

    def handle_ttin(self) -> None:
        logger.info("Received SIGTTIN: the number of processes is fixed by --processes.")

    def handle_ttou(self) -> None:
        logger.info("Received SIGTTOU: the number of processes is fixed by --processes.")
