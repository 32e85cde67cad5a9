"""Files the command line writes (reports, checkpoints): created readable by their owner only.

A report lists workers' placements and a checkpoint is a signed statement about the ledger; both
are written with mode 0600 from the moment they exist, and a file written over keeps no wider mode.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, content: bytes | str) -> None:
    """Writes `content` to `path`, created (or truncated and narrowed) to mode 0600."""
    data = content.encode() if isinstance(content, str) else content
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), PRIVATE)  # O_CREAT's mode applies to new files only
        out.write(data)
