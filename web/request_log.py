"""One log line per request, and logs as JSON (`--log-format json`) for a log collector.

`RequestLog` wraps the application: it times every HTTP request and, once answered, logs the
method, the path without its query string, the status, the request id the answer carries, the
office and operation name the GraphQL route noted (`service.timings`), and the seconds spent in
total, in SQL and waiting for the ledger. Never a header, a variable, a token or a value: the
operation name is the metrics label, built only from names the office's schema knows.

With `--log-format json` every line of every logger is one JSON object (`JsonFormatter`), and this
line replaces uvicorn's access line, which knows no request id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.timings import measuring

log = logging.getLogger("borderlabour.access")
FIELDS = (
    "requestId",
    "office",
    "operation",
    "method",
    "path",
    "status",
    "duration",
    "database",
    "ledgerWait",
)


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        timings = measuring()
        answer: dict[str, Any] = {"status": 500, "rid": None}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"x-request-id":
                        answer["rid"] = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope.get("path", "")
            if path not in QUIET:
                log.info(
                    "%s %s %s",
                    scope.get("method"),
                    path,
                    answer["status"],
                    extra={
                        "requestId": answer["rid"],
                        "office": timings.office,
                        "operation": timings.operation,
                        "method": scope.get("method"),
                        "path": path,
                        "status": answer["status"],
                        "duration": round(time.perf_counter() - started, 6),
                        "database": round(timings.database, 6),
                        "ledgerWait": round(timings.ledger_wait, 6),
                    },
                )


QUIET = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})  # probes every few seconds


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", …}`: the request fields when the line has them."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(log_format: str) -> dict[str, Any] | None:
    """uvicorn's `log_config` for `--log-format json` (None: uvicorn's own, as before)."""
    if log_format != "json":
        return None
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "web.request_log.JsonFormatter"}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
