"""How much work one uploaded workbook may cost before it is refused as a whole.

An xlsx is a zip of XML files, and its size says little about the work it makes: a 1.7 KB sheet can
declare a million rows and sixteen thousand columns, and a few hundred kilobytes of compressed,
repeated text can unpack to gigabytes. So the work is bounded, not the bytes: every member of the
archive is unpacked once here, streamed, against a cap on its size (whatever its header claims),
the shared strings are counted while they stream past, and a deadline bounds the whole parse.
The sheet itself is then read row by row (`imports.workbook`), every row counted, empty or not.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import zlib
from typing import Any

from locales import N_

MAX_ROWS = 50_000
# Template columns plus room for empty ones between them; a header past this is refused, so no row
# is ever widened to the sixteen thousand columns a sheet may declare.
MAX_COLUMNS = 64
# A sheet of MAX_ROWS rows of the template's columns, its text written inline, is about 40 MB.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_ARCHIVE_BYTES = 128 * 1024 * 1024
MAX_MEMBERS = 200
# Three distinct texts a row on average (names, ID and phone numbers) for a file at the row limit.
MAX_SHARED_STRINGS = 3 * MAX_ROWS
PARSE_SECONDS = 60.0
_CHUNK = 1 << 20


class FileRefused(Exception):
    """The file as a whole cannot be imported; `template` and `params` make the message."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.template, self.params = template, params


class Deadline:
    """The time budget of one parse; `check` refuses the file once it is spent."""

    def __init__(self, seconds: float = PARSE_SECONDS) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._ends:
            raise FileRefused(
                N_("the file took more than {seconds} seconds to read: split it"), seconds=int(self.seconds)
            )


def _too_big(name: str) -> FileRefused:
    return FileRefused(
        N_("the part {part} of the file unpacks to more than {maximum} MB: split the file"),
        part=name,
        maximum=MAX_MEMBER_BYTES // (1024 * 1024),
    )


class _StringCounter:
    """Counts the `<si>` elements of a shared-strings part as its bytes stream in; refuses past the cap.

    A regular expression over the raw bytes, not an XML parse: it runs at C speed, so refusing a
    part of a million strings costs milliseconds. Text cannot hold a raw `<`, so only a comment or
    CDATA could add to the count, and that only makes its own file refused sooner.
    """

    _START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s/>]")
    _OVERLAP = 64  # longer than any start the pattern matches (37 bytes), so none is split unseen

    def __init__(self) -> None:
        self._tail = b""
        self.count = 0

    def feed(self, chunk: bytes) -> None:
        window = self._tail + chunk
        # A tag that straddles the cut is counted in the next window: only starts before it count now.
        cut = max(len(window) - self._OVERLAP, 0)
        self.count += sum(1 for match in self._START.finditer(window, 0, len(window)) if match.start() < cut)
        self._tail = window[cut:]
        if self.count > MAX_SHARED_STRINGS:
            raise FileRefused(
                N_("the file holds more than {maximum} different texts: split it"), maximum=MAX_SHARED_STRINGS
            )

    def close(self) -> None:
        self.count += len(self._START.findall(self._tail))
        self._tail = b""
        if self.count > MAX_SHARED_STRINGS:
            raise FileRefused(
                N_("the file holds more than {maximum} different texts: split it"), maximum=MAX_SHARED_STRINGS
            )


def check_archive(content: bytes, deadline: Deadline) -> None:
    """Unpacks every member once, streamed and capped; counts the shared strings. Refuses a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(N_("the file is not an Excel workbook (.xlsx)")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise FileRefused(N_("the file is not an Excel workbook (.xlsx)"))
        total = 0
        for member in members:
            if member.file_size > MAX_MEMBER_BYTES:
                raise _too_big(member.filename)
            counter = _StringCounter() if member.filename.lower().endswith("sharedstrings.xml") else None
            unpacked = 0
            try:
                with archive.open(member) as stream:
                    # The header's size is only a claim: count what actually comes out.
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        total += len(chunk)
                        if unpacked > MAX_MEMBER_BYTES or total > MAX_ARCHIVE_BYTES:
                            raise _too_big(member.filename)
                        if counter is not None:
                            counter.feed(chunk)
                        deadline.check()
                    if counter is not None:
                        counter.close()
            except (
                zipfile.BadZipFile,
                zlib.error,
                OSError,
                ValueError,
                NotImplementedError,
                EOFError,
            ) as exc:
                raise FileRefused(N_("the file is not an Excel workbook (.xlsx)")) from exc
