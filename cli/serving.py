"""`borderlabour serve`: the checks before the first server process starts, then the processes.

The listening socket is bound here, before anything is printed or spawned, so a port already in
use is one clear error rather than a banner followed by a failure. Every server process gets
the settings object itself (inside a picklable application factory), never the environment.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile

from cli.errors import CommandFailed
from settings import Settings, SetupError

METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise SetupError(
            "cannot listen on {host}:{port}: {reason}", host=host, port=port, reason=reason
        ) from None
    except OverflowError:
        sock.close()
        raise SetupError("--port {port} is not a port number (1-65535)", port=port) from None
    return sock


def run(settings: Settings, host: str, port: int, processes: int) -> int:
    if processes < 1:
        raise SetupError("--processes must be at least 1, not {processes}", processes=processes)
    sock = listen(host, port)
    # prometheus_client's multiprocess mode is switched on by this variable (`schema.metrics`):
    # every server process writes its counts into the folder, and /metrics sums them.
    metrics_dir = None
    # uvicorn re-raises SIGTERM once it has shut down; raising SystemExit instead lets the
    # `finally` below remove the metrics folder.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    if METRICS_DIR_ENV not in os.environ:
        metrics_dir = os.environ[METRICS_DIR_ENV] = tempfile.mkdtemp(prefix="borderlabour-metrics-")
    try:
        return _run_processes(settings, sock, host, port, processes)
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _run_processes(settings: Settings, sock: socket.socket, host: str, port: int, processes: int) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from schema.asgi import RegistryApp

    config = uvicorn.Config(
        RegistryApp(settings),
        factory=True,
        host=host,
        port=port,
        workers=processes,
        log_level="info",
        server_header=False,
        # A process that imports the whole registry on a busy machine may need more than the
        # default 5 s to answer its first health check; it is not dead, only slow.
        timeout_worker_healthcheck=60,
    )
    print(
        f"Border Labour Registry on http://{host}:{port}/graphql ({processes} process(es))",
        file=sys.stderr,
    )
    server = uvicorn.Server(config)
    try:
        if processes > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if processes == 1 and not server.started:
        raise CommandFailed("the server did not start: see the log above")
    return 0
