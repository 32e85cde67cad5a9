"""uvicorn's supervisor, giving each server process a listening socket of its own (`cli.listening`)."""

from __future__ import annotations

import logging
import socket

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


class OneSocketEach(Multiprocess):
    """uvicorn's supervisor (signals, health checks), with process `i` serving socket `i` only.

    A process that dies is replaced on its own socket, so its share of the connections waits for
    the replacement rather than going elsewhere; SIGHUP replaces each process in turn on its socket.
    The number of processes is fixed by `--processes`: SIGTTIN and SIGTTOU are refused.
    """

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.processes_num = len(sockets)

    def _start(self, slot: int) -> Process:
        process = Process(self.config, [self.sockets[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._start(slot) for slot in range(len(self.sockets))]

    def keep_subprocess_alive(self) -> None:
        for slot, process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # would fail the same way on every restart
                logger.error(f"Child process [{process.pid}] failed to start, stopping the parent process.")
                self.should_exit.set()
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[slot] = self._start(slot)

    def restart_all(self) -> None:
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._start(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                logger.error(f"Child process [{new.pid}] was not ready in time; keeping [{old.pid}].")
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def handle_ttin(self) -> None:
        logger.info("Received SIGTTIN: the number of processes is fixed by --processes.")

    def handle_ttou(self) -> None:
        logger.info("Received SIGTTOU: the number of processes is fixed by --processes.")
