"""Output that survives a reader who stops reading (`borderlabour token list | head -1`).

When the pipe closes, what is left to print is dropped and the command carries on: a key
rotation must finish even if nobody reads its progress any more.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO


class ClosedPipeTolerant:
    """Wraps stdout: writes after the reader has gone are discarded instead of raising."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._discard_rest()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._discard_rest()

    def _discard_rest(self) -> None:
        # Point the descriptor at /dev/null so the interpreter's last flush at exit succeeds too.
        self.reader_gone = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def tolerate_closed_stdout() -> None:
    if not isinstance(sys.stdout, ClosedPipeTolerant):
        sys.stdout = ClosedPipeTolerant(sys.stdout)  # type: ignore[assignment]
