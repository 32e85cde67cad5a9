"""Signed checkpoints of the ledger: "entry N has hash H", signed by the registry's key.

The head file outside the database is the newest checkpoint; an office can take one at any time
(`ledgerCheckpoint`, `borderlabour audit checkpoint`) and keep it, as Certificate Transparency's
signed tree heads are kept by witnesses. A checkpoint signs a message no ledger entry signs, so it
cannot be rebuilt from the database: whoever cut entries off and lacks the key cannot make a head
that names the new, shorter end. With checkpoints held by the counterpart offices, even whoever
holds the key cannot remove history they have seen without `audit verify --checkpoint` noticing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LedgerEntry

CONTEXT = "borderlabour-ledger-checkpoint"


def public_key_text(public: Ed25519PublicKey) -> str:
    """The raw 32-byte Ed25519 key, base64: short enough for a JSON field."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_key_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A pinned public key: PEM (as `audit public-key` prints it) or the base64 raw key."""
    text = path.read_text().strip()
    try:
        key = (
            serialization.load_pem_public_key(text.encode())
            if text.startswith("-----BEGIN")
            else Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
        )
    except ValueError as exc:
        raise SystemExit(f"{path} is not an Ed25519 public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SystemExit(f"{path} is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    entry_hash: str
    signed_at: str
    signature: str
    public_key: str

    def message(self) -> bytes:
        return f"{CONTEXT}\n{self.seq}\n{self.entry_hash}\n{self.signed_at}".encode()

    def signed_by(self, public: Ed25519PublicKey) -> bool:
        """The signature is valid, and made by exactly this key."""
        if self.public_key != public_key_text(public):
            return False
        try:
            public.verify(bytes.fromhex(self.signature), self.message())
        except Exception:
            return False
        return True

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "entryHash": self.entry_hash,
            "signedAt": self.signed_at,
            "signature": self.signature,
            "publicKey": self.public_key,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Checkpoint:
        return cls(
            int(raw["seq"]),
            str(raw["entryHash"]),
            str(raw["signedAt"]),
            str(raw["signature"]),
            str(raw["publicKey"]),
        )


def sign_checkpoint(
    key: Ed25519PrivateKey, seq: int, entry_hash: str, entry_at: dt.datetime | None
) -> Checkpoint:
    """Signs "entry `seq` has `entry_hash`". `signedAt` is when that entry was signed (the epoch for
    an empty ledger): a checkpoint is a function of the ledger's state, the same however often taken."""
    moment = entry_at if entry_at is not None else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    at = moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    unsigned = Checkpoint(seq, entry_hash, at, "", _public_key_text_of(key))
    return Checkpoint(seq, entry_hash, at, key.sign(unsigned.message()).hex(), unsigned.public_key)


@lru_cache(maxsize=16)  # a server has one key; tests and commands a few
def _public_key_text_of(key: Ed25519PrivateKey) -> str:
    """The key's public half as a checkpoint names it, worked out once per key: a server signs a
    checkpoint after every batch, and deriving and encoding the public key was a third of that.
    A private key hashes and compares by identity, so each key object is its own entry."""
    return public_key_text(key.public_key())


def current_checkpoint(session: Session, key: Ed25519PrivateKey) -> Checkpoint:
    """A checkpoint of the ledger's last entry (entry 0 and the genesis hash if the ledger is empty)."""
    last = session.execute(
        select(LedgerEntry.id, LedgerEntry.entry_hash, LedgerEntry.at)
        .order_by(LedgerEntry.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return sign_checkpoint(key, 0, "0" * 64, None)
    return sign_checkpoint(key, last.id, last.entry_hash, last.at)


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file, or SystemExit naming what is wrong with it."""
    try:
        return Checkpoint.from_json(json.loads(path.read_text()))
    except FileNotFoundError as exc:
        raise SystemExit(f"checkpoint file {path} not found") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise SystemExit(
            f"{path} is not a ledger checkpoint (JSON with seq, entryHash, signedAt, ...)"
        ) from exc
