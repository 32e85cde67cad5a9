"""The ledger's Ed25519 signing key and its signed head, both kept outside the database.

The head file holds a signed checkpoint of the last entry (see `ledger.checkpoints`). A database
whose tail was cut off still verifies as a chain; the head file is what shows that entries are
missing, and its signature is over a message no entry carries, so it cannot be rebuilt from them.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.checkpoints import Checkpoint
from models.sealing import KEY_FILE_ENV, default_key_file


@dataclass(frozen=True)
class LedgerFiles:
    signing_key: Path
    head: Path

    @classmethod
    def beside_keys(cls, database_url: str) -> LedgerFiles:
        keys = Path(os.environ.get(KEY_FILE_ENV) or default_key_file(database_url))
        stem = keys.name.removesuffix(".json").removesuffix(".keys")
        return cls(keys.with_name(f"{stem}.ledger-key.pem"), keys.with_name(f"{stem}.ledger-head.json"))


def load_signing_key(path: Path, create: bool = False) -> Ed25519PrivateKey:
    if not path.exists():
        if not create:
            raise SystemExit(f"ledger signing key {path} not found: run `borderlabour migrate` to create it")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{path} is not an Ed25519 private key")
    return key


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
    lock = path.with_name(path.name + ".lock")
    with os.fdopen(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        current = read_head(path)
        if current is not None and current.seq >= head.seq:
            return
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            json.dump(head.as_json(), out)
        os.replace(tmp, path)
