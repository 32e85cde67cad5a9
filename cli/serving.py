"""`borderlabour serve`: the checks before the first server process starts, then the processes.

The listening socket (one, shared by the processes: `cli.listening`) is bound here, before anything
is printed or spawned, so a port already in use is one clear error rather than a banner followed by a
failure. Every server process gets the settings object itself (inside a picklable application
factory), never the environment.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
from functools import partial
from typing import Any

from cli.errors import CommandFailed
from cli.language import say
from cli.listening import listen
from locales import N_
from settings import Settings, SetupError

METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


def run(settings: Settings, host: str, port: int) -> int:
    sockets = [listen(host, port)]
    # prometheus_client's multiprocess mode is switched on by this variable (`service.metrics`):
    # every server process writes its counts into the folder, and /metrics sums them.
    metrics_dir = None
    # uvicorn re-raises SIGTERM once it has shut down; raising SystemExit instead lets the
    # `finally` below remove the metrics folder.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    if METRICS_DIR_ENV not in os.environ:
        metrics_dir = os.environ[METRICS_DIR_ENV] = tempfile.mkdtemp(prefix="borderlabour-metrics-")
    if settings.metrics and settings.metrics_address is not None:
        from web.metrics_server import serve_metrics

        try:
            serve_metrics(settings.metrics_address, os.environ[METRICS_DIR_ENV])
        except OSError as exc:
            raise SetupError(
                "cannot serve metrics on {address}: {reason}",
                address=settings.metrics_address,
                reason=exc.strerror or exc,
            ) from None
    try:
        return _run_processes(settings, sockets, host, port)
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _logging(settings: Settings) -> dict[str, Any]:
    """The request log instead of uvicorn's access line; with JSON logs every logger one object a line."""
    from web.request_log import logging_config

    return {"log_config": logging_config(settings.log_format), "access_log": False}


def _run_processes(settings: Settings, sockets: list[socket.socket], host: str, port: int) -> int:
    import uvicorn

    from cli.processes import FewestConnections
    from web.asgi import RegistryApp
    from web.header_deadline import HeaderDeadlineProtocol

    config = uvicorn.Config(
        RegistryApp(settings),
        factory=True,
        host=host,
        port=port,
        workers=settings.processes,
        log_level="info",
        server_header=False,
        # The head of a request gets the body's time: a half-sent request line is cut off too.
        # (uvicorn calls `http` as it would a class.)
        http=partial(HeaderDeadlineProtocol, header_seconds=settings.body_seconds),  # type: ignore[arg-type]
        # A process that imports the whole registry on a busy machine may need more than the
        # default 5 s to answer its first health check; it is not dead, only slow.
        timeout_worker_healthcheck=60,
        # On SIGTERM requests in flight get this long to finish; then their connections are closed.
        timeout_graceful_shutdown=settings.shutdown_seconds,
        **_logging(settings),
    )
    say(
        N_("Border Labour Registry on {url} ({n} process(es))"),
        url=f"http://{host}:{port}/graphql",
        n=settings.processes,
        file=sys.stderr,
    )
    server = uvicorn.Server(config)
    try:
        if settings.processes > 1:
            FewestConnections(config, sockets, settings.processes).run()
        else:
            server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass
    if settings.processes == 1 and not server.started:
        raise CommandFailed("the server did not start: see the log above")
    return 0
