"""One log line per request, naming its request id, and logs as JSON (`--log-format json`).

`RequestLog` wraps the application: it gives every HTTP request its id (`service.timings`; every
answer carries it as `X-Request-Id`, a CORS preflight or a probe too), times it and, once answered,
logs the method, the path without its query string, the status, the request id, the office and
operation name the GraphQL route noted, and the seconds spent in total, in SQL and waiting for the
ledger. Never a header, a variable, a token or a value: the operation name is the metrics label,
built only from names the office's schema knows. This line replaces uvicorn's access line, which
knows no request id, in both formats.

Every other line logged while a request runs (in its worker thread too) names the same id
(`RequestIdFilter`): a field `requestId` in JSON, `[request ID]` at the end of a text line.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import LOGGING_CONFIG

from service.timings import measuring, request_id

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
        answer: dict[str, Any] = {"status": 500, "rid": timings.request_id}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = list(message.get("headers", []))
                named = [v for n, v in headers if n.lower() == b"x-request-id"]
                if named:  # the routes take the id from `timings`; whatever an answer names is logged
                    answer["rid"] = named[0].decode("latin-1")
                else:
                    message = {**message, "headers": [*headers, (b"x-request-id", answer["rid"].encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope.get("path", "")
            if path not in QUIET and log.isEnabledFor(logging.INFO):
                # The record `log.info` makes, less its walk up the stack for the caller's file and
                # line (a quarter of the line's cost, on the event loop), which no format shows.
                record = log.makeRecord(
                    log.name,
                    logging.INFO,
                    "",
                    0,
                    "%s %s %s",
                    (scope.get("method"), path, answer["status"]),
                    None,
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
                log.handle(record)


QUIET = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})  # probes every few seconds


class RequestIdFilter(logging.Filter):
    """Names on each line logged while a request runs the id of that request (`requestId`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "requestId"):
            record.requestId = request_id()
        return True


class TextFormatter(logging.Formatter):
    """The text lines as before, with `[request ID]` at the end of a line logged for a request; the
    access line reads `POST /graphql 200 request=ID office=CODE operation=NAME 0.012s ledger=0.004s`
    (the time in SQL is measured for JSON logs only: `Registry`)."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "requestId", None)
        if record.name == log.name and hasattr(record, "duration"):
            office, operation = getattr(record, "office", None), getattr(record, "operation", None)
            seconds = [getattr(record, name) for name in ("duration", "ledgerWait")]
            return (
                f"{line} request={rid} office={office or '-'} operation={operation or '-'} "
                "{:.3f}s ledger={:.3f}s".format(*seconds)
            )
        return line if rid is None else f"{line} [request {rid}]"


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
            if getattr(record, name, None) is not None:
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(log_format: str) -> dict[str, Any]:
    """uvicorn's `log_config`: with `json` every logger one object a line; with `text` uvicorn's own
    lines as uvicorn writes them and the registry's as `cli.main` does. Either way this module's
    line instead of uvicorn's access line, and the request id on every line of a request."""
    if log_format == "json":
        handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        config: dict[str, Any] = {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "web.request_log.JsonFormatter"}},
            "handlers": {"default": handler},
            "loggers": {
                "uvicorn": {"handlers": [], "level": "INFO", "propagate": True},
                "uvicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            },
        }
    else:
        config = copy.deepcopy(LOGGING_CONFIG)
        config["formatters"]["registry"] = {"()": "web.request_log.TextFormatter", "fmt": TEXT_FORMAT}
        config["handlers"]["registry"] = {
            "class": "logging.StreamHandler",
            "formatter": "registry",
            "stream": "ext://sys.stderr",
        }
    name = "default" if log_format == "json" else "registry"
    config["filters"] = {"request": {"()": "web.request_log.RequestIdFilter"}}
    config["handlers"][name]["filters"] = ["request"]
    config["root"] = {"handlers": [name], "level": "INFO"}
    config["loggers"]["uvicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    return config


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"  # the one `cli.main` sets
