"""What the command line tells a person who got something wrong: one line, and the right exit status.

Exit status 2 means the command could not start (a wrong argument, a setting, a missing file, a
database that does not answer); 1 means it started and failed. Neither prints a traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from settings import SetupError

USAGE = 2
FAILURE = 1


class UsageError(SetupError):
    """An argument names something that does not exist (an office, a token id)."""


class CommandFailed(Exception):
    """The command ran and could not do what was asked."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))


def unreachable(url: str, exc: DBAPIError) -> SetupError:
    """A database that cannot be reached or opened, named without its password."""
    return SetupError(
        "cannot open the database {url}: {reason}",
        url=make_url(url).render_as_string(hide_password=True),
        reason=first_line(exc.orig),
    )


def first_line(exc: BaseException | None) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__
