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
    """The signed head outside the database; None only if there is no file."""
    try:
        return Checkpoint.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        # Unreadable, or in the format before heads were checkpoints: verification reports it.
        return Checkpoint(-1, "", "", "", "")


def advance_head(path: Path, head: Checkpoint) -> None:
    """Moves the head forward, never back: processes appending at once each write their own entry."""
    SignedHead(path).advance(head)


class SignedHead:
    """The number of the last entry this host signed a head for, read from the head file.

    The appender asks for it once per batch, under the lock on the database's head; the file is
    parsed again only when it changed (another inode, time or size: `advance` replaces it), so the
    check costs one `stat`. What `advance` writes it remembers with the file's new stamp, so a
    process whose batches follow one another parses no file at all, while a head another process
    wrote is still read. `refusals` counts the appends refused for a head behind it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.refusals = 0
        self._stamp: tuple[int, int, int] | None = None
        self._seq = 0
        self._lock = threading.Lock()
        self._lock_path = path.with_name(path.name + ".lock")

    def seq(self) -> int:
        """0 without a head file: there is nothing signed to fall behind (verify reports a missing one)."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return 0
        return self._seq_of(status)

    def advance(self, head: Checkpoint) -> None:
        """Writes `head` unless the file already names it or a later entry: processes appending at
        once each write their own, and the head moves forward, never back."""
        with os.fdopen(os.open(self._lock_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            try:
                current = self._seq_of(os.stat(self.path))
            except FileNotFoundError:
                current = None
            if current is not None and current >= head.seq:
                return
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(out, orjson.dumps(head.as_json()))  # one write: json.dump writes piece by piece
            finally:
                os.close(out)
            os.replace(tmp, self.path)
            status = os.stat(self.path)  # under the lock: no other process has replaced it since
            with self._lock:
                self._seq, self._stamp = head.seq, _stamp(status)

    def refused(self) -> None:
        with self._lock:
            self.refusals += 1

    def _seq_of(self, status: os.stat_result) -> int:
        """The head file's seq: remembered while the file's stamp is the one last seen, else read."""
        stamp = _stamp(status)
        with self._lock:
            if stamp != self._stamp:
                head = read_head(self.path)
                self._seq, self._stamp = (head.seq if head is not None else 0), stamp
            return self._seq


def _stamp(status: os.stat_result) -> tuple[int, int, int]:
    return (status.st_ino, status.st_mtime_ns, status.st_size)
