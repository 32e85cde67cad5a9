"""The ledger's Ed25519 signing key and its signed head, both kept outside the database.

The head file holds the last entry's sequence number, hash and signature. A database whose tail
was cut off still verifies as a chain; the head file is what shows that entries are missing.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

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


@dataclass(frozen=True)
class SignedHead:
    seq: int
    entry_hash: str
    signature: str


def read_head(path: Path) -> SignedHead | None:
    try:
        raw = json.loads(path.read_text())
        return SignedHead(int(raw["seq"]), str(raw["entry_hash"]), str(raw["signature"]))
    except FileNotFoundError:
        return None


def advance_head(path: Path, head: SignedHead) -> None:
    """Moves the head forward, never back: processes appending at once each write their own entry."""
    lock = path.with_name(path.name + ".lock")
    with os.fdopen(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        try:
            current = read_head(path)
        except (ValueError, KeyError):
            current = None
        if current is not None and current.seq >= head.seq:
            return
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            json.dump({"seq": head.seq, "entry_hash": head.entry_hash, "signature": head.signature}, out)
        os.replace(tmp, path)
