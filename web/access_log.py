"""The server's access log names the path, never the query string.

A query string can hold personal values (`/exports/workers.xlsx?nationalIdNumber=...`); uvicorn's
access log prints it whole. The filter here rewrites each access line's path to the part before
`?`, in every server process (the application factory installs it after uvicorn set up logging).
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
_PATH = 2  # uvicorn's access line arguments: client, method, path with query, HTTP version, status


class PathWithoutQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH:
            path = args[_PATH]
            if isinstance(path, str):
                record.args = (*args[:_PATH], path.split("?", 1)[0], *args[_PATH + 1 :])
        return True


def keep_query_strings_out_of_the_access_log() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, PathWithoutQuery) for f in logger.filters):
        logger.addFilter(PathWithoutQuery())
