"""What the command line tells a person who got something wrong: one line, and the right exit status.

Exit status 2 means the command could not start (a wrong argument, a setting, a missing file, a
database that does not answer); 1 means it started and failed. Neither prints a traceback.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from locales import N_, negotiate, render
from reports.fonts import FontsMissing
from settings import SetupError

USAGE = 2
FAILURE = 1


class UsageError(SetupError):
    """An argument names something that does not exist (an office, a token id)."""


class CommandFailed(Exception):
    """The command ran and could not do what was asked."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.template, self.values = message, values


def told(exc: Exception, language: str) -> str:
    """The failure's message in the terminal's language (a SetupError or CommandFailed keeps its
    English template and values apart, so it is translated here), else as it is."""
    template = getattr(exc, "template", None)
    if isinstance(template, str) and template:
        return render(template, language, **getattr(exc, "values", {}))
    return str(exc)


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


def terminal_language(lang: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language of the person at the terminal: `--lang` where a command has it, else the locale
    (the first of LC_ALL, LC_MESSAGES and LANG that is set, as POSIX orders them), else English."""
    if lang:
        return negotiate(lang.split(",")[0])
    env = os.environ if environ is None else environ
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return negotiate(locale.split(".")[0].replace("_", "-"))


_FILE_PROBLEMS = {
    errno.ENOENT: N_("{path} does not exist"),
    errno.EACCES: N_("{path} may not be read or written by this user"),
    errno.EPERM: N_("{path} may not be read or written by this user"),
    errno.EISDIR: N_("{path} is a folder, not a file"),
    errno.ENOTDIR: N_("a folder in {path} is a file"),
}


def explained(exc: BaseException, language: str) -> tuple[str, int] | None:
    """The one line and exit status for a failure a person can put right; None for any other."""
    if isinstance(exc, FontsMissing):
        return render(exc.template, language, **exc.params), FAILURE
    if isinstance(exc, OSError) and exc.filename is not None:
        template = _FILE_PROBLEMS.get(exc.errno or 0, N_("{path}: {reason}"))
        return render(template, language, path=exc.filename, reason=exc.strerror or type(exc).__name__), USAGE
    return None
