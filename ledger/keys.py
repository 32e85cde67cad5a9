"""The ledger's Ed25519 signing key and its signed head, both kept outside the database.

The head file holds a signed checkpoint of the last entry (see `ledger.checkpoints`). A database
whose tail was cut off still verifies as a chain; the head file is what shows that entries are
missing, and its signature is over a message no entry carries, so it cannot be rebuilt from them.
For the same reason the appender refuses to chain onto a database head that is behind the head
file (`SignedHead`): new entries on a cut head would hide the cut behind a newer signed head.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.checkpoints import Checkpoint
from settings import SetupError


@dataclass(frozen=True)
class LedgerFiles:
    signing_key: Path
    head: Path

    @classmethod
    def beside_keys(cls, keys: Path) -> LedgerFiles:
        stem = keys.name.removesuffix(".json").removesuffix(".keys")
        return cls(keys.with_name(f"{stem}.ledger-key.pem"), keys.with_name(f"{stem}.ledger-head.json"))


def load_signing_key(path: Path, create: bool = False) -> Ed25519PrivateKey:
    if not path.exists():
        if not create:
            raise SetupError(
                "ledger signing key {path} not found: run `borderlabour migrate` to create it", path=path
            )
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SetupError("{path} is not an Ed25519 private key", path=path)
    return loaded


def public_key_of(key: Ed25519PrivateKey) -> Ed25519PublicKey:
    return key.public_key()


def read_head(path: Path) -> Checkpoint | None:
    """The signed head outside the database; None only if there is no file. Read under the shared
    lock when a writer has made the lock file: heads are written in place (`SignedHead`)."""
    with _shared_lock_if_any(_lock_path_of(path)):
        raw = _read_bytes(path)
    return None if raw is None else _parsed(raw)


def advance_head(path: Path, head: Checkpoint) -> None:
    """Moves the head forward, never back: processes appending at once each write their own entry."""
    signed = SignedHead(path)
    try:
        signed.advance(head)
    finally:
        signed.close()


HEAD_BYTES = 512
"""The head file's size: the checkpoint's JSON padded with spaces to one 512-byte sector (about
340 bytes are used), written in place at offset 0 in one `pwrite`."""


class SignedHead:
    """The head file, and the number of the last entry this host signed a head for.

    The appender asks for the number once per batch and moves the head after every batch, before
    the batch's answers leave: both are on the answer's path. The head is therefore written in
    place, one `pwrite` of `HEAD_BYTES` into the file that is there, under an exclusive `flock`
    on a lock file beside it, and read under a shared one, so no reader sees half a head. Writing
    a new file and renaming it over the old cost 130-140 µs of CPU and 190-200 µs of waiting per
    batch on ext4 (an inode made and one freed each time), against 8-17 µs for the write in place
    and 7.5 µs for reading the number (BENCHMARKS.md, "The head file written in place"). A power
    cut during the write leaves the old sector or the new one, a single sector being written
    whole; a file cut short or garbled reads as unreadable, and `audit verify` reports it.
    `refusals` counts the appends refused for a head behind it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.refusals = 0
        self._lock = threading.Lock()
        self._guard = _KeptLock(_lock_path_of(path))  # the head's: reading and writing it
        self._turn = _KeptLock(path.with_name(path.name + ".turn"))  # the appenders' turns
        self._last: tuple[bytes, tuple[int, str]] = (b"", (0, ""))  # the file's bytes last read, its head

    def seq(self) -> int:
        """0 without a head file: there is nothing signed to fall behind (verify reports a missing one)."""
        head = self.head()
        return 0 if head is None else head[0]

    def head(self) -> tuple[int, str] | None:
        """The (seq, entry hash) the head file names; None without a head file, seq -1 if unreadable."""
        with self._lock:
            with self._guard.held(fcntl.LOCK_SH):
                raw = _read_bytes(self.path)
            return None if raw is None else self._head_of(raw)

    def advance(self, head: Checkpoint) -> None:
        """Writes `head` unless the file already names it or a later entry: processes appending at
        once each write their own, and the head moves forward, never back."""
        text = orjson.dumps(head.as_json())
        padded = text.ljust(HEAD_BYTES - 1) + b"\n"
        with self._lock, self._guard.held(fcntl.LOCK_EX):
            raw = _read_bytes(self.path)
            if raw is not None and self._head_of(raw)[0] >= head.seq:
                return
            out = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                os.pwrite(out, padded, 0)
                if raw is not None and len(raw) > len(padded):  # a longer file, written by hand
                    os.ftruncate(out, len(padded))
            finally:
                os.close(out)
            self._last = (padded, (head.seq, head.entry_hash))

    def refused(self) -> None:
        with self._lock:
            self.refusals += 1

    def close(self) -> None:
        """Closes the lock files this process keeps open (a server's head lives as long as it)."""
        with self._lock:
            self._guard.close()
            self._turn.close()

    def __del__(self) -> None:
        with suppress(Exception):  # at the interpreter's exit `os` may already be gone
            self.close()

    def turn(self) -> AbstractContextManager[None]:
        """This host's turn to append, for the block: an exclusive `flock` on a second lock file
        beside the head (`.turn`), kept open by this process, which the appenders of the host's
        server processes take around each batch (`ledger.appender`). Within it the head file names
        the last batch any of them committed, so a batch chained onto it and stored without the
        database's lock finds the database's head where the file says, instead of racing another
        process for it. Only appenders take it, never while holding the head's own lock, and a
        holder of that lock waits for nothing else: no cycle of waits can form. The database still
        decides: a head moved by a write or by another host stores nothing, and the batch takes the
        lock as before."""
        return self._turn.held(fcntl.LOCK_EX)

    def _head_of(self, raw: bytes) -> tuple[int, str]:
        """The (seq, entry hash) in the file's bytes, parsed again only when they changed."""
        if raw != self._last[0]:
            parsed = _parsed(raw)
            self._last = (raw, (parsed.seq, parsed.entry_hash))
        return self._last[1]


def _lock_path_of(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


class _KeptLock:
    """A lock file beside the head, opened by this process once and kept, made readable by its
    owner only. `flock` locks an open file, not a process: threads of one process share the
    descriptor, and with it the lock (`SignedHead` holds its own `_lock` around the head's); a
    descriptor inherited through `fork` shares its lock with the parent, so a child opens its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kept: tuple[int, int] | None = None  # (process id, descriptor)

    @contextmanager
    def held(self, operation: int) -> Iterator[None]:
        pid = os.getpid()
        if self._kept is None or self._kept[0] != pid:
            self._kept = (pid, os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        descriptor = self._kept[1]
        fcntl.flock(descriptor, operation)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None and kept[0] == os.getpid():
            os.close(kept[1])


@contextmanager
def _shared_lock_if_any(lock_path: Path) -> Iterator[None]:
    """The shared `flock` on the lock file beside the head, for a reader such as `audit verify`
    (perhaps under another account: it opens the file read-only). No lock file means no writer has
    run, and the block runs unlocked."""
    try:
        guard = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        yield
        return
    try:
        fcntl.flock(guard, fcntl.LOCK_SH)
        yield
    finally:
        os.close(guard)  # closing the only descriptor of the open file releases the lock


def _read_bytes(path: Path) -> bytes | None:
    try:
        handle = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        chunks = []
        while chunk := os.read(handle, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def _parsed(raw: bytes) -> Checkpoint:
    try:
        return Checkpoint.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError):
        # Unreadable, or in the format before heads were checkpoints: verification reports it.
        return Checkpoint(-1, "", "", "", "")
